"""What the store holds, per table: live and tombstoned rows (``crmhub tables``)."""

from __future__ import annotations

from sqlalchemy import Connection, Table, func, select


def row_counts(conn: Connection, table: Table, *, connection: str | None = None) -> tuple[int, int]:
    """(live rows, tombstoned rows) of a canonical or raw table, of one connection's records or of all."""
    query = select(func.count(), func.count(table.c.deleted_at)).select_from(table)
    if connection is not None:
        query = query.where(table.c.source_connection == connection)
    total, deleted = conn.execute(query).one()
    return int(total) - int(deleted), int(deleted)
