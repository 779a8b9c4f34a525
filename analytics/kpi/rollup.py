"""Additive measures at a coarser grain from a finer one the refresh has read already: no scan of their table.

A count or a sum at a grain is the sum of its values at a finer grain whose members and periods each fall inside
one of the coarser grain's; a min or a max is their min or max. The total comes from any grain; a team from reps
(a rep's team is its live crm_user row's ``team``, as dims.py joins it: none, or no such user, is ``(none)``); a
quarter or a year from months (calendar.nests; never from weeks, which may straddle two months). Distinct counts,
averages, quantiles and as-of measures (a state at a quarter's end is no sum of monthly states) are read again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, select

from analytics.kpi.calendar import bucket, nests
from analytics.kpi.catalog import Measure
from analytics.kpi.dims import UNKNOWN
from analytics.kpi.measure_sql import Slice
from analytics.kpi.schema import Period
from analytics.kpi.shared_scan import Key
from analytics.kpi.source import table_alias

ROLLS: dict[str, Callable[[Any, Any], Any]] = {"count": lambda a, b: a + b, "sum": lambda a, b: a + b,
                                                "min": min, "max": max}
_FINER_RANK = {"rep": 0, "company": 0, "territory": 0, "region": 1, "team": 1}
_PERIOD_RANK = {"day": 0, "week": 1, "month": 2, "quarter": 3, "fiscal_quarter": 3, "year": 4, "fiscal_year": 4}


def rolls_up(measure: Measure) -> bool:
    return measure.spec.agg in ROLLS and not measure.spec.as_of


def reading_order(slices: Sequence[Slice]) -> list[int]:
    """Indexes of ``slices`` finest first, so the coarser ones can be rolled up from what was read before them."""
    def rank(s: Slice) -> tuple[int, int]:
        period = _PERIOD_RANK[s.period] if s.period else 9
        dims = max((_FINER_RANK.get(d, 0) for d in s.dimensions), default=2)
        return period, dims
    return sorted(range(len(slices)), key=lambda i: rank(slices[i]))


def serves(finer: Slice, want: Slice, fiscal_start: int) -> bool:
    """Whether every key of ``finer`` falls in exactly one key of ``want`` (both unranged, unfiltered, unscoped)."""
    if finer == want or finer.filters or want.filters or finer.as_user or want.as_user:
        return False
    if any(x is not None for x in (finer.start, finer.end, want.start, want.end)):
        return False
    for dim in want.dimensions:
        if dim not in finer.dimensions and not (dim == "team" and "rep" in finer.dimensions):
            return False
    return _period_serves(finer.period, want.period, fiscal_start)


def _period_serves(finer: Period | None, want: Period | None, fiscal_start: int) -> bool:
    if want is None:
        return True
    if finer is None or (finer == "week" and want != "week"):
        return False
    return finer == want or nests(finer, want, fiscal_start)


def roll(values: Mapping[Key, Any], measure: Measure, finer: Slice, want: Slice, *, team_of: Mapping[str, str],
         fiscal_start: int) -> dict[Key, Any]:
    """``measure``'s values at ``finer`` rolled up to ``want`` (serves() holds)."""
    combine = ROLLS[measure.spec.agg]
    pick: list[Callable[[Key], Any]] = []
    for dim in want.dimensions:
        if dim in finer.dimensions:
            at = finer.dimensions.index(dim)
            pick.append(lambda key, at=at: key[at])  # type: ignore[misc]  # bound per dimension
        else:
            at = finer.dimensions.index("rep")
            pick.append(lambda key, at=at: team_of.get(key[at], UNKNOWN))  # type: ignore[misc]
    if want.period is not None:
        at, period = len(finer.dimensions), want.period
        pick.append(lambda key: key[at] if finer.period == period else bucket(key[at], period, fiscal_start))
    out: dict[Key, Any] = {}
    for key, value in values.items():
        coarse = tuple(p(key) for p in pick)
        if coarse not in out:
            out[coarse] = value
        elif value is not None:
            out[coarse] = value if out[coarse] is None else combine(out[coarse], value)
    if not want.keys and () not in out:  # a total has a value over no rows too: 0, or none
        out[()] = 0 if measure.spec.agg in ("count", "sum") else None
    return out


def teams(conn: Connection) -> dict[str, str]:
    """Each live user's team member, as dims.py gives it (no team: ``(none)``)."""
    user = table_alias("user", "u")
    rows = conn.execute(select(user.c.id, user.c.team).where(user.c.deleted_at.is_(None)))
    return {str(i): UNKNOWN if team is None else str(team) for i, team in rows}
