"""Where each stream stands: one cursor per (connection, object), saved in the transaction that lands its data."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, select

from store.tables import sync_cursor
from store.upsert import upsert


def load_cursor(conn: Connection, *, connection: str, object: str) -> tuple[datetime | None, dict[str, Any]] | None:
    """The saved (watermark, state) of a stream, or ``None`` when it never ran or was reset."""
    row = conn.execute(
        select(sync_cursor.c.watermark, sync_cursor.c.state).where(
            sync_cursor.c.connection == connection, sync_cursor.c.object == object
        )
    ).one_or_none()
    if row is None:
        return None
    return row.watermark, dict(row.state or {})


def save_cursor(
    conn: Connection,
    *,
    connection: str,
    object: str,
    watermark: datetime | None,
    state: Mapping[str, Any],
    run_id: int | None,
) -> None:
    """Insert or replace the stream's cursor; the caller commits it together with the batch it follows."""
    upsert(
        conn,
        sync_cursor,
        [
            {
                "connection": connection,
                "object": object,
                "watermark": watermark,
                "state": dict(state),
                "run_id": run_id,
                "updated_at": datetime.now(UTC),
            }
        ],
        key=("connection", "object"),
    )


def cursor_details(conn: Connection, *, connection: str, object: str) -> dict[str, Any] | None:
    """The saved cursor with the run that saved it and when (``crmhub state show``), or ``None``."""
    row = conn.execute(
        select(sync_cursor.c.watermark, sync_cursor.c.state, sync_cursor.c.run_id, sync_cursor.c.updated_at).where(
            sync_cursor.c.connection == connection, sync_cursor.c.object == object
        )
    ).one_or_none()
    if row is None:
        return None
    return {"watermark": row.watermark, "state": dict(row.state or {}), "run_id": row.run_id,
            "updated_at": row.updated_at}


def delete_cursor(conn: Connection, *, connection: str, object: str) -> bool:
    """Forget the stream's cursor so the next run reads everything (full refresh). True when there was one."""
    result = conn.execute(
        delete(sync_cursor).where(sync_cursor.c.connection == connection, sync_cursor.c.object == object)
    )
    return bool(result.rowcount)
