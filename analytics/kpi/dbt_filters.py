"""A measure's filters on a joined table's column (``account.tier = key`` on a deal) as a dbt metric filter.

A dbt measure reads its own model; MetricFlow joins other models through entities when a metric filters on their
dimensions: ``{{ Dimension('account__tier') }} = 'key'``. The engine joins ``account.tier`` through ``account_id``,
the same many-to-one join, so the export keeps the measure's own-table filters in its ``expr`` and moves the joined
ones onto every metric input that reads it. A joined column that is no dimension of the joined model (a free-text
or numeric column), or a join through a second reference to the same table, cannot be said this way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from analytics.kpi.dbt_sql import NotExpressible
from analytics.kpi.schema import REF_TARGETS, Condition, Scalar
from mapping.model import ENTITIES, TABLE_OF

_OPERATORS = {"eq": "=", "ne": "<>", "gt": ">", "ge": ">=", "lt": "<", "le": "<=", "in": "IN", "not_in": "NOT IN"}
FILTERABLE = ("string", "boolean")  # the columns exported as categorical dimensions


def split_where(entity: str, where: Iterable[Condition], foreign: Mapping[str, str]
                ) -> tuple[tuple[Condition, ...], str | None]:
    """(the conditions on the entity's own columns, the metric filter of the joined ones or None).

    ``foreign``: ref column -> the entity the semantic model joins through it (its foreign entities)."""
    own: list[Condition] = []
    joined: list[str] = []
    for condition in where:
        if "." not in condition.column:
            own.append(condition)
        else:
            joined.append(_joined(entity, condition, foreign))
    return tuple(own), " AND ".join(joined) if joined else None


def _joined(entity: str, condition: Condition, foreign: Mapping[str, str]) -> str:
    ref, column = condition.column.split(".", 1)
    target = REF_TARGETS.get(ref, ref)
    if foreign.get(f"{ref}_id") != target:
        raise NotExpressible(f"filters on {condition.column}: the {TABLE_OF[entity]} model joins {TABLE_OF[target]} "
                             f"through another column, and dbt joins a table once per entity name")
    if ENTITIES[target].get(column) not in FILTERABLE or column in TABLE_OF.values():
        raise NotExpressible(f"filters on {condition.column}, which is no dimension of the {TABLE_OF[target]} model")
    dimension = f"{{{{ Dimension('{TABLE_OF[target]}__{column}') }}}}"
    if condition.op == "is_null":
        return f"{dimension} IS NULL"
    if condition.op == "not_null":
        return f"{dimension} IS NOT NULL"
    value = condition.value
    shown = "(" + ", ".join(map(_literal, value)) + ")" if isinstance(value, list) else _literal(value)
    return f"{dimension} {_OPERATORS[condition.op]} {shown}"


def _literal(value: Scalar | None) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)
