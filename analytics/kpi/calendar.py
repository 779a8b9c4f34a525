"""Periods: the first day of the day, ISO week (Monday), month, quarter, year, fiscal quarter or fiscal year a value
falls in, in SQL for SQLite and PostgreSQL, with a pure-Python twin the reference tests compare against.

A datetime (UTC in the store) is moved to the org's zone BEFORE it is truncated (zone.Clock.local); a date is
already a local date. Fiscal periods start in ``fiscal_year_start_month``; a fiscal year is named by the calendar
year it ENDS in (start month 2: FY2025 runs from 1 Feb 2024 to 31 Jan 2025; start month 1: FY2025 is 2025).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, Integer, cast, extract, func, type_coerce
from sqlalchemy.sql.elements import ColumnElement

from analytics.kpi.schema import Period
from analytics.kpi.zone import Clock, to_local

# How many months back from a month to its period's first month: (month - start month + 12) % span.
_MONTH_SPAN: dict[str, int] = {"quarter": 3, "year": 12, "fiscal_quarter": 3, "fiscal_year": 12}
_ORDER: dict[str, int] = {"day": 0, "week": 1, "month": 2, "quarter": 3, "fiscal_quarter": 3, "year": 4,
                          "fiscal_year": 4}


def start_month(period: str, fiscal_start: int) -> int:
    """The month a quarter or year period's count starts from: the fiscal start for fiscal periods, else January."""
    return fiscal_start if period.startswith("fiscal_") else 1


def bucket_sql(clock: Clock, value: ColumnElement[Any], kind: str, period: Period, fiscal_start: int
               ) -> ColumnElement[date]:
    """The first day of ``period`` holding ``value`` (kind: date or datetime), as a SQL date."""
    local = clock.local(value, kind)
    if clock.dialect == "postgresql":
        if period == "day":
            return cast(local, Date)
        if period in ("week", "month"):
            return cast(func.date_trunc(period, local), Date)
        back = (cast(extract("month", local), Integer) - start_month(period, fiscal_start) + 12) % _MONTH_SPAN[period]
        return cast(func.date_trunc("month", local) - func.make_interval(0, back), Date)
    if period == "day":
        return type_coerce(func.date(local), Date)
    if period == "week":  # strftime %w: Sunday 0 ... Saturday 6; back to Monday
        back = (cast(func.strftime("%w", local), Integer) + 6) % 7
        return type_coerce(func.date(local, func.printf("-%d days", back)), Date)
    if period == "month":
        return type_coerce(func.date(local, "start of month"), Date)
    back = (cast(func.strftime("%m", local), Integer) - start_month(period, fiscal_start) + 12) % _MONTH_SPAN[period]
    return type_coerce(func.date(local, "start of month", func.printf("-%d months", back)), Date)


def bucket(value: date | datetime, period: Period, fiscal_start: int = 1, zone: str = "UTC") -> date:
    """The Python twin of ``bucket_sql``: a datetime must be timezone-aware (it is moved into ``zone`` first)."""
    day = to_local(value, zone).date() if isinstance(value, datetime) else value
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    back = (day.month - start_month(period, fiscal_start) + 12) % _MONTH_SPAN[period]
    months = day.year * 12 + day.month - 1 - back
    return date(months // 12, months % 12 + 1, 1)


def period_end(start: date, period: Period) -> date:
    """The first day after the period starting on ``start``."""
    if period == "day":
        return start + timedelta(days=1)
    if period == "week":
        return start + timedelta(days=7)
    months = start.year * 12 + start.month - 1 + {"month": 1, **_MONTH_SPAN}[period]
    return date(months // 12, months % 12 + 1, 1)


def label(start: date, period: Period, fiscal_start: int = 1) -> str:
    """How a period is shown: 2025-03-03 (day), 2025-W10, 2025-03, 2025-Q1, 2025, FY2025-Q1, FY2025."""
    if period == "day":
        return start.isoformat()
    if period == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return f"{start.year}-{start.month:02d}"
    if period == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if period == "year":
        return str(start.year)
    first = start_month(period, fiscal_start)
    fiscal_year = start.year + (1 if first != 1 and start.month >= first else 0)  # named by the year it ends in
    if period == "fiscal_year":
        return f"FY{fiscal_year}"
    return f"FY{fiscal_year}-Q{(start.month - first + 12) % 12 // 3 + 1}"


def nests(period: Period, reset: Period, fiscal_start: int) -> bool:
    """Whether every ``period`` lies inside one ``reset`` period (a week belongs to the reset of its Monday)."""
    if _ORDER[period] > _ORDER[reset]:
        return False
    if period in ("day", "week"):
        return True
    for month in range(1, 13):
        first = bucket(date(2024, month, 1), period, fiscal_start)
        last = period_end(first, period) - timedelta(days=1)
        if bucket(first, reset, fiscal_start) != bucket(last, reset, fiscal_start):
            return False
    return True
