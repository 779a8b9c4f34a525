"""Canonical rows written straight into a store, as a sync would have landed them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert

from mapping.canonical_ids import canonical_id
from store.tables import account, contact, lead

TABLES = {"contact": contact, "lead": lead, "account": account}


def row(entity: str, connection: str, obj: str, source_id: str, *, day: int = 1,
        custom: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    return {"entity": entity, "id": canonical_id(connection, obj, source_id), "source_connection": connection,
            "source_object": obj, "source_id": source_id, "custom": custom or {},
            "updated_at": datetime(2025, 1, day, tzinfo=UTC), "synced_at": datetime(2025, 2, 1, tzinfo=UTC),
            **fields}


def land(engine: Engine, rows: list[dict[str, Any]]) -> None:
    with engine.begin() as conn:
        for entity, table in TABLES.items():
            names = [c.name for c in table.columns]
            batch = [{n: r.get(n) for n in names} for r in rows if r["entity"] == entity]
            if batch:
                conn.execute(insert(table), batch)
