"""Bulk inserts of plain tuples straight to the DBAPI cursor, in the caller's transaction.

A resolve of 100,000 people writes ~250,000 member rows; Core's per-row type processing would cost more than the
matching. Values are bound as the column types would bind them: UTC timestamps (naive text on SQLite), JSON text
on SQLite and ``Jsonb`` on PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table

BATCH = 20_000


def db_time(conn: Connection, value: datetime) -> Any:
    utc = value.astimezone(UTC)
    if conn.dialect.name == "sqlite":
        return utc.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    return utc


def db_json(conn: Connection) -> Any:
    """A function turning a value into what a JSON column binds on this dialect."""
    if conn.dialect.name == "postgresql":
        from psycopg.types.json import Jsonb

        return Jsonb
    return lambda value: json.dumps(value, default=str, separators=(",", ":"))


def insert_rows(conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
    mark = "?" if conn.dialect.name == "sqlite" else "%s"
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
    cursor = conn.connection.cursor()
    sent = 0
    try:
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                sent, batch = sent + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
            sent += len(batch)
    finally:
        cursor.close()
    return sent
