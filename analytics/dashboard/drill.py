"""The drill table: one row per member of the level below the view's (regions of the company, teams of a region,
reps of a team) with each tile's KPI, each row linking to that member's view. At rep level the table is the rep's
deals (deals.py) instead."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from analytics.dashboard.sources import DashboardSources
from analytics.dashboard.view import CHILD, TILES, ViewState
from analytics.kpi.dims import UNKNOWN
from analytics.kpi.query import KpiRequest
from analytics.kpi.source import table_alias


@dataclass(frozen=True, slots=True)
class DrillRow:
    member: str  # a region (country code), a team's name, or a rep's crm_user id
    label: str
    values: dict[str, float | None]  # KPI code -> value
    query: str  # the URL query string of this member's view

    def as_dict(self) -> dict[str, Any]:
        return {"member": self.member, "label": self.label, "values": self.values, "query": self.query}


@dataclass(frozen=True, slots=True)
class Column:
    code: str
    label: str
    unit: str


@dataclass(frozen=True, slots=True)
class Drill:
    dimension: str  # the level the rows are members of
    columns: tuple[Column, ...]  # the tiles' KPIs, in their order
    rows: tuple[DrillRow, ...]  # by the first tile's value, highest first; members without one last
    notes: dict[str, str]  # KPI code -> why it has no values at this cut

    def as_dict(self) -> dict[str, Any]:
        return {"dimension": self.dimension,
                "columns": [{"code": c.code, "label": c.label, "unit": c.unit} for c in self.columns],
                "rows": [r.as_dict() for r in self.rows], "notes": self.notes}


def drill(sources: DashboardSources, view: ViewState, as_user: str | None) -> Drill | None:
    """None at rep level (its table is the rep's deals)."""
    child = CHILD[view.level]
    if child is None:
        return None
    values: dict[str, dict[str, float | None]] = {}
    notes: dict[str, str] = {}
    for code, _ in TILES:
        result = sources.compute(KpiRequest(code, (child,), None, view.start, view.end, view.filters(), as_user))
        if isinstance(result, str):
            notes[code] = result
            continue
        for row in result.rows:
            values.setdefault(row.members[child], {})[code] = row.value
    labels = rep_names(sources.engine, set(values)) if child == "rep" else {}
    rows = [DrillRow(member, labels.get(member) or _label(member, child), {c: got.get(c) for c, _ in TILES},
                     view.drill(member)) for member, got in values.items()]
    first = TILES[0][0]
    rows.sort(key=lambda r: (r.values[first] is None, -(r.values[first] or 0.0), r.label))
    columns = tuple(Column(code, label, sources.registry.kpi(code).unit) for code, label in TILES)
    return Drill(child, columns, tuple(rows), notes)


def _label(member: str, dimension: str) -> str:
    return f"(no {dimension})" if member == UNKNOWN else member


def rep_names(engine: Engine, ids: set[str]) -> dict[str, str]:
    """Each rep's name, else e-mail, else id."""
    user = table_alias("user", "rep")
    with engine.connect() as conn:
        rows = conn.execute(select(user.c.id, user.c.first_name, user.c.last_name, user.c.email)
                            .where(user.c.id.in_(sorted(ids - {UNKNOWN})))).all()
    return {r.id: " ".join(p for p in (r.first_name, r.last_name) if p) or r.email or r.id for r in rows}
