"""One measure at a grain: ``SELECT <dimensions>, period_start, value`` over its live rows in a time range.

The measure is aggregated at its own grain: its rows are read from its own table with many-to-one lookups only
(source.py, dims.py), filtered (where, anchor in [start, end), dimension filters, the user's scope), then grouped by
the grain. A row whose anchor is NULL has no place in time and never counts, so a total is the sum of its periods.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, literal, select
from sqlalchemy.sql.elements import ColumnElement

from analytics.kpi import expr
from analytics.kpi.aggregate import QUANTILES, aggregate
from analytics.kpi.calendar import bucket_sql
from analytics.kpi.catalog import Measure
from analytics.kpi.dims import dimension, rep_column
from analytics.kpi.errors import KpiDefinitionError, KpiNotComputable
from analytics.kpi.hooks import AsOfHook, CurrencyHook, Precondition
from analytics.kpi.schema import Condition, Dimension, Period
from analytics.kpi.scope import visible
from analytics.kpi.source import Source, kind_of
from analytics.kpi.zone import Clock, DialectName
from store.types import UtcDateTime

_NUMERIC_AGGS = frozenset({"sum", "avg", *QUANTILES})


@dataclass(frozen=True, slots=True)
class Slice:
    """What is asked of every measure of a KPI: the grain, the range on the anchor, filters and scope."""

    dimensions: tuple[Dimension, ...] = ()
    period: Period | None = None
    start: date | None = None  # [start, end): local dates in the org's zone
    end: date | None = None
    filters: Mapping[Dimension, Sequence[str]] = field(default_factory=dict)
    as_user: str | None = None

    @property
    def keys(self) -> list[str]:
        return [*self.dimensions, *(["period_start"] if self.period else [])]


@dataclass(frozen=True, slots=True)
class Dialect:
    """How to compile: the SQL dialect, the org's calendar and the hand-over hooks."""

    name: DialectName
    currency: CurrencyHook
    as_of: AsOfHook | None = None
    time_zone: str = "UTC"
    fiscal_start: int = 1


def measure_select(measure: Measure, want: Slice, on: Dialect, *, kpi: str
                   ) -> tuple[Select[Any], tuple[Precondition, ...]]:
    """The measure aggregated at ``want``'s grain: columns ``want.keys`` then ``value``."""
    spec = measure.spec
    clock = Clock.for_range(on.name, on.time_zone, want.start, want.end)
    source, period_start, conditions = _rows(measure, want, on, clock, kpi=kpi)
    anchor = source.column(measure.anchor_path)
    day = bucket_sql(clock, anchor, kind_of(anchor), "day", on.fiscal_start)
    columns: list[ColumnElement[Any]] = [dimension(source, measure, d, day, kpi=kpi).label(d) for d in want.dimensions]
    if period_start is not None:
        columns.append(period_start.label("period_start"))
    for dim, members in want.filters.items():
        conditions.append(dimension(source, measure, dim, day, kpi=kpi).in_(list(members)))
    if want.as_user is not None:
        conditions.append(visible(rep_column(source, measure, kpi=kpi, why="a scoped request (as_user)"),
                                  want.as_user))
    value = value_sql(measure, source, Clock(on.name, on.time_zone), kpi=kpi)
    if spec.currency and value is not None:
        currency = source.column(str(measure.facts.currency))
        # the unconverted amount and its day go along, so a hook can tell a missing rate from a missing amount
        columns += [currency.label("currency"), value.label("amount"), day.label("day")]
        value = on.currency.convert(measure, value, currency, day, source)
    columns.append((value if value is not None else literal(1)).label("v"))
    rows = select(*columns).select_from(source.from_clause()).where(and_(*conditions)).subquery(_alias(measure))
    checks = on.currency.preconditions(measure, rows, rows.c.currency, kpi=kpi) if spec.currency else ()
    return aggregate(rows, want.keys, spec.agg, on.name), checks


def _rows(measure: Measure, want: Slice, on: Dialect, clock: Clock, *, kpi: str
          ) -> tuple[Source, ColumnElement[Any] | None, list[ColumnElement[bool]]]:
    """The measure's source, its period column and the conditions every counted row meets."""
    spec = measure.spec
    if spec.as_of:
        if on.as_of is None:
            raise KpiNotComputable(f"KPI {kpi}: measure {measure.name} is as_of (its rows as they stood at each "
                                   f"period's end, from {measure.facts.history}), and the engine was given no "
                                   "as-of history source")
        states, period_column = on.as_of.states(measure, period=want.period, start=want.start, end=want.end,
                                                clock=clock)
        source = Source(spec.entity, states)
        conditions = [source.live(), *(where_sql(source, c) for c in spec.where)]
        return source, (period_column if want.period else None), conditions
    source = Source(spec.entity)
    anchor = source.column(measure.anchor_path)
    kind = kind_of(anchor)
    conditions = [source.live(), anchor.is_not(None), *(where_sql(source, c) for c in spec.where)]
    conditions += _range(anchor, kind, want.start, want.end, on.time_zone)
    period_start = bucket_sql(clock, anchor, kind, want.period, on.fiscal_start) if want.period else None
    return source, period_start, conditions


def _range(anchor: ColumnElement[Any], kind: str, start: date | None, end: date | None, zone: str
           ) -> list[ColumnElement[bool]]:
    """[start, end) on the anchor; for a datetime, the local days' bounds as UTC instants (index-friendly)."""
    found: list[ColumnElement[bool]] = []
    for bound, is_start in ((start, True), (end, False)):
        if bound is None:
            continue
        value: Any = bound
        if kind == "datetime":
            value = literal(datetime.combine(bound, time(), ZoneInfo(zone)).astimezone(UTC), UtcDateTime())
        found.append(anchor >= value if is_start else anchor < value)
    return found


def value_sql(measure: Measure, source: Source, clock: Clock, *, kpi: str) -> ColumnElement[Any] | None:
    spec = measure.spec
    if spec.expr is None:
        return None
    try:
        value, kind = expr.to_sql(spec.expr, source.typed, clock.between)
    except expr.ExprError as exc:
        raise KpiDefinitionError(f"KPI {kpi}: measure {measure.name}: expr: {exc}") from None
    if spec.agg in _NUMERIC_AGGS and kind != "number":
        raise KpiDefinitionError(f"KPI {kpi}: measure {measure.name}: {spec.agg} needs a number, but expr "
                                 f"{spec.expr!r} is a {kind}")
    return value


def where_sql(source: Source, condition: Condition) -> ColumnElement[bool]:
    """One ``where`` condition, in SQL's three-valued logic: a NULL column passes no comparison."""
    column, value = source.column(condition.column), condition.value
    op = condition.op
    if op == "is_null":
        return column.is_(None)
    if op == "not_null":
        return column.is_not(None)
    if op in ("in", "not_in"):
        assert isinstance(value, list)
        return column.in_(value) if op == "in" else column.not_in(value)
    return {"eq": column.__eq__, "ne": column.__ne__, "gt": column.__gt__, "ge": column.__ge__,
            "lt": column.__lt__, "le": column.__le__}[op](value)


def _alias(measure: Measure) -> str:
    return "rows_" + measure.name.replace(".", "_").lower()
