"""Fixtures for the store's tests: every engine-based test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import Connection, Engine

from store.engine import ensure_schema, make_engine

PG_ADMIN: dict[str, Any] = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "postgres"}


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[dict[str, Any]]:
    """A uniquely named database for this test session, dropped at the end; skips when PostgreSQL is absent."""
    try:
        psycopg.connect(**PG_ADMIN, connect_timeout=3, autocommit=True).close()
    except psycopg.Error as exc:
        pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432: " + " ".join(str(exc).split()))
    name = f"crmhub_test_{secrets.token_hex(6)}"
    with psycopg.connect(**PG_ADMIN, autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**PG_ADMIN, "dbname": name}
    finally:
        with psycopg.connect(**PG_ADMIN, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A fresh, empty (not migrated) database: a SQLite file, or a new schema of the session's PostgreSQL
    database (a schema per test is much cheaper than CREATE DATABASE, which checkpoints)."""
    if request.param == "sqlite":
        sqlite_engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
        yield sqlite_engine
        sqlite_engine.dispose()
        return
    database: dict[str, Any] = request.getfixturevalue("postgres_database")
    schema = f"test_{secrets.token_hex(6)}"
    with psycopg.connect(**database, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    url = (
        f"postgresql://{database['user']}@{database['host']}:{database['port']}/{database['dbname']}"
        f"?options=-csearch_path%3D{schema}"
    )
    pg_engine = make_engine(url)
    try:
        yield pg_engine
    finally:
        pg_engine.dispose()
        with psycopg.connect(**database, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def store_engine(engine: Engine) -> Engine:
    """The fresh database upgraded to the newest migration."""
    ensure_schema(engine)
    return engine


@pytest.fixture
def conn(store_engine: Engine) -> Iterator[Connection]:
    """A connection on the migrated database; uncommitted work is rolled back at the end."""
    with store_engine.connect() as connection:
        yield connection
