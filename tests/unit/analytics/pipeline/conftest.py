"""The hand-made pipeline of tests/support/pipeline_rows.py in a fresh store, loaded as of its AS_OF."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from analytics.pipeline.history import DealHistory
from analytics.pipeline.load import load_history
from tests.support.pipeline_rows import AS_OF, golden, land


@pytest.fixture
def golden_history(sqlite_store: Engine) -> DealHistory:
    land(sqlite_store, golden())
    return load_history(sqlite_store, AS_OF)
