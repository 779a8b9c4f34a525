"""The headline tiles: each KPI's value for the view (its level's member, within the path above it, over the range)
and its trend by the view's period, both from ``query.compute`` with the user's ``as_user``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from analytics.dashboard.sources import DashboardSources
from analytics.dashboard.view import TILES, ViewState
from analytics.kpi.query import KpiRequest


@dataclass(frozen=True, slots=True)
class TrendPoint:
    period_start: date
    value: float | None


@dataclass(frozen=True, slots=True)
class Tile:
    code: str
    label: str
    name: str  # the KPI's own name in the registry
    unit: str  # currency | percent | count | ...
    value: float | None  # None: no value (a rate over no closed deal, or ``note`` says why)
    trend: tuple[TrendPoint, ...]
    source: str  # kpi_value | compiled | "" when it could not be computed
    warnings: tuple[str, ...]
    note: str | None  # why the KPI has no value at this cut (the engine's message)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "label": self.label, "name": self.name, "unit": self.unit, "value": self.value,
                "source": self.source, "warnings": list(self.warnings), "note": self.note,
                "trend": [{"period_start": p.period_start.isoformat(), "value": p.value} for p in self.trend]}


def tiles(sources: DashboardSources, view: ViewState, as_user: str | None) -> tuple[Tile, ...]:
    return tuple(_tile(sources, view, as_user, code, label) for code, label in TILES)


def _tile(sources: DashboardSources, view: ViewState, as_user: str | None, code: str, label: str) -> Tile:
    kpi = sources.registry.kpi(code)
    filters = view.filters()
    total = sources.compute(KpiRequest(code, (), None, view.start, view.end, filters, as_user))
    if isinstance(total, str):
        return Tile(code, label, kpi.name, kpi.unit, None, (), "", (), total)
    by_period = sources.compute(KpiRequest(code, (), view.period, view.start, view.end, filters, as_user))
    trend = () if isinstance(by_period, str) else tuple(
        TrendPoint(row.period_start, row.value) for row in by_period.rows if row.period_start is not None)
    value = total.rows[0].value if total.rows else None
    warnings = total.warnings + (() if isinstance(by_period, str) else by_period.warnings)
    return Tile(code, label, kpi.name, kpi.unit, value, trend, total.source, tuple(dict.fromkeys(warnings)),
                by_period if isinstance(by_period, str) else None)
