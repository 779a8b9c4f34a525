"""Dialect-aware bulk upsert: INSERT … ON CONFLICT (key) DO UPDATE, one executemany per chunk."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite

from store.chunking import chunked


def upsert(
    conn: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    key: Sequence[str],
    update: Sequence[str] | None = None,
) -> int:
    """Insert ``rows`` into ``table``, updating the existing row when ``key`` already exists.

    All rows must carry the same columns. On conflict every non-key column of the rows is overwritten (or only
    the columns in ``update``); columns the rows do not carry are left as they are. Rows sharing a key are
    applied in order, so the last one wins. Returns the number of rows sent. Never commits.
    """
    if not rows:
        return 0
    columns = _row_columns(table, rows, key=key)
    to_update = [c for c in columns if c not in key] if update is None else list(update)
    unknown = set(to_update) - set(columns)
    if unknown:
        raise ValueError(f"upsert into {table.name}: update columns {sorted(unknown)} are not in the rows")
    stmt = _insert_for(conn, table)
    if to_update:
        stmt = stmt.on_conflict_do_update(
            index_elements=list(key), set_={name: stmt.excluded[name] for name in to_update}
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(key))
    # A driver may fold an executemany into multi-row VALUES statements; bound the parameters per chunk so that
    # never exceeds the dialect's limit (999 on older SQLite builds).
    limit = conn.dialect.insertmanyvalues_max_parameters
    per_chunk = max(1, limit // len(columns))
    for chunk in chunked(rows, per_chunk):
        conn.execute(stmt, list(chunk))
    return len(rows)


def _row_columns(table: Table, rows: Sequence[Mapping[str, Any]], *, key: Sequence[str]) -> list[str]:
    columns = list(rows[0].keys())
    expected = set(columns)
    for position, row in enumerate(rows):
        if row.keys() != expected:
            diff = sorted(set(row.keys()) ^ expected)
            raise ValueError(f"upsert into {table.name}: row {position} has different columns ({diff})")
    missing_key = [k for k in key if k not in expected]
    if missing_key:
        raise ValueError(f"upsert into {table.name}: rows lack key columns {missing_key}")
    unknown = [c for c in columns if c not in table.c]
    if unknown:
        raise ValueError(f"upsert into {table.name}: unknown columns {unknown}")
    return columns


def _insert_for(conn: Connection, table: Table) -> postgresql.Insert | sqlite.Insert:
    name = conn.dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise ValueError(f"upsert supports SQLite and PostgreSQL, not {name}")
