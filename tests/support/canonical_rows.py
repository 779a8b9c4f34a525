"""Synthetic canonical rows for the scoring tests."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

import store

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
_ids = itertools.count(1)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def add(engine: Engine, table: str, **fields: Any) -> str:
    """Insert one canonical row (provenance filled in) and return its id."""
    row_id = str(fields.pop("id", f"{table}-{next(_ids)}"))
    row = {"id": row_id, "source_connection": "test", "source_object": table, "source_id": row_id,
           "synced_at": NOW, **fields}
    with engine.begin() as conn:
        store.upsert(conn, store.canonical_tables[table], [row], key=["id"])
    return row_id


def add_many(engine: Engine, table: str, rows: list[dict[str, Any]]) -> None:
    full = [{"source_connection": "test", "source_object": table, "source_id": r["id"], "synced_at": NOW, **r}
            for r in rows]
    with engine.begin() as conn:
        store.upsert(conn, store.canonical_tables[table], full, key=["id"])
