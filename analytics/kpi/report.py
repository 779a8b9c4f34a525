"""The KPI report over a synced store, as the demo shows it: the registry loaded into the store, the census of what is
computed, needs data or cannot be computed (and what has data here), and headline KPIs per rep and per team over
the trailing fiscal quarters.

kpi_value is refreshed by its own service before (sync/kpi_refresh.py: after each sync, or ``crmhub kpi refresh``);
the headlines read it where it answers and compile the rest. One service for the demo (hub/demos/kpis.py prints it)
and the tests that check it on a small synced store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from analytics.kpi.headline import HEADLINE_KPIS, HeadlineDimension, Headlines, headlines, trailing_quarters
from analytics.kpi.loader import shipped_kpi_registry
from analytics.kpi.registry import KpiRegistry
from analytics.kpi.store_census import StoredCensus, stored_census
from analytics.kpi.store_load import LoadReport, load_registry
from config.models.kpi import KpiSettings

DIMENSIONS: tuple[HeadlineDimension, ...] = ("team", "rep")


@dataclass(frozen=True, slots=True)
class KpiReport:
    loaded: LoadReport
    census: StoredCensus
    headlines: dict[str, Headlines]  # per dimension

    def as_dict(self) -> dict[str, Any]:
        return {"registry": {"modules": self.loaded.modules, "kpis": self.loaded.kpis,
                             "object_models": self.loaded.object_models,
                             "kpi_memberships": self.loaded.kpi_memberships},
                "census": self.census.as_dict(),
                "headlines": {dim: h.as_dict() for dim, h in self.headlines.items()}}


def kpi_report(engine: Engine, settings: KpiSettings, *, registry: KpiRegistry | None = None,
               codes: Sequence[str] = HEADLINE_KPIS, now: Callable[[], datetime] = lambda: datetime.now(UTC)
               ) -> KpiReport:
    """Load ``registry`` (default: the shipped one) into the store, then read the census and the headlines of
    ``codes`` per team and rep over the four fiscal quarters before ``now``'s."""
    registry = registry or shipped_kpi_registry()
    loaded = load_registry(engine, registry)
    start, end = trailing_quarters(now(), settings)
    kpis = [registry.kpi(code) for code in codes]
    tables: dict[str, Headlines] = {
        dim: headlines(engine, kpis, dimension=dim, start=start, end=end, catalog=registry.catalog, settings=settings)
        for dim in DIMENSIONS}
    return KpiReport(loaded, stored_census(engine), tables)
