"""Rows that depend on other records through a canonical reference (a lead's activities, its memberships)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Table, select

from store.chunking import IN_LIST_CHUNK, chunked


def live_dependents(conn: Connection, table: Table, *, connection: str, object: str, field: str,
                    owner_ids: Sequence[str]) -> list[tuple[str, str]]:
    """(source_id, owner canonical id) of the live rows of one stream whose ``field`` is one of ``owner_ids``."""
    if field not in table.c:
        raise ValueError(f"{table.name} has no column {field!r} to cascade deletes through")
    column = table.c[field]
    out: list[tuple[str, str]] = []
    for chunk in chunked(list(dict.fromkeys(owner_ids)), IN_LIST_CHUNK):
        rows = conn.execute(
            select(table.c.source_id, column).where(
                table.c.source_connection == connection,
                table.c.source_object == object,
                table.c.deleted_at.is_(None),
                column.in_(chunk),
            )
        )
        out += [(str(sid), str(owner)) for sid, owner in rows]
    return out
