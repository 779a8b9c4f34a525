"""UtcDateTime: aware in, aware UTC out, other offsets converted, naive refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Connection, Engine, Integer, MetaData, Table, select
from sqlalchemy.exc import StatementError

from store.types import UtcDateTime


@pytest.fixture
def stamps(engine: Engine) -> Iterator[tuple[Connection, Table]]:
    table = Table("stamps", MetaData(), Column("id", Integer, primary_key=True), Column("at", UtcDateTime()))
    with engine.connect() as conn:
        table.create(conn)
        yield conn, table


def _round_trip(conn: Connection, table: Table, value: datetime | None) -> datetime | None:
    inserted = conn.execute(table.insert().values(at=value)).inserted_primary_key
    assert inserted is not None
    row_id = inserted[0]
    return conn.execute(select(table.c.at).where(table.c.id == row_id)).scalar_one()


def test_aware_utc_round_trips_exactly(stamps: tuple[Connection, Table]) -> None:
    value = datetime(2024, 3, 1, 12, 30, 45, 123456, tzinfo=UTC)
    back = _round_trip(*stamps, value)
    assert back == value
    assert back is not None and back.tzinfo is UTC


def test_other_offsets_are_converted_to_utc(stamps: tuple[Connection, Table]) -> None:
    back = _round_trip(*stamps, datetime(2024, 7, 1, 14, 0, tzinfo=timezone(timedelta(hours=2))))
    assert back is not None
    assert (back, back.tzinfo) == (datetime(2024, 7, 1, 12, 0, tzinfo=UTC), UTC)


def test_session_time_zone_does_not_leak(stamps: tuple[Connection, Table]) -> None:
    conn, table = stamps
    if conn.dialect.name == "postgresql":
        # psycopg returns timestamptz in the session zone; the type must still hand back UTC.
        conn.exec_driver_sql("SET TIME ZONE 'Asia/Tokyo'")
    back = _round_trip(conn, table, datetime(2024, 1, 1, 23, 0, tzinfo=UTC))
    assert back is not None
    assert (back, back.utcoffset(), back.tzinfo) == (datetime(2024, 1, 1, 23, 0, tzinfo=UTC), timedelta(0), UTC)


def test_none_stays_none(stamps: tuple[Connection, Table]) -> None:
    assert _round_trip(*stamps, None) is None


def test_naive_datetimes_are_refused(stamps: tuple[Connection, Table]) -> None:
    conn, table = stamps
    with pytest.raises(StatementError, match="naive") as caught:
        conn.execute(table.insert().values(at=datetime(2024, 1, 1, 12, 0)))
    assert isinstance(caught.value.orig, ValueError)


def test_non_datetimes_are_refused(stamps: tuple[Connection, Table]) -> None:
    conn, table = stamps
    with pytest.raises(StatementError, match="expects a datetime"):
        conn.execute(table.insert().values(at="2024-01-01T00:00:00Z"))
