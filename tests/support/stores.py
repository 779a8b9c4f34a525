"""Throwaway migrated stores for tests: a SQLite file, or a PostgreSQL database of its own dropped afterwards."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine

import store

PG_ADMIN: dict[str, Any] = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "postgres"}


def postgres_or_skip() -> dict[str, Any]:
    """The admin connection settings of the local PostgreSQL; skips the test (saying why) when it is unreachable."""
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
    admin = postgres_or_skip()
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
