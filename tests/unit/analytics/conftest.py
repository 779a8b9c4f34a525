"""Fresh stores for the scoring tests (no dataset needed, everything deterministic), and one thread per model fit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from threadpoolctl import threadpool_limits

from analytics import model
from tests.support.stores import fresh_engine


@pytest.fixture(scope="session", autouse=True)
def one_thread_per_fit() -> Iterator[None]:
    """Every fit here on one thread, so a fit on one pytest-xdist worker leaves the other worker its core: CatBoost
    through its own setting (it ignores OMP_NUM_THREADS), the OpenMP and BLAS pools of scikit-learn and numpy through
    threadpoolctl for runs that do not come through ``make test`` (which sets OMP_NUM_THREADS=1 for every process)."""
    with pytest.MonkeyPatch.context() as patch, threadpool_limits(limits=1):
        patch.setattr(model, "CATBOOST_THREADS", 1)
        yield


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Engine]:
    yield from fresh_engine("sqlite", tmp_path)


@pytest.fixture(params=[pytest.param("sqlite", id="sqlite"),
                        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    yield from fresh_engine(request.param, tmp_path)
