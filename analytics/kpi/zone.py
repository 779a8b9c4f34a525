"""The org's time zone in SQL: UTC datetimes moved to local wall-clock time, and time elapsed between two values.

PostgreSQL converts with its own zone database (``timezone(zone, ts)``). SQLite has none, so the offsets come from
Python's ``zoneinfo``: the zone's transitions over a span are written as a binary-search CASE over the stored UTC
text (``'YYYY-MM-DD HH:MM:SS'``, which orders as it reads), giving each value the offset in force at its instant,
in about log2(transitions) comparisons. Outside the span the nearest offset applies; the span is the request's
range (plus two days) where there is one, else 1970 to 2100. A zone with a fixed offset needs no CASE.

Elapsed time (days_between and its kin): between two datetimes, the time between the instants; when either side
is a date, both sides are read as local wall-clock time (a date is its local midnight), so "days from creation to
close date" counts calendar days in the org's zone.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import TIMESTAMP, Float, case, cast, extract, func, literal_column
from sqlalchemy.sql.elements import ColumnElement

DialectName = Literal["sqlite", "postgresql"]
DEFAULT_SPAN = (datetime(1970, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
_STEP = timedelta(hours=6)  # no zone has changed its offset twice within six hours
_SECONDS = {"days": 86_400, "hours": 3_600, "minutes": 60}


@cache  # bounded by the zones in use times the years asked
def _year_transitions(zone: str, year: int) -> tuple[tuple[datetime, int], ...]:
    """The (UTC instant, new offset in seconds) changes of ``zone`` within ``year``, found to the second."""
    tz = ZoneInfo(zone)

    def offset(at: datetime) -> int:
        delta = at.astimezone(tz).utcoffset()
        return int(delta.total_seconds()) if delta is not None else 0

    found: list[tuple[datetime, int]] = []
    at, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    while at < end:
        nxt = min(at + _STEP, end)
        before, after = offset(at), offset(nxt)
        if before != after:
            lo, hi = at, nxt  # offset(lo) == before, offset(hi) == after: narrow to the first second of after
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                lo, hi = (mid, hi) if offset(mid) == before else (lo, mid)
            found.append((hi.replace(microsecond=0), after))
        at = nxt
    return tuple(found)


@lru_cache(maxsize=64)
def offsets(zone: str, lo: datetime, hi: datetime) -> tuple[tuple[datetime, int], ...]:
    """The offsets in force over [lo, hi): the first from lo, then each change (UTC instant, offset seconds)."""
    delta = lo.astimezone(ZoneInfo(zone)).utcoffset()
    result = [(lo, int(delta.total_seconds()) if delta is not None else 0)]
    for year in range(lo.year, hi.year + 1):
        result += [(at, off) for at, off in _year_transitions(zone, year) if lo < at < hi]
    return tuple(result)


@dataclass(frozen=True, slots=True)
class Clock:
    """Local time and elapsed time in SQL for one dialect, zone and span of instants."""

    dialect: DialectName
    zone: str = "UTC"
    span: tuple[datetime, datetime] = DEFAULT_SPAN

    @classmethod
    def for_range(cls, dialect: DialectName, zone: str, start: date | None, end: date | None) -> Clock:
        """A clock whose SQLite offsets cover [start, end) (two days' margin for the zone's own offset)."""
        lo = datetime.combine(start, datetime.min.time(), UTC) - timedelta(days=2) if start else DEFAULT_SPAN[0]
        hi = datetime.combine(end, datetime.min.time(), UTC) + timedelta(days=2) if end else DEFAULT_SPAN[1]
        return cls(dialect, zone, (lo, hi))

    def local(self, value: ColumnElement[Any], kind: str) -> ColumnElement[Any]:
        """``value`` as local wall-clock time: a date stays itself; a UTC datetime moves into the zone."""
        if kind == "date":
            return cast(value, TIMESTAMP) if self.dialect == "postgresql" else value
        if self.dialect == "postgresql":
            return func.timezone(self.zone, value)
        changes = offsets(self.zone, *self.span)
        if len(changes) == 1 and changes[0][1] == 0:
            return value
        return func.datetime(value, _offset_case(value, changes))

    def between(self, unit: str, a: tuple[ColumnElement[Any], str], b: tuple[ColumnElement[Any], str]
                ) -> ColumnElement[Any]:
        """b - a in ``unit`` (days, hours, minutes), fractional; see the module docstring for dates."""
        (a_sql, a_kind), (b_sql, b_kind) = a, b
        if a_kind == "datetime" and b_kind == "datetime":
            lo, hi = a_sql, b_sql
        else:
            lo, hi = self.local(a_sql, a_kind), self.local(b_sql, b_kind)
        per_day = _SECONDS["days"] / _SECONDS[unit]
        if self.dialect == "postgresql":
            if (a_kind, b_kind) != ("datetime", "datetime"):
                lo, hi = cast(lo, TIMESTAMP), cast(hi, TIMESTAMP)
            return cast(extract("epoch", hi - lo), Float) / _SECONDS[unit]
        days = func.julianday(hi) - func.julianday(lo)
        return days * per_day if per_day != 1 else days


def _offset_case(value: ColumnElement[Any], changes: tuple[tuple[datetime, int], ...]) -> ColumnElement[Any]:
    """A CASE giving the SQLite modifier ('+3600 seconds') in force at ``value`` (naive UTC text)."""
    if len(changes) == 1:
        return literal_column(f"'{changes[0][1]:+d} seconds'")
    mid = len(changes) // 2
    boundary = changes[mid][0].astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    return case((value < literal_column(f"'{boundary}'"), _offset_case(value, changes[:mid])),
                else_=_offset_case(value, changes[mid:]))


def to_local(value: datetime, zone: str) -> datetime:
    """The Python twin of ``Clock.local`` for a datetime: naive local wall-clock time."""
    return value.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def offset_at(changes: tuple[tuple[datetime, int], ...], at: datetime) -> int:
    """The offset ``changes`` give the instant ``at`` (for tests of the CASE)."""
    return changes[max(bisect_right([c for c, _ in changes], at) - 1, 0)][1]
