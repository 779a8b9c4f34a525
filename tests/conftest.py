"""Fixtures shared by every test package: fresh stores on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from quality.checker import QualityChecker
from quality.suite import load_suites
from tests.support.stores import fresh_engine


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
