"""Dimensions: what a measure's row is cut by, each a many-to-one lookup so no row is ever counted twice.

- rep: the entity's rep column (entities.yaml ``rep``), a crm_user id.
- team: that user's ``crm_user.team``.
- company: the entity's account column, an account id.
- region: that account's ``country``.
- territory: the territory of the row's account in force on the row's anchor date, else (no account, or the
  account has none) the rep's. territory_assignment may hold several rows per account or user (overlapping dates,
  duplicates): exactly one is taken, the one whose ``effective_from`` is latest (no date counts as earliest) and,
  among equals, the lowest id. An assignment is in force from ``effective_from`` through ``effective_to``
  inclusive; a missing bound is open.

A row with no member (no rep, an account without a country) counts under ``UNKNOWN`` so totals still add up.
A dimension the measure's entity cannot reach (no rep or account column) is a KpiRequestError at compile time.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from analytics.kpi.catalog import Measure
from analytics.kpi.errors import KpiRequestError
from analytics.kpi.schema import Dimension
from analytics.kpi.source import Source, table_alias

UNKNOWN = "(none)"  # the member of rows without one (no rep, no account, no territory)
_NEEDS: dict[str, str] = {"rep": "rep", "team": "rep", "company": "account", "region": "account"}


def rep_column(source: Source, measure: Measure, *, kpi: str, why: str) -> ColumnElement[Any]:
    if measure.facts.rep is None:
        raise KpiRequestError(f"KPI {kpi}: {why} needs the rep of each row, but measure {measure.name} "
                              f"({measure.spec.entity}) has no rep column in entities.yaml")
    return source.column(measure.facts.rep)


def dimension(source: Source, measure: Measure, dim: Dimension, day: ColumnElement[Any], *, kpi: str
              ) -> ColumnElement[str]:
    """The member of ``dim`` for each row of ``source`` (``day``: the row's local anchor date, for territories)."""
    facts = measure.facts
    require_dimension(measure, dim, kpi=kpi)
    if dim == "rep":
        member = rep_column(source, measure, kpi=kpi, why="dimension rep")
    elif dim == "team":
        user = source.join_on_id(table_alias("user", "dim_user"),
                                 rep_column(source, measure, kpi=kpi, why="dimension team"))
        member = user.c.team
    elif dim == "company":
        member = source.column(str(facts.account))
    elif dim == "region":
        member = source.join_on_id(table_alias("account", "dim_account"), source.column(str(facts.account))).c.country
    else:
        by_account = _territory("account_id", source.column(facts.account), day) if facts.account else None
        by_rep = _territory("user_id", source.column(facts.rep), day) if facts.rep else None
        found = [t for t in (by_account, by_rep) if t is not None]
        member = func.coalesce(*found) if len(found) > 1 else found[0]
    return func.coalesce(member, UNKNOWN)


def _territory(key: str, value: ColumnElement[Any], day: ColumnElement[Any]) -> ColumnElement[Any]:
    """The one territory assigned to ``value`` (an account or user id) on ``day``; see the module docstring."""
    ta = table_alias("territory_assignment", f"ta_{key.removesuffix('_id')}")
    return (select(ta.c.territory_id)
            .where(ta.c[key] == value, ta.c.deleted_at.is_(None), ta.c.territory_id.is_not(None),
                   or_(ta.c.effective_from.is_(None), ta.c.effective_from <= day),
                   or_(ta.c.effective_to.is_(None), ta.c.effective_to >= day))
            .order_by(ta.c.effective_from.desc().nulls_last(), ta.c.id)
            .limit(1)
            .scalar_subquery())


def require_dimension(measure: Measure, dim: Dimension, *, kpi: str) -> None:
    """Refuse (naming the KPI, the measure and the column it lacks) a dimension ``measure`` cannot be cut by."""
    if not has_dimension(measure, dim):
        what = {"rep": "rep", "account": "account"}.get(str(_NEEDS.get(dim)), "account or rep")
        raise KpiRequestError(f"KPI {kpi}: dimension {dim} needs the {what} of each row, but measure "
                              f"{measure.name} ({measure.spec.entity}) has no {what} column in entities.yaml")


def has_dimension(measure: Measure, dim: Dimension) -> bool:
    """Whether ``measure``'s entity can be cut by ``dim`` at all."""
    facts = measure.facts
    if dim == "territory":
        return bool(facts.account or facts.rep)
    return (facts.rep if _NEEDS[dim] == "rep" else facts.account) is not None


__all__ = ["UNKNOWN", "dimension", "has_dimension", "rep_column", "require_dimension"]
