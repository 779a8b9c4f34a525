"""Opportunities as they stood at the end of each period, from their stage history (as_of measures).

For a period [S, N) (N: the first day after it, midnight in the org's zone) a deal is counted when it existed then
(``created_at`` before N; a deal without a creation time, or deleted since, is not). Its stage, amount, probability
and close date are those of its latest ``opportunity_stage`` row changed before N, taken whole; a deal with no
history row before N (history not kept or not synced, or created without one) is taken as its own current row.
Whether it was closed and won at N comes from the stage definitions (``pipeline_stage`` of the same connection,
matched on the stage's name or label); a stage they do not know, or whose flag they leave unknown (Dataverse's
process stages: Qualify … Close hold open and closed deals alike, the deal's state says which), falls back to the
deal's current flag, but only when its close date is before N (a deal closed later was still open then).

``as_of_rows`` is a SELECT with every column of ``opportunity`` (those four and the two flags as of N) plus
``as_of_period`` (S), one row per deal and period: the engine reads it where it would read the table itself.
The latest row before N is found by a join, not a search per (deal, period): each history row holds from its
``changed_at`` until the deal's next row's (``history_intervals``), and N falls in at most one of those intervals.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Boolean, Date, Integer, and_, case, cast, func, literal, or_, select, union_all
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Select, Subquery

from analytics.kpi.calendar import bucket, period_end
from analytics.kpi.schema import Period
from store.tables import opportunity, opportunity_stage, pipeline_stage
from store.types import UtcDateTime

PERIOD_COLUMN = "as_of_period"
HISTORY_FIELDS = ("stage", "amount", "probability", "close_date")
CHUNK = 400  # rows per UNION ALL of the periods table


def cutoff(next_day: date, zone: str) -> datetime:
    """The UTC instant of ``next_day``'s local midnight: what 'before the period's end' compares datetimes to."""
    return datetime.combine(next_day, datetime.min.time(), ZoneInfo(zone)).astimezone(UTC)


def period_bounds(start: date, end: date, period: Period, fiscal_start: int = 1) -> list[tuple[date, date]]:
    """(first day, first day after) of each ``period`` meeting [start, end)."""
    bounds: list[tuple[date, date]] = []
    first = bucket(start, period, fiscal_start)
    while first < end:
        after = period_end(first, period)
        bounds.append((first, after))
        first = after
    return bounds


def periods_table(bounds: Sequence[tuple[date, date]], zone: str) -> Subquery:
    """(period_start, period_next, cutoff) for each period, as literal rows both dialects read: a UNION ALL of at
    most CHUNK rows each (SQLite refuses a compound SELECT of more than 500 terms), nested as needed."""
    rows: list[Any] = [select(literal(s, Date).label("period_start"), literal(n, Date).label("period_next"),
                              literal(cutoff(n, zone), UtcDateTime()).label("cutoff"))
                       for s, n in sorted(set(bounds))]
    if not rows:
        raise ValueError("as_of_rows needs at least one period")
    while len(rows) > CHUNK:
        rows = [select(_union(rows[at:at + CHUNK]).subquery()) for at in range(0, len(rows), CHUNK)]
    table: Subquery = _union(rows).subquery("as_of_periods")
    return table


def _union(parts: list[Any]) -> Any:
    return union_all(*parts) if len(parts) > 1 else parts[0]


def stage_flags() -> Subquery:
    """Per (connection, stage name or label): whether the stage is closed and won; one row each, never a fan-out
    (a name two pipelines define differently counts as closed / won when either says so)."""
    by_name = [select(pipeline_stage.c.source_connection.label("connection"), name.label("name"),
                      cast(pipeline_stage.c.is_closed, Integer).label("closed"),
                      cast(pipeline_stage.c.is_won, Integer).label("won"))
               .where(pipeline_stage.c.deleted_at.is_(None), name.is_not(None))
               for name in (pipeline_stage.c.stage, pipeline_stage.c.label)]
    names = union_all(*by_name).subquery("stage_names")
    return (select(names.c.connection, names.c.name, func.max(names.c.closed).label("closed"),
                   func.max(names.c.won).label("won"))
            .group_by(names.c.connection, names.c.name).subquery("stage_flags"))


def history_intervals() -> Subquery:
    """Each live ``opportunity_stage`` row with the instant the deal's next row replaced it (``until``; NULL for
    its latest): the row is the deal's state at every cutoff in [changed_at, until). Ordered by (changed_at, id),
    so of rows changed at the same instant only the highest id holds an interval that is not empty; a row without
    ``changed_at`` is before no cutoff and is left out."""
    h = opportunity_stage.c
    until = func.lead(h.changed_at).over(partition_by=h.opportunity_id, order_by=(h.changed_at, h.id))
    return (select(h.opportunity_id, *(h[f] for f in HISTORY_FIELDS), h.changed_at, until.label("until"))
            .where(h.deleted_at.is_(None), h.changed_at.is_not(None)).subquery("as_of_hist"))


def as_of_rows(bounds: Sequence[tuple[date, date]], zone: str = "UTC") -> Select[Any]:
    """Every live deal at the end of each period (first day, first day after) of ``bounds``: see the module's
    docstring. The history row in force at a cutoff is the one whose interval (history_intervals) holds it: one
    join, rather than a search of the deal's rows for each (deal, period)."""
    periods = periods_table(bounds, zone)
    opp = opportunity.alias("as_of_opp")
    hist = history_intervals()
    in_force = and_(hist.c.opportunity_id == opp.c.id, hist.c.changed_at < periods.c.cutoff,
                    or_(hist.c.until.is_(None), hist.c.until >= periods.c.cutoff))
    base = (select(opp, periods.c.period_start, periods.c.period_next,
                   hist.c.changed_at.label("history_at"),
                   *(hist.c[f].label(f"history_{f}") for f in HISTORY_FIELDS))
            .select_from(opp.join(periods, opp.c.created_at < periods.c.cutoff).outerjoin(hist, in_force))
            .where(opp.c.deleted_at.is_(None)).subquery("as_of_base"))
    flags = stage_flags()
    known = base.c.history_at.is_not(None)
    fields: dict[str, ColumnElement[Any]] = {f: case((known, base.c[f"history_{f}"]), else_=base.c[f])
                                             for f in HISTORY_FIELDS}
    stage = fields["stage"]
    closed_by_then = and_(base.c.close_date.is_not(None), base.c.close_date < base.c.period_next)
    is_closed = case((flags.c.closed.is_not(None), flags.c.closed == 1),
                     else_=and_(base.c.is_closed.is_(True), closed_by_then))
    is_won = case((flags.c.won.is_not(None), flags.c.won == 1),
                  else_=and_(base.c.is_won.is_(True), closed_by_then))
    fields["is_closed"] = cast(is_closed, Boolean)
    fields["is_won"] = cast(is_won, Boolean)
    columns = [fields[c.name].label(c.name) if c.name in fields else base.c[c.name] for c in opportunity.c]
    return (select(*columns, base.c.period_start.label(PERIOD_COLUMN))
            .select_from(base.outerjoin(flags, and_(flags.c.connection == base.c.source_connection,
                                                    flags.c.name == stage))))
