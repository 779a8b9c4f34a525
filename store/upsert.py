"""Dialect-aware bulk upsert: INSERT … ON CONFLICT (key) DO UPDATE, straight to the driver.

A unit of 2,000 records spent more time in Core's per-row statement work (a parameter dict per row, bind
processing value by value, on PostgreSQL one statement per row) than in the database. Here the values are bound
with the columns' own processors once per column (store/binds.py), so the database receives exactly what Core
would send, and then handed to the driver at once: SQLite's ``executemany`` of tuples over one statement text,
PostgreSQL's COPY into a staging table and one ``INSERT … SELECT`` (store/upsert_copy.py). Tables those paths do
not take go through Core as before (store/upsert_core.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import closing
from typing import Any

from sqlalchemy import Connection, Table

from store.binds import announce, as_core_errors, bind_plan, bound_columns, driver_connection
from store.upsert_copy import copy_upsert, copyable
from store.upsert_core import core_upsert
from store.upsert_sql import sqlite_statement


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
    to_update = tuple(c for c in columns if c not in key) if update is None else tuple(update)
    unknown = set(to_update) - set(columns)
    if unknown:
        raise ValueError(f"upsert into {table.name}: update columns {sorted(unknown)} are not in the rows")
    dialect = conn.dialect
    if dialect.name not in ("sqlite", "postgresql"):
        raise ValueError(f"upsert supports SQLite and PostgreSQL, not {dialect.name}")
    plan = bind_plan(table, columns, dialect)
    if plan is not None and dialect.name == "sqlite":
        sql = sqlite_statement(table, plan.names, tuple(key), to_update, dialect)
        with as_core_errors(conn, sql), closing(driver_connection(conn).cursor()) as cursor:
            parameters = list(zip(*bound_columns(plan, rows), strict=True))
            announce(conn, cursor, sql, parameters, many=True)
            cursor.executemany(sql, parameters)
    elif plan is not None and copyable(table, plan.names, dialect):
        copy_upsert(conn, table, plan, rows, key=tuple(key), update=to_update)
    else:
        core_upsert(conn, table, rows, columns=columns, key=key, update=to_update)
    return len(rows)


def _row_columns(table: Table, rows: Sequence[Mapping[str, Any]], *, key: Sequence[str]) -> tuple[str, ...]:
    columns = tuple(rows[0].keys())
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
