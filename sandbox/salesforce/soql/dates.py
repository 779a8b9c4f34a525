"""SOQL date literals (TODAY, LAST_N_DAYS:n, THIS_MONTH, ...) as half-open day ranges, in the org's zone (UTC).

Weeks start on Sunday (the en_US locale's convention, which this org uses).
"""

from __future__ import annotations

from datetime import date, timedelta


def _month_start(d: date, shift: int) -> date:
    index = d.year * 12 + d.month - 1 + shift
    return date(index // 12, index % 12 + 1, 1)


def _week_start(d: date) -> date:
    return d - timedelta(days=(d.weekday() + 1) % 7)


def _quarter_start(d: date, shift: int) -> date:
    return _month_start(date(d.year, 3 * ((d.month - 1) // 3) + 1, 1), 3 * shift)


def date_range(keyword: str, today: date) -> tuple[date, date] | None:
    """``[lo, hi)`` for a date literal, or None when the word is not one."""
    day = timedelta(days=1)
    name, _, arg = keyword.upper().partition(":")
    if arg:
        if not arg.isdigit():
            return None
        n = int(arg)
        return {
            "LAST_N_DAYS": (today - n * day, today + day),
            "NEXT_N_DAYS": (today + day, today + (n + 1) * day),
            "N_DAYS_AGO": (today - n * day, today - (n - 1) * day),
            "LAST_N_WEEKS": (_week_start(today) - timedelta(weeks=n), _week_start(today)),
            "NEXT_N_WEEKS": (_week_start(today) + timedelta(weeks=1), _week_start(today) + timedelta(weeks=n + 1)),
            "LAST_N_MONTHS": (_month_start(today, -n), _month_start(today, 0)),
            "NEXT_N_MONTHS": (_month_start(today, 1), _month_start(today, n + 1)),
            "LAST_N_YEARS": (date(today.year - n, 1, 1), date(today.year, 1, 1)),
            "NEXT_N_YEARS": (date(today.year + 1, 1, 1), date(today.year + n + 1, 1, 1)),
        }.get(name)
    week, month = _week_start(today), _month_start(today, 0)
    quarter = _quarter_start(today, 0)
    return {
        "TODAY": (today, today + day),
        "YESTERDAY": (today - day, today),
        "TOMORROW": (today + day, today + 2 * day),
        "THIS_WEEK": (week, week + 7 * day),
        "LAST_WEEK": (week - 7 * day, week),
        "NEXT_WEEK": (week + 7 * day, week + 14 * day),
        "THIS_MONTH": (month, _month_start(today, 1)),
        "LAST_MONTH": (_month_start(today, -1), month),
        "NEXT_MONTH": (_month_start(today, 1), _month_start(today, 2)),
        "THIS_QUARTER": (quarter, _quarter_start(today, 1)),
        "LAST_QUARTER": (_quarter_start(today, -1), quarter),
        "NEXT_QUARTER": (_quarter_start(today, 1), _quarter_start(today, 2)),
        "THIS_YEAR": (date(today.year, 1, 1), date(today.year + 1, 1, 1)),
        "LAST_YEAR": (date(today.year - 1, 1, 1), date(today.year, 1, 1)),
        "NEXT_YEAR": (date(today.year + 1, 1, 1), date(today.year + 2, 1, 1)),
        "LAST_90_DAYS": (today - 90 * day, today + day),
        "NEXT_90_DAYS": (today + day, today + 91 * day),
    }.get(name)
