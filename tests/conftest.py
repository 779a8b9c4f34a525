"""Fixtures shared by every test package: fresh stores on SQLite and PostgreSQL."""

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


def _postgres_or_skip() -> dict[str, Any]:
    try:
        psycopg.connect(**PG_ADMIN, connect_timeout=3, autocommit=True).close()
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL not reachable at 127.0.0.1:5432: {exc}".strip())
    return PG_ADMIN


def fresh_engine(kind: str, tmp_path: Path) -> Iterator[Engine]:
    """A new migrated store: a SQLite file, or a new PostgreSQL database dropped afterwards."""
    if kind == "sqlite":
        engine = store.make_engine(f"sqlite:///{tmp_path / 'crmhub.db'}")
        store.ensure_schema(engine)
        yield engine
        engine.dispose()
        return
    admin = _postgres_or_skip()
    name = f"crmhub_test_{secrets.token_hex(6)}"
    with psycopg.connect(**admin, autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    engine = store.make_engine(f"postgresql://{admin['user']}@{admin['host']}:{admin['port']}/{name}")
    try:
        store.ensure_schema(engine)
        yield engine
    finally:
        engine.dispose()
        with psycopg.connect(**admin, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=[pytest.param("sqlite", id="sqlite"),
                        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated store, once on SQLite and once on PostgreSQL."""
    yield from fresh_engine(request.param, tmp_path)


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Engine]:
    yield from fresh_engine("sqlite", tmp_path)


@pytest.fixture(scope="session")
def checker() -> QualityChecker:
    """The shipped suites; Great Expectations is imported once, on the first check, for the whole session."""
    return QualityChecker(load_suites())
