"""A measure's expression and filters as the SQL of a dbt measure's ``expr``: one table's columns, unqualified.

Compiled by the engine's own expression compiler (``expr.to_sql``) for PostgreSQL, so the export means what crmhub
computes: integers divided as floats, a division by zero NULL, ``days_between`` as elapsed time. A dbt measure has no
``where``: the filters become a CASE inside the expression (a count sums 1 for the rows that pass; any other
aggregation skips the rows that do not, as NULL). A dbt measure reads one model, so a column path through a join
(``opportunity.is_won`` on a line item) cannot be written: ``NotExpressible`` says which.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Integer, and_, case, cast, column, literal
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.elements import ColumnElement

from analytics.kpi import expr
from analytics.kpi.schema import Condition, MeasureSpec
from analytics.kpi.source import kind_of
from analytics.kpi.zone import Clock
from mapping.model import TABLE_OF
from store.tables import canonical_tables

_DIALECT = postgresql.dialect()  # type: ignore[no-untyped-call]
_CLOCK = Clock("postgresql")  # elapsed time between a date and a datetime is read in UTC: dbt has no org zone


class NotExpressible(ValueError):
    """What of crmhub's a dbt semantic model cannot say; the message is the reason shown in the export's report."""


def sql_text(element: ColumnElement[Any]) -> str:
    return str(element.compile(dialect=_DIALECT, compile_kwargs={"literal_binds": True}))


def column_of(entity: str, path: str) -> tuple[ColumnElement[Any], expr.Kind]:
    """An unqualified column of the entity's table, typed as the store types it (integers cast for division)."""
    if "." in path:
        raise NotExpressible(f"reads {path} through a join: a dbt measure reads its own model's columns only")
    stored = canonical_tables[TABLE_OF[entity]].c[path]
    plain = column(path, stored.type)
    return (cast(plain, Float) if isinstance(stored.type, Integer) else plain), kind_of(stored)


def measure_expr(spec: MeasureSpec) -> str:
    """The dbt ``expr`` of a measure: its value (1 for a count) where its filters hold."""
    value: ColumnElement[Any] = literal(1) if spec.expr is None else \
        expr.to_sql(spec.expr, lambda path: column_of(spec.entity, path), _CLOCK.between)[0]
    if not spec.where:
        return sql_text(value)
    passes = and_(*(condition(spec.entity, c) for c in spec.where))
    otherwise = literal(0) if spec.agg == "count" else None
    return sql_text(case((passes, value), else_=otherwise))


def condition(entity: str, cond: Condition) -> ColumnElement[bool]:
    """One filter in SQL's three-valued logic, as the engine writes it (a NULL column passes no comparison)."""
    col, _ = column_of(entity, cond.column)
    value = cond.value
    if cond.op == "is_null":
        return col.is_(None)
    if cond.op == "not_null":
        return col.is_not(None)
    if cond.op in ("in", "not_in"):
        assert isinstance(value, list)
        return col.in_(value) if cond.op == "in" else col.not_in(value)
    return {"eq": col.__eq__, "ne": col.__ne__, "gt": col.__gt__, "ge": col.__ge__, "lt": col.__lt__,
            "le": col.__le__}[cond.op](value)


def formula_expr(formula: str, scale: float) -> str:
    """A derived KPI's formula over its inputs' aliases, divisions NULL on zero, times its scale."""
    compiled, _ = expr.to_sql(formula, lambda name: (column(name, Float()), "number"))
    return sql_text(literal(scale, Float) * compiled if scale != 1 else compiled)
