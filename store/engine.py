"""Engines for the store and the schema upgrade that runs on first use."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Any fixed 64-bit number; it names the PostgreSQL advisory lock that serialises concurrent first-use upgrades.
_PG_MIGRATION_LOCK_KEY = 7_242_019_118_311_004


class StoreUnavailable(Exception):
    """The store cannot be opened: a malformed URL, an unknown driver, a server that refuses, a file that cannot
    be created. ``url`` is the URL with its password masked; ``cause`` is one line from the driver."""

    def __init__(self, url: str, cause: str) -> None:
        self.url, self.cause = url, cause
        super().__init__(f"cannot open the store {url}: {cause}")


def open_store(url: str) -> Engine:
    """An engine for ``url`` with the schema upgraded, or ``StoreUnavailable`` saying why not (never a traceback
    of the driver: the admin needs the cause and which setting to fix, not the call stack)."""
    shown = _masked(url)
    try:
        engine = make_engine(url)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise StoreUnavailable(shown, _one_line(str(exc))) from None
    try:
        ensure_schema(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreUnavailable(shown, _cause(exc)) from None
    return engine


def _masked(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(a malformed URL)"  # it may hold a password in a place make_url cannot find


def _cause(exc: SQLAlchemyError) -> str:
    # The driver's own message, without SQLAlchemy's wrapper (the SQL, the "Background on this error" link).
    return _one_line(str(exc.orig) if isinstance(exc, DBAPIError) and exc.orig is not None else str(exc))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def make_engine(url: str = "sqlite:///crmhub.db", *, echo: bool = False) -> Engine:
    """Create an engine for the store: tuned SQLite by default, psycopg 3 for PostgreSQL."""
    parsed = _normalise_url(make_url(url))
    if parsed.get_backend_name() == "sqlite":
        _create_private(parsed.database)
        engine = create_engine(parsed, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    return create_engine(parsed, echo=echo, pool_pre_ping=True)


def _create_private(database: str | None) -> None:
    """Create a new SQLite file readable by its owner only: it holds CRM data and the (encrypted) token cache.

    SQLite gives its WAL and shared-memory files the database file's mode, so they are private too. An existing
    file keeps the mode its owner gave it."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    # OSError: it exists already, or its directory is missing or read-only (SQLite's own open reports that).
    with contextlib.suppress(OSError):
        os.close(os.open(database, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))


def _normalise_url(url: URL) -> URL:
    # A bare postgresql:// would pick psycopg2, which is not installed; postgres:// is the Heroku-style alias.
    if url.drivername in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    return url


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # WAL lets readers (CLI, analytics) run while a sync writes; NORMAL is durable enough under WAL.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def ensure_schema(engine: Engine) -> None:
    """Upgrade the database to the newest migrations; a cheap revision check when it already is there.

    Heads, not head: features developed side by side add migrations on branches that a merge revision later joins.
    """
    heads = set(ScriptDirectory.from_config(_alembic_config()).get_heads())
    with engine.connect() as conn:
        if _current_heads(conn) == heads:
            return
    with engine.connect() as conn:
        _lock_for_migration(conn)
        # Another process may have upgraded while we waited for the lock.
        if _current_heads(conn) != heads:
            command.upgrade(_alembic_config(conn), "heads")
        conn.commit()


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at, or ``None`` when it was never migrated."""
    with engine.connect() as conn:
        return _current_revision(conn)


def _current_revision(conn: Connection) -> str | None:
    heads = sorted(_current_heads(conn))
    return ",".join(heads) if heads else None


def _current_heads(conn: Connection) -> set[str]:
    return set(MigrationContext.configure(conn).get_current_heads())


def _lock_for_migration(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        # Take SQLite's write lock up front (pysqlite would only begin at the first DML), so two processes
        # upgrading at once queue on busy_timeout instead of both creating tables.
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK_KEY})


def _alembic_config(conn: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if conn is not None:
        # env.py migrates on this connection, inside the caller's transaction, instead of opening its own.
        config.attributes["connection"] = conn
    return config


def refresh_statistics(conn: Connection, tables: Sequence[str]) -> None:
    """PostgreSQL only: ANALYZE tables a bulk load has just grown.

    Statistics taken while ``source_link`` was empty make the planner scan every link of a connection for each
    batch's id lookup (1 s a batch at 100,000 rows) instead of using the primary key; autovacuum reacts too late
    during a first load. SQLite's planner needs no help here.
    """
    if conn.dialect.name != "postgresql":
        return
    for name in tables:
        conn.exec_driver_sql(f'ANALYZE "{name}"')
