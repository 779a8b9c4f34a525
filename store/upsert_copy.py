"""PostgreSQL's bulk upsert: COPY the rows into a staging table, then one ``INSERT … SELECT … ON CONFLICT``.

psycopg's ``executemany`` of an upsert still runs one statement per row; COPY sends every row in one stream and
the upsert runs once. One ``INSERT`` cannot update a row twice, so rows sharing a key are merged first into what
applying them one after another would leave (store/upsert.py promises that order). Values are bound by the columns'
own processors (store/binds.py) and written in COPY text (store/copy_text.py); JSON by psycopg's own dumper.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from contextlib import closing
from typing import Any

from psycopg.adapt import PyFormat
from sqlalchemy import Table
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.types import JSON, Boolean, Date, DateTime, Float, Integer, Numeric, String, TypeDecorator, TypeEngine

from store.binds import BindPlan, announce, as_core_errors, bound_columns, driver_connection
from store.copy_text import NULL, column_text, copy_block, numeric, text
from store.upsert_sql import staged_statement

# Column types whose bound values COPY text writes back to the same value; a table with any other goes through Core.
_COPYABLE = (String, Integer, Float, Numeric, Boolean, Date, DateTime, JSON)


@functools.lru_cache(maxsize=512)
def copyable(table: Table, names: tuple[str, ...], dialect: Dialect) -> bool:
    """Whether every column in ``names`` has a type the COPY path writes."""
    return all(isinstance(stored_type(table, name, dialect), _COPYABLE) for name in names)


def stored_type(table: Table, name: str, dialect: Dialect) -> TypeEngine[Any]:
    """The type the database stores a column as: under a TypeDecorator (``UtcDateTime``), the type it wraps."""
    impl = table.c[name].type.dialect_impl(dialect)
    if isinstance(impl, TypeDecorator):
        return impl.impl_instance.dialect_impl(dialect)
    return impl


def copy_upsert(
    conn: Connection,
    table: Table,
    plan: BindPlan,
    rows: Sequence[Mapping[str, Any]],
    *,
    key: tuple[str, ...],
    update: tuple[str, ...],
) -> None:
    """Upsert ``rows`` (their columns planned by ``plan``) into ``table`` within ``conn``'s transaction."""
    dialect = conn.dialect
    sql = staged_statement(table, plan.names, key, update, dialect)
    json_columns = {i for i, name in enumerate(plan.names) if isinstance(stored_type(table, name, dialect), JSON)}
    with as_core_errors(conn, sql.apply), closing(driver_connection(conn).cursor()) as cursor:
        values = bound_columns(plan, merged_by_key(rows, key=key, update=update))
        block = copy_block([
            _json_text(column, cursor) if i in json_columns
            else column_text(column, memo=not numeric(table.c[plan.names[i]].type))
            for i, column in enumerate(values)
        ])
        announce(conn, cursor, sql.create, None)
        cursor.execute(sql.create)
        announce(conn, cursor, sql.copy, None)
        with cursor.copy(sql.copy) as copy:
            copy.write(block)
        announce(conn, cursor, sql.apply, None)
        cursor.execute(sql.apply)


def merged_by_key(
    rows: Sequence[Mapping[str, Any]], *, key: Sequence[str], update: Sequence[str]
) -> Sequence[Mapping[str, Any]]:
    """One row per key, as applying ``rows`` in order would leave it: the first row inserts, each later one
    overwrites the ``update`` columns (none: the first stays). Rows keep the place of their key's first row."""
    merged: dict[tuple[Any, ...], Mapping[str, Any]] = {}
    for row in rows:
        found = tuple(row[c] for c in key)
        first = merged.get(found)
        if first is None:
            merged[found] = row
        elif update:
            merged[found] = {**first, **{c: row[c] for c in update}}
    return rows if len(merged) == len(rows) else list(merged.values())


def _json_text(values: Sequence[Any], cursor: Any) -> list[str]:
    """JSON values as COPY text: the bound wrapper (psycopg's ``Jsonb``) dumped as psycopg itself would send it."""
    dumpers: dict[type, Any] = {}
    out: list[str] = []
    for value in values:
        if value is None:
            out.append(NULL)
            continue
        dumper = dumpers.get(type(value))
        if dumper is None:
            dumper = dumpers[type(value)] = cursor.adapters.get_dumper(type(value), PyFormat.TEXT)(type(value), cursor)
        out.append(text(bytes(dumper.dump(value)).decode()))
    return out
