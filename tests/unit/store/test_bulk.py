"""BulkWriter: rows read back exactly as the same rows inserted through SQLAlchemy, on each dialect."""

from __future__ import annotations

import math
import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from sqlalchemy import Connection, insert, select

from store import bulk
from store.bulk import BulkWriter
from store.copy_text import column_text, copy_block, text
from store.tables import kpi_value

COLUMNS = ("kpi_code", "dimension", "member", "period", "period_start", "value", "numerator", "denominator",
           "currency", "definition_hash", "computed_at")
NOW = datetime(2026, 12, 7, 15, 18, 16, 123456, tzinfo=UTC)
AWKWARD = ["plain", "tab\there", "new\nline", "back\\slash", "cr\rhere", "\\N", "quote'\"", "ünï €", "", " "]
FLOATS: list[float | None] = [None, 0.0, -0.0, 1.0, 0.1, 1 / 3, 1e-320, 5e-324, 1.7976931348623157e308, -2.5e16,
                              123456789.123456789, math.inf, -math.inf]


def _rows(prefix: str) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for i, member in enumerate(AWKWARD):
        for j, value in enumerate(FLOATS):
            rows.append((f"{prefix}{j}", "rep", member, "month", date(2024, 1 + i % 12, 1) + timedelta(days=j), value,
                         FLOATS[-1 - j], None if j % 2 else float(j), "EUR" if j % 3 else None, "h" * 64,
                         NOW.astimezone(timezone(timedelta(hours=2))) if j % 2 else NOW))
    return rows


def _read(conn: Connection, prefix: str) -> list[tuple[Any, ...]]:
    got = conn.execute(select(*(kpi_value.c[c] for c in COLUMNS)).where(kpi_value.c.kpi_code.startswith(prefix))
                       .order_by(kpi_value.c.kpi_code, kpi_value.c.member)).tuples().all()
    return [(row[0][len(prefix):], *row[1:]) for row in got]


def test_rows_read_back_as_inserted_through_sqlalchemy(conn: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "SLICE", 7)  # several slices per COPY
    rows = _rows("bulk")
    assert BulkWriter(conn, kpi_value, COLUMNS).write(rows) == len(rows)
    conn.execute(insert(kpi_value), [dict(zip(COLUMNS, row, strict=True)) for row in _rows("orm")])
    written, inserted = _read(conn, "bulk"), _read(conn, "orm")
    assert len(written) == len(rows)
    assert [tuple(map(repr, r)) for r in written] == [tuple(map(repr, r)) for r in inserted]  # -0.0 apart from 0.0


def test_nan_round_trips(conn: Connection) -> None:
    row = ("nan", "all", "all", "all", date(2024, 1, 1), math.nan, None, None, None, "h", NOW)
    BulkWriter(conn, kpi_value, COLUMNS).write([row])
    value = conn.execute(select(kpi_value.c.value).where(kpi_value.c.kpi_code == "nan")).scalar_one()
    if conn.dialect.name == "sqlite":  # SQLite keeps no NaN: it stores NULL, as for any other insert
        assert value is None
    else:
        assert math.isnan(value)


def test_no_rows_and_wrong_rows(conn: Connection) -> None:
    writer = BulkWriter(conn, kpi_value, COLUMNS)
    assert writer.write([]) == 0
    with pytest.raises(ValueError, match="a row of 2 values for 11 columns"):
        writer.write([("x", "y")])
    with pytest.raises(ValueError, match="kpi_value has no column nope"):
        BulkWriter(conn, kpi_value, ("kpi_code", "nope"))


def test_copy_text_renders_as_postgresql_reads() -> None:
    assert [text(v) for v in (None, "a\tb\nc\\d\re", True, False, 7, Decimal("1.50"), 0.1, -0.0, math.inf)] == [
        "\\N", "a\\tb\\nc\\\\d\\re", "t", "f", "7", "1.50", "0.1", "-0.0", "inf"]
    assert text(date(2024, 2, 29)) == "2024-02-29"
    assert text(NOW) == "2026-12-07 15:18:16.123456+00:00"
    with pytest.raises(TypeError, match="cannot write dict"):
        text({"a": 1})


def test_copy_block_keeps_equal_numbers_apart() -> None:
    # 0.0 == -0.0 == False as dict keys: numbers are rendered value by value, not memoised
    assert column_text([0.0, -0.0, None, 2], memo=False) == ["0.0", "-0.0", "\\N", "2"]
    assert column_text(["a", None, "a"], memo=True) == ["a", "\\N", "a"]
    assert copy_block([["a", "b"], ["1", "\\N"]]) == "a\t1\nb\t\\N\n"
    assert copy_block([]) == ""


def test_a_refused_row_fails_the_write(conn: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    # the server refuses a duplicate key in a later slice, while the writer thread sends: the error still surfaces
    monkeypatch.setattr(bulk, "SLICE", 10)
    rows = _rows("dup")
    with pytest.raises((psycopg.IntegrityError, sqlite3.IntegrityError)):
        BulkWriter(conn, kpi_value, COLUMNS).write([*rows, rows[3]])


def test_within_with_one_copy_takes_every_write(conn: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "SLICE", 7)
    rows = _rows("with")
    with BulkWriter(conn, kpi_value, COLUMNS) as writer:
        assert writer.write(rows[:50]) == 50
        assert writer.write([]) == 0
        assert writer.write(rows[50:]) == len(rows) - 50
    conn.execute(insert(kpi_value), [dict(zip(COLUMNS, row, strict=True)) for row in _rows("orm")])
    assert [tuple(map(repr, r)) for r in _read(conn, "with")] == [tuple(map(repr, r)) for r in _read(conn, "orm")]
