"""Schema snapshots per (connection, object), kept only when the schema changed, and pending type changes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from store.tables import schema_snapshot, schema_type_change


def _snapshot_query(connection: str, object: str, *, newest: bool) -> Any:
    order = schema_snapshot.c.id.desc() if newest else schema_snapshot.c.id
    return (select(schema_snapshot)
            .where(schema_snapshot.c.connection == connection, schema_snapshot.c.object == object)
            .order_by(order).limit(1))


def latest_snapshot(conn: Connection, *, connection: str, object: str) -> dict[str, Any] | None:
    row = conn.execute(_snapshot_query(connection, object, newest=True)).mappings().first()
    return dict(row) if row else None


def first_snapshot(conn: Connection, *, connection: str, object: str) -> dict[str, Any] | None:
    """The object's baseline: fields absent from it are the ones drift calls new."""
    row = conn.execute(_snapshot_query(connection, object, newest=False)).mappings().first()
    return dict(row) if row else None


def save_snapshot(conn: Connection, *, connection: str, object: str, fields: Mapping[str, str], schema_hash: str,
                  run_id: int | None) -> bool:
    """Keep the schema if it differs from the latest snapshot; True when a row was added."""
    last = latest_snapshot(conn, connection=connection, object=object)
    if last is not None and last["schema_hash"] == schema_hash:
        return False
    conn.execute(insert(schema_snapshot).values(connection=connection, object=object, schema_hash=schema_hash,
                                                fields=dict(fields), run_id=run_id, taken_at=datetime.now(UTC)))
    return True


def pending_type_changes(conn: Connection, *, connection: str, object: str | None = None) -> list[dict[str, Any]]:
    query = (select(schema_type_change)
             .where(schema_type_change.c.connection == connection, schema_type_change.c.accepted_at.is_(None))
             .order_by(schema_type_change.c.id))
    if object is not None:
        query = query.where(schema_type_change.c.object == object)
    return [dict(r) for r in conn.execute(query).mappings()]


def add_type_changes(conn: Connection, *, connection: str, object: str, changes: Sequence[Mapping[str, str]],
                     run_id: int | None) -> int:
    """Record type changes of mapped fields, once each: one already pending for the same field is kept."""
    open_fields = {r["field"] for r in pending_type_changes(conn, connection=connection, object=object)}
    rows = [{"connection": connection, "object": object, "field": c["field"], "old_type": c["old_type"],
             "new_type": c["new_type"], "run_id": run_id, "detected_at": datetime.now(UTC)}
            for c in changes if c["field"] not in open_fields]
    if rows:
        conn.execute(insert(schema_type_change), rows)
    return len(rows)


def accept_type_changes(conn: Connection, *, connection: str, object: str | None = None,
                        field: str | None = None) -> list[dict[str, Any]]:
    """Close pending type changes (all of a connection, of one object, or one field); returns those closed."""
    closing = [r for r in pending_type_changes(conn, connection=connection, object=object)
               if field is None or r["field"] == field]
    if closing:
        conn.execute(update(schema_type_change)
                     .where(schema_type_change.c.id.in_([r["id"] for r in closing]))
                     .values(accepted_at=datetime.now(UTC)))
    return closing
