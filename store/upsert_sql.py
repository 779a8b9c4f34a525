"""The statement texts of the driver-level upsert, rendered once per table, columns, key and update list."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Table
from sqlalchemy.engine import Dialect

_UNSAFE = re.compile(r"[^a-z0-9_]")  # a staging name needs no quoting, so to_regclass finds it as written


@functools.lru_cache(maxsize=512)
def sqlite_statement(
    table: Table, names: tuple[str, ...], key: tuple[str, ...], update: tuple[str, ...], dialect: Dialect
) -> str:
    """The statement Core renders for this upsert on SQLite, with ``?`` placeholders in ``names``' order."""
    quote = dialect.identifier_preparer.quote
    insert = (f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({', '.join(map(quote, names))}) "
              f"VALUES ({', '.join('?' for _ in names)})")
    return insert + on_conflict(key, update, quote=quote)


def on_conflict(key: Sequence[str], update: Sequence[str], *, quote: Callable[[str], str]) -> str:
    """``ON CONFLICT (key) DO UPDATE SET column = excluded.column, …``, or ``DO NOTHING`` with nothing to update."""
    target = f" ON CONFLICT ({', '.join(map(quote, key))})"
    if not update:
        return target + " DO NOTHING"
    return target + " DO UPDATE SET " + ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in update)


@dataclass(frozen=True, slots=True)
class StagedUpsert:
    """PostgreSQL's upsert through a staging table: ``create`` makes it if this session has none yet, ``copy`` fills
    it, ``apply`` upserts its rows into the target and empties it for the next call of the same transaction."""

    create: str
    copy: str
    apply: str


@functools.lru_cache(maxsize=512)
def staged_statement(
    table: Table, names: tuple[str, ...], key: tuple[str, ...], update: tuple[str, ...], dialect: Dialect
) -> StagedUpsert:
    """The statements of a staged upsert of ``names`` into ``table``.

    The staging table is temporary (private to the session, emptied at every commit, so nothing outlives the
    unit's transaction) and holds only the rows' columns with the target's types: copying the target's defaults
    would draw from its sequences. Its name is derived from the columns, since the calls on one table differ in
    them. A DO block makes it only when missing, without the notice CREATE … IF NOT EXISTS sends each time."""
    preparer = dialect.identifier_preparer
    quote = preparer.quote
    target = preparer.format_table(table)
    columns = ", ".join(map(quote, names))
    digest = hashlib.blake2b("\0".join(names).encode(), digest_size=5).hexdigest()
    stage = f"crmhub_stage_{_UNSAFE.sub('_', table.name.lower())[:30]}_{digest}"
    create = (f"DO $$ BEGIN IF to_regclass('pg_temp.{stage}') IS NULL THEN "
              f"CREATE TEMPORARY TABLE {quote(stage)} ON COMMIT DELETE ROWS AS "
              f"SELECT {columns} FROM {target} WITH NO DATA; END IF; END $$")
    apply = (f"INSERT INTO {target} ({columns}) SELECT {columns} FROM pg_temp.{quote(stage)}"
             f"{on_conflict(key, update, quote=quote)}; DELETE FROM pg_temp.{quote(stage)}")
    return StagedUpsert(create=create, copy=f"COPY pg_temp.{quote(stage)} ({columns}) FROM STDIN", apply=apply)
