"""Canonical rows for the win/loss tests, inserted straight into a migrated store."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert

from store import tables

SYNCED = datetime(2026, 1, 1, tzinfo=UTC)


def rows(table: str, items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows with provenance, every row carrying the same keys (an executemany binds one set of columns)."""
    out = [{"source_connection": "test", "source_object": table, "source_id": str(item["id"]),
            "synced_at": SYNCED, **item} for item in items]
    keys = {k for row in out for k in row}
    return [{k: row.get(k) for k in keys} for row in out]


def put(engine: Engine, **by_table: Iterable[Mapping[str, Any]]) -> None:
    """Insert each keyword's rows into the table of that name (empty lists are skipped)."""
    with engine.begin() as conn:
        for name, items in by_table.items():
            batch = rows(name, items)
            if batch:
                conn.execute(insert(getattr(tables, name)), batch)
