"""Reading a KPI from ``kpi_value`` instead of compiling it, when that gives exactly what compiling would.

The stored values are used only while they are current: the last refresh that succeeded computed this KPI under its
present definition and the present ``kpi`` settings, and no sync run has changed an entity the KPI reads since
(refresh_inputs.py). A request scoped to a user or filtered by members always compiles.

- **The grain is stored**: its rows are read; a range must fall on the period's boundaries (and a whole-range grain
  takes no range); a cumulative KPI's running value starts where the stored one did, so it takes no range start; an
  as-of KPI's states end with the day of the refresh, so they answer on that day only.
- **Additive KPIs** (simple, ratio and conversion KPIs whose measures are sums or counts) roll up from a finer stored
  grain where that is exact: over members into the total, over periods that nest in the asked one (months into
  quarters and years, fiscal ones when the fiscal year starts on a quarter boundary), within a range on the stored
  period's boundaries. A ratio is re-divided: scale · Σnumerator / Σdenominator, never an average of ratios.
- Anything else compiles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, select

from analytics.kpi.calendar import bucket, nests
from analytics.kpi.catalog import Catalog
from analytics.kpi.errors import KpiDefinitionError
from analytics.kpi.grain import ALL, Grain
from analytics.kpi.query import KpiRequest, KpiResult, KpiRow, render_sql
from analytics.kpi.refresh_inputs import changed_since, kpi_entities, last_inputs, settings_hash
from analytics.kpi.schema import ADDITIVE, PERIODS, KpiFile, Period
from analytics.kpi.store_load import definition_hash
from analytics.kpi.zone import to_local
from config.models.kpi import KpiSettings
from store.tables import kpi_value

_COARSENESS = {"day": 0, "week": 1, "month": 2, "quarter": 3, "fiscal_quarter": 3, "year": 4, "fiscal_year": 4}


@dataclass(frozen=True, slots=True)
class Plan:
    source: Grain  # the stored grain read
    dimension: str | None  # the request's
    period: Period | None  # the request's
    rollup: bool


def additive(kpi: KpiFile, catalog: Catalog) -> bool:
    if kpi.type not in ("simple", "ratio", "conversion"):
        return False
    measures = catalog.kpi_measures(kpi).values()
    return all(m.spec.agg in ADDITIVE and not m.spec.as_of for m in measures)


def _aligned(day: date | None, period: str, fiscal_start: int) -> bool:
    return day is None or (period != ALL and bucket(day, _period(period), fiscal_start) == day)


def _period(text: str) -> Period:
    return next(p for p in PERIODS if p == text)


def choose(kpi: KpiFile, request: KpiRequest, grains: Sequence[Grain], *, summable: bool, fiscal_start: int
           ) -> Plan | None:
    """The stored grain that answers ``request`` exactly, if one does (see the module docstring)."""
    dim = request.dimensions[0] if request.dimensions else None
    want = Grain(dim or ALL, request.period or ALL)

    def fits(period: str) -> bool:  # the range falls on the stored period's boundaries
        return _aligned(request.start, period, fiscal_start) and _aligned(request.end, period, fiscal_start)

    ranged = request.start is not None or request.end is not None
    running_from_start = kpi.type == "cumulative" and request.start is not None
    if want in grains and not running_from_start and (not ranged or fits(want.period)):
        return Plan(want, dim, request.period, rollup=False)
    if not summable:
        return None
    found = [g for g in grains
             if g.period != ALL  # a whole-range row can neither be split nor ranged
             and (dim is None or g.dimension == dim)  # members add up into the total only
             and (request.period is None or nests(_period(g.period), request.period, fiscal_start))
             and fits(g.period)]
    if not found:
        return None
    best = min(found, key=lambda g: (g.dimension != want.dimension, -_COARSENESS[g.period]))
    return Plan(best, dim, request.period, rollup=True)


def read_materialised(engine: Engine, kpi: KpiFile, request: KpiRequest, *, catalog: Catalog, settings: KpiSettings
                      ) -> KpiResult | None:
    """The request answered from kpi_value, or None when it must be compiled."""
    if (request.as_user is not None or request.filters or len(request.dimensions) > 1 or request.code != kpi.code
            or kpi.status != "computed" or any(d not in kpi.dimensions for d in request.dimensions)
            or (request.start and request.end and request.start >= request.end)):
        return None
    try:
        digest = definition_hash(kpi, catalog)
    except KpiDefinitionError:
        return None  # compiling names the problem
    with engine.connect() as conn:
        last = last_inputs(conn)
        skipped = set((last or {}).get("skipped", {}).get(kpi.code, []))  # grains it cannot be cut at
        grains = [Grain.parse(g) for g in (last or {}).get("grains", []) if g not in skipped]
        if last is None or last.get("kpis", {}).get(kpi.code) != digest or not _current(conn, kpi, last, catalog,
                                                                                         settings, grains):
            return None
        if kpi.type == "as_of" and not _as_of_fresh(last, settings):
            return None
        try:
            plan = choose(kpi, request, grains, summable=additive(kpi, catalog),
                          fiscal_start=settings.fiscal_year_start_month)
        except KpiDefinitionError:
            return None
        if plan is None:
            return None
        statement = (select(kpi_value.c.member, kpi_value.c.period_start, kpi_value.c.value, kpi_value.c.numerator,
                            kpi_value.c.denominator)
                     .where(kpi_value.c.kpi_code == kpi.code, kpi_value.c.dimension == plan.source.dimension,
                            kpi_value.c.period == plan.source.period,
                            kpi_value.c.definition_hash == digest)
                     .order_by(kpi_value.c.member, kpi_value.c.period_start))
        if request.start is not None:
            statement = statement.where(kpi_value.c.period_start >= request.start)
        if request.end is not None:
            statement = statement.where(kpi_value.c.period_start < request.end)
        stored = conn.execute(statement).all()
    rows = _rows(kpi, plan, stored, settings.fiscal_year_start_month)
    warnings = tuple(last.get("warnings", {}).get(kpi.code, ()))
    return KpiResult(kpi.code, kpi.name, kpi.unit, rows, render_sql(statement, engine.dialect), "kpi_value",
                     warnings)


def _as_of_fresh(last: dict[str, Any], settings: KpiSettings) -> bool:
    """Stored as-of states end with the refresh's day: they answer on that day only."""
    return last.get("today") == to_local(datetime.now(UTC), settings.time_zone).date().isoformat()


def _current(conn: Connection, kpi: KpiFile, last: dict[str, Any], catalog: Catalog, settings: KpiSettings,
             grains: Sequence[Grain]) -> bool:
    if last.get("settings") != settings_hash(settings) or kpi.code in last.get("failed", []):
        return False
    try:
        reads = kpi_entities(kpi, catalog, {g.dimension for g in grains if g.dimension != ALL})
    except KpiDefinitionError:
        return False
    return not reads & changed_since(conn, last)


def _rows(kpi: KpiFile, plan: Plan, stored: Sequence[Any], fiscal_start: int) -> list[KpiRow]:
    def members(member: str) -> dict[str, str]:
        return {plan.dimension: member} if plan.dimension else {}

    if not plan.rollup:
        return [KpiRow(members(r.member), r.period_start if plan.period else None, r.value, r.numerator,
                       r.denominator) for r in stored]
    sums: dict[tuple[str, date | None], list[float]] = {}
    for r in stored:
        key = (r.member if plan.dimension else "", bucket(r.period_start, plan.period, fiscal_start)
               if plan.period else None)
        acc = sums.setdefault(key, [0.0, 0.0, 0.0])
        acc[0] += r.value or 0.0
        acc[1] += r.numerator or 0.0
        acc[2] += r.denominator or 0.0
    if not sums and plan.dimension is None and plan.period is None:  # compiling a total always gives one row
        sums[("", None)] = [0.0, 0.0, 0.0]
    ratio = kpi.type in ("ratio", "conversion")
    return [KpiRow(members(member), start,
                   (kpi.scale * num / den if den else None) if ratio else value,
                   num if ratio else None, den if ratio else None)
            for (member, start), (value, num, den) in sorted(sums.items(), key=lambda kv: (kv[0][0], kv[0][1]
                                                                                           or date.min))]
