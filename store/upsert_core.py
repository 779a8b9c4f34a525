"""The bulk upsert through SQLAlchemy Core: one ``INSERT … ON CONFLICT`` statement run with ``executemany``.

Kept for what the driver-level paths (store/upsert.py) do not take: tables whose Python-side defaults are callables
or SQL expressions, and on PostgreSQL column types COPY text is not written for. It is also the reference those
paths are tested against (tests/unit/store/test_upsert_paths.py): both must leave the very same rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite

from store.chunking import chunked


def core_upsert(
    conn: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    columns: Sequence[str],
    key: Sequence[str],
    update: Sequence[str],
) -> None:
    """Upsert ``rows`` (all carrying ``columns``); on conflict overwrite ``update``, or do nothing when empty."""
    stmt = _insert_for(conn, table)
    if update:
        stmt = stmt.on_conflict_do_update(index_elements=list(key), set_={name: stmt.excluded[name] for name in update})
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(key))
    # A driver may fold an executemany into multi-row VALUES statements; bound the parameters per chunk so that
    # never exceeds the dialect's limit (999 on older SQLite builds).
    limit = conn.dialect.insertmanyvalues_max_parameters
    per_chunk = max(1, limit // len(columns))
    for chunk in chunked(rows, per_chunk):
        conn.execute(stmt, list(chunk))


def _insert_for(conn: Connection, table: Table) -> postgresql.Insert | sqlite.Insert:
    name = conn.dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise ValueError(f"upsert supports SQLite and PostgreSQL, not {name}")
