"""A KPI at a grain, compiled to one SELECT: ``<dimensions>, [period_start], value, numerator, denominator``.

- simple (and as_of): the measure at the grain, times ``scale``.
- ratio and conversion: numerator and denominator each aggregated at the grain first, then joined on the grain's
  keys: value = scale · Σnum / Σden (a ratio of sums, never an average of finer ratios), no value when Σden = 0.
  A conversion's two measures must be placed on the same anchor of the same entity (the cohort's).
- derived: ``formula`` over its inputs, each aggregated at the grain, joined the same way.
- cumulative: the measure at the grain, summed over periods per member from the start of each ``reset`` period
  (or of the range), ordered by period; only periods with rows are listed (the running value carries over).

Parts meet on the union of their keys; a count, distinct count or sum missing for a key is 0 there (over no rows
each is 0), any other aggregate (avg, median, min, max …) NULL: over no rows it has no value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, Select, and_, cast, func, literal, null, select, true, type_coerce, union
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import CTE, FromClause

from analytics.kpi import expr
from analytics.kpi.calendar import bucket_sql, nests
from analytics.kpi.catalog import Catalog, Measure
from analytics.kpi.errors import KpiDefinitionError, KpiNotComputable, KpiRequestError
from analytics.kpi.hooks import Precondition
from analytics.kpi.measure_sql import Dialect, Slice, measure_select
from analytics.kpi.schema import ADDITIVE, KpiFile
from analytics.kpi.zone import Clock

# Aggregations whose value over no rows is 0: a member absent from such a part has 0 there, not no value.
ZERO_OVER_NO_ROWS: frozenset[str] = ADDITIVE | {"count_distinct"}


@dataclass(frozen=True, slots=True)
class CompiledKpi:
    statement: Select[Any]
    keys: tuple[str, ...]  # the grain's columns, in order: dimensions, then period_start
    preconditions: tuple[Precondition, ...]


def compile_kpi(kpi: KpiFile, want: Slice, on: Dialect, catalog: Catalog) -> CompiledKpi:
    """``kpi`` at ``want``'s grain; refuses (naming the KPI) what it cannot compute rather than guessing."""
    if kpi.status != "computed":
        why = kpi.reason or (f"it needs {kpi.needs.model}: {kpi.needs.fill}" if kpi.needs else kpi.status)
        raise KpiNotComputable(f"KPI {kpi.code} is {kpi.status}: {why}")
    lacking = [d for d in (*want.dimensions, *want.filters) if d not in kpi.dimensions]
    if lacking:
        raise KpiRequestError(f"KPI {kpi.code} cannot be cut by {', '.join(lacking)} (its dimensions: "
                              f"{', '.join(kpi.dimensions) or 'none'})")
    measures = catalog.kpi_measures(kpi)
    checks: list[Precondition] = []

    def part(role: str) -> CTE:
        statement, found = measure_select(measures[role], want, on, kpi=kpi.code)
        checks.extend(found)
        return statement.cte(f"part_{role}")

    keys = want.keys
    if kpi.type in ("simple", "as_of"):
        statement = _simple(part("measure"), keys, kpi.scale)
    elif kpi.type == "cumulative":
        statement = _cumulative(kpi, measures["measure"], part("measure"), want, on)
    elif kpi.type in ("ratio", "conversion"):
        if kpi.type == "conversion":
            same_cohort(kpi, measures["numerator"], measures["denominator"])
        parts = {"numerator": part("numerator"), "denominator": part("denominator")}
        values, frame, joined = _joined(parts, measures, keys)
        value = values["numerator"] / type_coerce(func.nullif(values["denominator"], 0), Float)
        statement = select(*frame, _scaled(value, kpi.scale).label("value"), values["numerator"].label("numerator"),
                           values["denominator"].label("denominator")).select_from(joined)
    else:
        parts = {role: part(role) for role in measures}
        values, frame, joined = _joined(parts, measures, keys)
        try:
            value, _ = expr.to_sql(str(kpi.formula), lambda name: _input(kpi, values, name))
        except expr.ExprError as exc:
            raise KpiDefinitionError(f"KPI {kpi.code}: formula: {exc}") from None
        statement = select(*frame, _scaled(value, kpi.scale).label("value"), _none("numerator"),
                           _none("denominator")).select_from(joined)
    ordered = statement.order_by(*(statement.selected_columns[k] for k in keys))
    return CompiledKpi(ordered, tuple(keys), tuple(checks))


def _simple(part: CTE, keys: list[str], scale: float) -> Select[Any]:
    return select(*(part.c[k] for k in keys), _scaled(part.c.value, scale).label("value"), _none("numerator"),
                  _none("denominator"))


def _cumulative(kpi: KpiFile, measure: Measure, part: CTE, want: Slice, on: Dialect) -> Select[Any]:
    if measure.spec.agg not in ADDITIVE:
        raise KpiDefinitionError(f"KPI {kpi.code}: a cumulative KPI sums its measure over periods; measure "
                                 f"{measure.name} is a {measure.spec.agg}, which does not add up")
    if want.period is None:
        return _simple(part, want.keys, kpi.scale)
    if kpi.reset is not None and not nests(want.period, kpi.reset, on.fiscal_start):
        raise KpiRequestError(f"KPI {kpi.code} restarts every {kpi.reset}: a {want.period} does not fit inside "
                              f"one (ask for a grain of {kpi.reset} or finer)")
    partition: list[ColumnElement[Any]] = [part.c[d] for d in want.dimensions]
    if kpi.reset is not None:
        clock = Clock(on.name, on.time_zone)
        partition.append(bucket_sql(clock, part.c.period_start, "date", kpi.reset, on.fiscal_start))
    running = func.sum(part.c.value).over(partition_by=partition or None, order_by=part.c.period_start,
                                          rows=(None, 0))
    return select(*(part.c[k] for k in want.keys), _scaled(running, kpi.scale).label("value"), _none("numerator"),
                  _none("denominator"))


def _joined(parts: dict[str, CTE], measures: dict[str, Measure], keys: list[str]
            ) -> tuple[dict[str, ColumnElement[Any]], list[ColumnElement[Any]], FromClause]:
    """Each part's value on the union of the parts' keys (a cross join of one-row parts when there are none)."""
    listed = list(parts.values())
    joined: FromClause
    if keys:
        frame = union(*(select(*(p.c[k] for k in keys)) for p in listed)).subquery("grain")
        joined = frame
        for p in listed:
            joined = joined.outerjoin(p, and_(*(p.c[k] == frame.c[k] for k in keys)))
        key_columns: list[ColumnElement[Any]] = [frame.c[k] for k in keys]
    else:
        joined = listed[0]
        for p in listed[1:]:
            joined = joined.join(p, true())
        key_columns = []
    values: dict[str, ColumnElement[Any]] = {
        role: func.coalesce(p.c.value, 0) if measures[role].spec.agg in ZERO_OVER_NO_ROWS else p.c.value
        for role, p in parts.items()}
    return values, key_columns, joined


def _input(kpi: KpiFile, values: dict[str, ColumnElement[Any]], name: str) -> expr.Typed:
    if name not in values:
        raise KpiDefinitionError(f"KPI {kpi.code}: formula {kpi.formula!r} reads {name!r}, which is not one of "
                                 f"its inputs ({', '.join(values)})")
    return type_coerce(values[name], Float), "number"


def same_cohort(kpi: KpiFile, numerator: Measure, denominator: Measure) -> None:
    """A conversion counts part of a cohort: both measures on one entity's one anchor."""
    if (numerator.spec.entity, numerator.anchor) != (denominator.spec.entity, denominator.anchor):
        raise KpiDefinitionError(
            f"KPI {kpi.code}: a conversion's numerator and denominator count one cohort on one anchor; "
            f"numerator {numerator.name} is on {numerator.spec.entity}.{numerator.anchor}, denominator "
            f"{denominator.name} on {denominator.spec.entity}.{denominator.anchor}")


def _scaled(value: ColumnElement[Any], scale: float) -> ColumnElement[Any]:
    return value if scale == 1 else value * literal(scale, Float)


def _none(name: str) -> ColumnElement[Any]:
    return cast(null(), Float).label(name)  # typed in SQL too: PostgreSQL gives a bare NULL the type text
