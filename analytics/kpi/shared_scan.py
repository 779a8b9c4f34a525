"""Many measures at one grain in a few reads: the refresh's shared scans.

A refresh needs every measure of every KPI it recomputes at each stored grain. Measures placed on the same anchor
of the same entity read the same rows, each under its own ``where``; so each (entity, anchor) is read once per
grain, every measure an aggregate over ``CASE WHEN <where> THEN <value> END`` (aggregates skip NULLs, so each is the
measure over its own rows), beside the count of its rows. A member with none of a measure's rows gets no value of
it, as the measure's own query (measure_sql.measure_select) gives none; the total grain always has one, as an
aggregate without GROUP BY does.

As-of measures share a scan of their entity's states at each period's end (the as-of hook's rows, as
measure_select reads them). Read alone, by measure_select: quantiles on SQLite (window functions over the measure's
own rows), and each measure of a scan that failed, so one bad measure fails only the KPIs that use it.

Amounts with no exchange rate: the scan counts, per currency measure, the rows whose amount it left out; only a
measure with such rows runs its precondition query (conversion.py) to name the (currency, day) pairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, Select, and_, case, func, literal, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from analytics.kpi.aggregate import QUANTILES
from analytics.kpi.calendar import bucket_sql
from analytics.kpi.catalog import Measure
from analytics.kpi.dims import dimension
from analytics.kpi.errors import KpiDefinitionError, KpiNotComputable, KpiRequestError
from analytics.kpi.measure_sql import Dialect, Slice, measure_select, value_sql, where_sql
from analytics.kpi.source import Source, kind_of
from analytics.kpi.zone import Clock

MeasureId = tuple[str, str]  # (measure name, anchor path): what one set of values is of
Key = tuple[Any, ...]  # a grain's members, then its period start
ZERO_OVER_NO_ROWS = frozenset({"count", "sum", "count_distinct"})
Derive = Callable[[Measure], dict[Key, Any] | None]


def measure_id(measure: Measure) -> MeasureId:
    return measure.name, measure.anchor_path


@dataclass(slots=True)
class GrainValues:
    """Each measure's values at one grain, by key; the checks each found; why a measure could not be read."""

    values: dict[MeasureId, dict[Key, Any]] = field(default_factory=dict)
    found: dict[MeasureId, list[tuple[int, list[str]]]] = field(default_factory=dict)  # precondition index, rows
    failed: dict[MeasureId, str] = field(default_factory=dict)


def shared(measure: Measure, on: Dialect) -> bool:
    """Whether ``measure`` can be read in a shared scan (as-of measures share theirs: the states of their entity)."""
    return not (on.name == "sqlite" and measure.spec.agg in QUANTILES) and (not measure.spec.as_of or
                                                                              on.as_of is not None)


def read_grain(conn: Connection, measures: Iterable[Measure], want: Slice, on: Dialect, *,
               check_rates: Collection[MeasureId], derive: Derive | None = None) -> GrainValues:
    """Every measure of ``measures`` at ``want``'s grain (its dimensions, period; no range, filter or scope).
    ``check_rates``: the measures to look for amounts left without a rate in (their rows are the same at every
    grain: once is enough). ``derive``: gives a measure's values without a read where it can (rollup.py)."""
    out = GrainValues()
    groups: dict[tuple[str, str, bool], list[Measure]] = defaultdict(list)
    alone: list[Measure] = []
    for measure in {measure_id(m): m for m in measures}.values():
        derived = derive(measure) if derive is not None else None
        if derived is not None:
            out.values[measure_id(measure)] = derived
        elif shared(measure, on):
            groups[(measure.spec.entity, measure.anchor_path, measure.spec.as_of)].append(measure)
        else:
            alone.append(measure)
    for group in groups.values():
        try:
            _read_scan(conn, group, want, on, out, check_rates=check_rates)
        except (KpiNotComputable, KpiDefinitionError, KpiRequestError, SQLAlchemyError):
            conn.rollback()
            alone += group  # each alone: the one the database refuses fails only its own KPIs
    for measure in alone:
        _read_alone(conn, measure, want, on, out, check_rates=measure_id(measure) in check_rates)
    return out


def _read_alone(conn: Connection, measure: Measure, want: Slice, on: Dialect, out: GrainValues, *,
                check_rates: bool) -> None:
    mid = measure_id(measure)
    try:
        statement, checks = measure_select(measure, want, on, kpi=measure.name)
        width = len(want.keys)
        out.values[mid] = {key_of(row, want): row[width] for row in conn.execute(statement)}
        if check_rates:
            _run_checks(conn, mid, checks, out)
    except (KpiNotComputable, KpiDefinitionError, KpiRequestError) as exc:
        out.failed[mid] = f"{type(exc).__name__}: {exc}"
    except SQLAlchemyError as exc:
        conn.rollback()
        out.failed[mid] = f"{type(exc).__name__}: {exc}"


def _run_checks(conn: Connection, mid: MeasureId, checks: Iterable[Any], out: GrainValues) -> None:
    for index, check in enumerate(checks):
        found = [str(row[0]) for row in conn.execute(check.query)]
        if found:
            out.found.setdefault(mid, []).append((index, found))


def _read_scan(conn: Connection, group: list[Measure], want: Slice, on: Dialect, out: GrainValues, *,
               check_rates: Collection[MeasureId]) -> None:
    statement, columns = scan_select(group, want, on, check_rates=check_rates)
    values: dict[MeasureId, dict[Key, Any]] = {measure_id(m): {} for m in group}
    left_out: set[int] = set()
    for row in conn.execute(statement):
        key = key_of(row, want)
        for i, (measure, rows_at, value_at, missing_at) in enumerate(columns):
            n = row[rows_at]
            if n or not want.keys:  # a total has a value over no rows too: 0, or none
                value = row[value_at]
                values[measure_id(measure)][key] = (
                    0 if value is None and measure.spec.agg in ZERO_OVER_NO_ROWS else value)
            if missing_at is not None and row[missing_at]:
                left_out.add(i)
    out.values.update(values)
    for i in sorted(left_out):  # name the (currency, day) pairs: the measure's own precondition query
        measure = columns[i][0]
        _, checks = measure_select(measure, want, on, kpi=measure.name)  # an as-of measure's rows are the grain's
        _run_checks(conn, measure_id(measure), checks, out)


def scan_select(group: list[Measure], want: Slice, on: Dialect, *, check_rates: Collection[MeasureId] = ()
                ) -> tuple[Select[Any], list[tuple[Measure, int, int, int | None]]]:
    """One SELECT of ``group`` (one entity, one anchor) at the grain, and per measure the positions of its row
    count, its value and (``check_rates``, currency measures) its count of amounts left without a rate."""
    first = group[0]
    clock = Clock.for_range(on.name, on.time_zone, want.start, want.end)
    if first.spec.as_of:  # the entity's rows as they stood at each period's end (measure_sql's as-of source)
        assert on.as_of is not None  # shared() keeps as-of measures out of scans without a history
        states, period_column = on.as_of.states(first, period=want.period, start=want.start, end=want.end,
                                                clock=clock)
        source = Source(first.spec.entity, states)
    else:
        source = Source(first.spec.entity)
    anchor = source.column(first.anchor_path)
    kind = kind_of(anchor)
    day = bucket_sql(clock, anchor, kind, "day", on.fiscal_start)
    keys: list[ColumnElement[Any]] = [dimension(source, first, d, day, kpi=first.name).label(d)
                                      for d in want.dimensions]
    if want.period is not None:
        keys.append((period_column if first.spec.as_of else
                     bucket_sql(clock, anchor, kind, want.period, on.fiscal_start)).label("period_start"))
    where = [source.live()] if first.spec.as_of else [source.live(), anchor.is_not(None)]
    selected: list[ColumnElement[Any]] = list(keys)
    columns: list[tuple[Measure, int, int, int | None]] = []
    for measure in group:
        rows, value, missing = _aggregates(measure, source, on, day,
                                           check_rates=measure_id(measure) in check_rates)
        at = len(selected)
        selected += [rows, *([] if value is None else [value]), *([] if missing is None else [missing])]
        value_at = at if value is None else at + 1
        columns.append((measure, at, value_at, None if missing is None else len(selected) - 1))
    statement = (select(*selected).select_from(source.from_clause())
                 .where(*where).group_by(*keys))
    return statement, columns


def _aggregates(measure: Measure, source: Source, on: Dialect, day: ColumnElement[Any], *, check_rates: bool
                ) -> tuple[ColumnElement[Any], ColumnElement[Any] | None, ColumnElement[Any] | None]:
    """The measure's row count, its value (None: the count is the value) and its count of amounts with no rate."""
    spec = measure.spec
    conditions = [where_sql(source, c) for c in spec.where]
    own = and_(*conditions) if conditions else None

    def when(x: ColumnElement[Any]) -> ColumnElement[Any]:
        return case((own, x)) if own is not None else x

    rows = func.count(case((own, literal(1)))) if own is not None else func.count()
    amount = value_sql(measure, source, Clock(on.name, on.time_zone), kpi=measure.name)
    value = amount
    missing = None
    if spec.currency and amount is not None:
        value = on.currency.convert(measure, amount, source.column(str(measure.facts.currency)), day, source)
        if check_rates:
            gap = and_(*conditions, amount.is_not(None), value.is_(None))
            missing = func.count(case((gap, literal(1))))
    v = value if value is not None else literal(1)
    agg = spec.agg
    if agg == "count":
        return rows, None, missing
    if agg == "count_distinct":
        return rows, func.count(when(v).distinct()), missing
    if agg in QUANTILES:
        num, den = QUANTILES[agg]
        return rows, func.percentile_cont(num / den).within_group(when(v)), missing
    return rows, getattr(func, agg)(when(v)), missing  # sum, avg, min, max


def key_of(values: tuple[Any, ...] | Any, want: Slice) -> Key:
    """A row's key as the engine's results give it: members as text, the period start as a date."""
    members = [str(v) for v in values[:len(want.dimensions)]]
    if want.period is None:
        return tuple(members)
    start = values[len(want.dimensions)]
    return (*members, start if isinstance(start, date) or start is None else date.fromisoformat(str(start)[:10]))
