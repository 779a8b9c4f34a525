"""Bulk writes of plain tuples straight to the DBAPI cursor, in the caller's transaction.

Scoring a million leads or resolving 100,000 people writes hundreds of thousands of rows; the ORM and even Core's
per-row type processing would cost more than the work itself. So values are bound as the column types would bind
them — UTC timestamps as naive text on SQLite, JSON as text on SQLite and ``Jsonb`` on PostgreSQL — and sent with
``executemany`` in large batches.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table

BATCH = 50_000


def db_time(conn: Connection, value: datetime) -> Any:
    """What ``UtcDateTime`` would bind: naive UTC text on SQLite, an aware datetime on PostgreSQL."""
    utc = value.astimezone(UTC)
    if conn.dialect.name == "sqlite":
        return utc.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    return utc


def db_json(conn: Connection) -> Callable[[Any], Any]:
    """A function turning a value into what a JSON column binds on this dialect."""
    if conn.dialect.name == "postgresql":
        from psycopg.types.json import Jsonb

        return Jsonb
    return lambda value: json.dumps(value, default=str, separators=(",", ":"))


def insert_sql(conn: Connection, table: Table, columns: Sequence[str], *, upsert_key: Sequence[str] = ()) -> str:
    """``INSERT`` with the dialect's placeholders; with ``upsert_key``, ``ON CONFLICT (key) DO UPDATE`` the rest."""
    mark = "?" if conn.dialect.name == "sqlite" else "%s"
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
    if upsert_key:
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in upsert_key)
        sql += f" ON CONFLICT ({', '.join(upsert_key)}) DO UPDATE SET {updates}"
    return sql


def execute_batches(conn: Connection, sql: str, rows: Iterable[tuple[Any, ...]], *, batch: int = BATCH) -> int:
    """``executemany`` of ``rows`` in batches on the connection's DBAPI cursor; returns how many were sent."""
    cursor = conn.connection.cursor()
    sent = 0
    try:
        pending: list[tuple[Any, ...]] = []
        for row in rows:
            pending.append(row)
            if len(pending) >= batch:
                cursor.executemany(sql, pending)
                sent, pending = sent + len(pending), []
        if pending:
            cursor.executemany(sql, pending)
            sent += len(pending)
    finally:
        cursor.close()
    return sent
