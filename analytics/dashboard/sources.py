"""What the dashboard reads: the store, the KPI registry and catalog, and the KPI settings (zone, fiscal year)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from analytics.kpi.catalog import Catalog
from analytics.kpi.errors import KpiNotComputable, KpiRequestError
from analytics.kpi.query import KpiRequest, KpiResult, compute
from analytics.kpi.registry import KpiRegistry
from config.models.kpi import KpiSettings


@dataclass(frozen=True, slots=True)
class DashboardSources:
    engine: Engine
    registry: KpiRegistry
    catalog: Catalog
    settings: KpiSettings

    def compute(self, request: KpiRequest) -> KpiResult | str:
        """``request`` through the engine's one path (kpi_value where it answers, scope by ``as_user``); a KPI
        that cannot answer at this cut (quota attainment by region, a currency without a rate) gives the engine's
        message instead, shown in place of its value rather than failing the whole dashboard."""
        try:
            return compute(self.engine, self.registry.kpi(request.code), request, catalog=self.catalog,
                           settings=self.settings)
        except (KpiRequestError, KpiNotComputable) as exc:
            return exc.message
