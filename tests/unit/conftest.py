"""Fixtures of the unit tests: a migrated store on SQLite and PostgreSQL, and one shared quality checker."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine

import store
from quality.checker import QualityChecker
from quality.suite import load_suites

PG_ADMIN: dict[str, Any] = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "postgres"}


@pytest.fixture(scope="session")
def postgres_admin() -> dict[str, Any]:
    """Parameters of the local PostgreSQL server's maintenance database; skips when it is absent."""
    try:
        psycopg.connect(**PG_ADMIN, connect_timeout=3, autocommit=True).close()
    except psycopg.Error as exc:
        pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432: " + " ".join(str(exc).split()))
    return PG_ADMIN


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A fresh store at the newest migration: a SQLite file, or a new PostgreSQL database dropped after."""
    if request.param == "sqlite":
        sqlite_engine = store.make_engine(f"sqlite:///{tmp_path / 'store.db'}")
        store.ensure_schema(sqlite_engine)
        yield sqlite_engine
        sqlite_engine.dispose()
        return
    admin: dict[str, Any] = request.getfixturevalue("postgres_admin")
    name = f"crmhub_unit_{secrets.token_hex(6)}"
    with psycopg.connect(**admin, autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    pg_engine = store.make_engine(f"postgresql://{admin['user']}@{admin['host']}:{admin['port']}/{name}")
    try:
        store.ensure_schema(pg_engine)
        yield pg_engine
    finally:
        pg_engine.dispose()
        with psycopg.connect(**admin, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def checker() -> QualityChecker:
    """The shipped suites; Great Expectations is imported once, on the first check, for the whole session."""
    return QualityChecker(load_suites())
