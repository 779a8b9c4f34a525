"""The SQL periods of calendar.py equal their Python twin on SQLite and PostgreSQL, around DST changes, year ends
and fiscal boundaries, in zones with whole-hour, half-hour and half-hour-DST offsets."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import cast

from sqlalchemy import Engine, select

from analytics.kpi.calendar import bucket, bucket_sql
from analytics.kpi.schema import PERIODS
from analytics.kpi.source import table_alias
from analytics.kpi.zone import Clock, DialectName
from tests.support.kpi_golden import add_many

ZONES = ("UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe")
INSTANTS = [
    datetime(2025, 3, 30, 0, 59, 59, tzinfo=UTC), datetime(2025, 3, 30, 1, 0, tzinfo=UTC),  # Paris to summer time
    datetime(2025, 3, 31, 22, 30, tzinfo=UTC), datetime(2025, 3, 31, 21, 59, tzinfo=UTC),  # end of March in Paris
    datetime(2024, 12, 31, 23, 30, tzinfo=UTC), datetime(2025, 1, 1, 4, 59, tzinfo=UTC),  # New Year, east and west
    datetime(2025, 1, 31, 18, 40, tzinfo=UTC), datetime(2025, 10, 26, 0, 30, tzinfo=UTC),
    datetime(2025, 11, 2, 5, 30, tzinfo=UTC), datetime(2025, 4, 5, 14, 45, tzinfo=UTC),  # NY back; Lord Howe back
    datetime(1999, 12, 31, 23, 0, tzinfo=UTC), datetime(2031, 7, 15, 12, 0, tzinfo=UTC),
] + [datetime(2025, 1, 1, 7, 13, tzinfo=UTC) + timedelta(days=37 * i, hours=5 * i) for i in range(12)]
DATES = [date(2025, 1, 1), date(2024, 12, 31), date(2025, 2, 1), date(2024, 10, 31), date(2025, 11, 1),
         date(2025, 12, 29), date(2024, 2, 29)]


def test_sql_periods_equal_the_python_twin(db: Engine) -> None:
    add_many(db, "activity", [{"id": f"i{n}", "occurred_at": at} for n, at in enumerate(INSTANTS)])
    add_many(db, "opportunity", [{"id": f"d{n}", "close_date": day} for n, day in enumerate(DATES)])
    activity, opportunity = table_alias("activity", "a"), table_alias("opportunity", "o")
    for zone, start_month in ((zone, month) for zone in ZONES for month in (1, 2, 11)):
        clock = Clock(cast(DialectName, db.dialect.name), zone)
        for table, column, kind, given in ((activity, "occurred_at", "datetime", INSTANTS),
                                           (opportunity, "close_date", "date", DATES)):
            columns = [bucket_sql(clock, table.c[column], kind, p, start_month).label(p) for p in PERIODS]
            with db.connect() as conn:
                found = {row.id: row for row in conn.execute(select(table.c.id, *columns))}
            for n, value in enumerate(given):
                row = found[f"{'i' if kind == 'datetime' else 'd'}{n}"]
                for period in PERIODS:
                    expected = bucket(value, period, start_month, zone)
                    assert getattr(row, period) == expected, (zone, start_month, value, period)
