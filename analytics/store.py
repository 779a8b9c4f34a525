"""Score persistence: bulk upserts as executemany of plain tuples in one transaction (1,000,000 rows in seconds).

The ORM and even Core's per-row processing cost more than the scoring itself at this volume, so rows go straight to
the DBAPI cursor with the dialect's placeholder; timestamps are shared by a whole run and converted once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table

from store.tables import deal_score, lead_score

BATCH = 50_000


def _placeholder(conn: Connection) -> str:
    return "?" if conn.dialect.name == "sqlite" else "%s"


def db_time(conn: Connection, value: datetime) -> Any:
    """What UtcDateTime would bind: naive UTC text on SQLite, an aware datetime on PostgreSQL."""
    utc = value.astimezone(UTC)
    if conn.dialect.name == "sqlite":
        return utc.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    return utc


def _upsert_sql(conn: Connection, table: Table, columns: Sequence[str], key: Sequence[str]) -> str:
    mark = _placeholder(conn)
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
    return (f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))}) "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}")


def bulk_upsert(conn: Connection, table: Table, columns: Sequence[str], key: Sequence[str],
                rows: Iterable[tuple[Any, ...]]) -> int:
    """Upsert tuples (in ``columns`` order) on the caller's transaction; never commits."""
    sql = _upsert_sql(conn, table, columns, key)
    cursor = conn.connection.cursor()
    sent = 0
    try:
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                sent += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            sent += len(batch)
    finally:
        cursor.close()
    return sent


LEAD_SCORE_COLUMNS = ("entity", "record_id", "score", "grade", "engagement", "intent", "fit", "probability",
                      "reasons", "contributions", "model_version", "scored_at", "valid_until")
DEAL_SCORE_COLUMNS = ("opportunity_id", "probability", "reasons", "contributions", "model_version", "scored_at",
                      "valid_until")


def save_lead_scores(conn: Connection, rows: Iterable[tuple[Any, ...]]) -> int:
    return bulk_upsert(conn, lead_score, LEAD_SCORE_COLUMNS, ("entity", "record_id"), rows)


def save_deal_scores(conn: Connection, rows: Iterable[tuple[Any, ...]]) -> int:
    return bulk_upsert(conn, deal_score, DEAL_SCORE_COLUMNS, ("opportunity_id",), rows)
