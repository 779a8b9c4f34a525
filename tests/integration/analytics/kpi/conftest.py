"""The golden store, built once per module on SQLite and on PostgreSQL (the tests only read it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from tests.support.kpi_golden import build
from tests.support.stores import fresh_engine


@pytest.fixture(scope="module", params=[pytest.param("sqlite", id="sqlite"),
                                        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)])
def golden(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    for engine in fresh_engine(request.param, tmp_path_factory.mktemp("golden")):
        build(engine)
        yield engine
