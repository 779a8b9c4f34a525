"""Aggregations of a measure's rows at a grain, from the base rows every time (non-additive ones included).

Medians and percentiles are continuous (linear interpolation between the two nearest ranks, as pandas'
``quantile`` and PostgreSQL's ``percentile_cont``). PostgreSQL computes them with ``percentile_cont``; SQLite has
no such function, so there they are exact SQL over window functions: each row's rank ``rn`` and the group's count
``n`` of values; for p = a/b the position (n-1)·a/b is split in integer arithmetic into ``lo`` and a remainder
``r``, and the result is (v[lo]·(b-r) + v[lo+1]·r) / b. NULL values are ignored by both.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Integer, Select, case, cast, func, literal, select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Subquery

from analytics.kpi.zone import DialectName

# p as a fraction a/b, so that SQLite's ranks are found in integer arithmetic.
QUANTILES: dict[str, tuple[int, int]] = {"median": (1, 2), "p25": (1, 4), "p75": (3, 4), "p90": (9, 10)}


def aggregate(rows: Subquery, keys: list[str], agg: str, dialect: DialectName) -> Select[Any]:
    """``SELECT keys..., agg(v) AS value FROM rows GROUP BY keys`` (one row when there are no keys)."""
    key_columns = [rows.c[k] for k in keys]
    if agg in QUANTILES and dialect == "sqlite":
        return _sqlite_quantile(rows, keys, QUANTILES[agg])
    v = rows.c.v
    value: ColumnElement[Any]
    if agg == "count":
        value = func.count()
    elif agg == "count_distinct":
        value = func.count(v.distinct())
    elif agg == "sum":
        value = func.coalesce(func.sum(v), 0)  # an empty sum is 0, as a count
    elif agg in QUANTILES:
        num, den = QUANTILES[agg]
        value = func.percentile_cont(num / den).within_group(v)
    else:
        value = getattr(func, agg)(v)  # min, max, avg
    return select(*key_columns, value.label("value")).select_from(rows).group_by(*key_columns)


def _sqlite_quantile(rows: Subquery, keys: list[str], p: tuple[int, int]) -> Select[Any]:
    num, den = p
    partition = [rows.c[k] for k in keys]
    ranked = select(
        *partition, rows.c.v,
        func.row_number().over(partition_by=partition or None,
                               order_by=[rows.c.v.is_(None), rows.c.v]).label("rn"),
        func.count(rows.c.v).over(partition_by=partition or None).label("n"),
    ).subquery("ranked")
    position = (ranked.c.n - 1) * num  # (n-1)·a: lo = position div b, r = position mod b
    lo = cast(position, Integer) // den
    remainder = position % den
    weight = (case((ranked.c.rn - 1 == lo, den - remainder), else_=0)
              + case((ranked.c.rn - 1 == lo + 1, remainder), else_=0))
    value = func.sum(ranked.c.v * weight) / literal(float(den), Float)
    key_columns = [ranked.c[k] for k in keys]
    return select(*key_columns, cast(value, Float).label("value")).select_from(ranked).group_by(*key_columns)
