"""analytics/kpi/calendar.py and zone.py in Python: ISO weeks, fiscal periods and their names, zone offsets."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from analytics.kpi.calendar import bucket, label, nests, period_end
from analytics.kpi.zone import DEFAULT_SPAN, offset_at, offsets


def test_weeks_are_iso_weeks_starting_monday() -> None:
    assert bucket(date(2025, 1, 1), "week") == date(2024, 12, 30)  # a Wednesday; ISO week 2025-W01
    assert bucket(date(2025, 1, 5), "week") == date(2024, 12, 30)  # Sunday: same week
    assert label(date(2024, 12, 30), "week") == "2025-W01"


@pytest.mark.parametrize(("day", "start_month", "quarter", "quarter_label", "year", "year_label"), [
    (date(2025, 1, 15), 2, date(2024, 11, 1), "FY2025-Q4", date(2024, 2, 1), "FY2025"),
    (date(2025, 2, 1), 2, date(2025, 2, 1), "FY2026-Q1", date(2025, 2, 1), "FY2026"),
    (date(2025, 10, 31), 2, date(2025, 8, 1), "FY2026-Q3", date(2025, 2, 1), "FY2026"),
    (date(2025, 1, 15), 11, date(2024, 11, 1), "FY2025-Q1", date(2024, 11, 1), "FY2025"),
    (date(2025, 10, 31), 11, date(2025, 8, 1), "FY2025-Q4", date(2024, 11, 1), "FY2025"),
    (date(2025, 11, 1), 11, date(2025, 11, 1), "FY2026-Q1", date(2025, 11, 1), "FY2026"),
    (date(2025, 5, 20), 1, date(2025, 4, 1), "FY2025-Q2", date(2025, 1, 1), "FY2025"),
])
def test_fiscal_periods_are_named_by_the_year_they_end_in(day: date, start_month: int, quarter: date,
                                                           quarter_label: str, year: date, year_label: str) -> None:
    assert bucket(day, "fiscal_quarter", start_month) == quarter
    assert label(quarter, "fiscal_quarter", start_month) == quarter_label
    assert bucket(day, "fiscal_year", start_month) == year
    assert label(year, "fiscal_year", start_month) == year_label


def test_a_datetime_is_moved_into_the_zone_before_it_is_cut() -> None:
    late = datetime(2025, 3, 31, 22, 30, tzinfo=UTC)  # 00:30 on 1 April in Paris (summer time, UTC+2)
    assert bucket(late, "month") == date(2025, 3, 1)
    assert bucket(late, "month", zone="Europe/Paris") == date(2025, 4, 1)
    assert bucket(late, "quarter", zone="Europe/Paris") == date(2025, 4, 1)
    assert bucket(late, "day", zone="America/New_York") == date(2025, 3, 31)


def test_period_ends_and_nesting() -> None:
    assert period_end(date(2024, 11, 1), "fiscal_quarter") == date(2025, 2, 1)
    assert period_end(date(2024, 12, 30), "week") == date(2025, 1, 6)
    assert nests("month", "fiscal_year", 2) and nests("fiscal_quarter", "fiscal_year", 11)
    assert not nests("fiscal_quarter", "year", 2) and nests("fiscal_quarter", "year", 4)
    assert not nests("year", "month", 1)


def test_zone_offsets_change_at_the_transition_instant() -> None:
    changes = offsets("Europe/Paris", datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
    assert changes == ((datetime(2025, 1, 1, tzinfo=UTC), 3600), (datetime(2025, 3, 30, 1, tzinfo=UTC), 7200),
                       (datetime(2025, 10, 26, 1, tzinfo=UTC), 3600))
    assert offset_at(changes, datetime(2025, 3, 30, 0, 59, 59, tzinfo=UTC)) == 3600
    assert offset_at(changes, datetime(2025, 3, 30, 1, tzinfo=UTC)) == 7200
    assert offsets("Asia/Kolkata", *DEFAULT_SPAN) == ((DEFAULT_SPAN[0], 19800),)
