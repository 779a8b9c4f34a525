"""Fixtures of the unit tests: the shared migrated store (tests/conftest.py) under the name these tests use."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine


@pytest.fixture
def engine(db: Engine) -> Engine:
    """A fresh store at the newest migration, on SQLite and on PostgreSQL."""
    return db
