"""Fresh stores for the scoring tests: no dataset needed, everything deterministic."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.support.stores import fresh_engine


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Engine]:
    yield from fresh_engine("sqlite", tmp_path)


@pytest.fixture(params=[pytest.param("sqlite", id="sqlite"),
                        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    yield from fresh_engine(request.param, tmp_path)
