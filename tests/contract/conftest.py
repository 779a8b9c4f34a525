"""The contract suite runs against every CRM sandbox: one session-scoped sandbox per CRM.

Each CRM's part is ``tests/contract/crms/<kind>.py``: ``start(state, scale) -> (SandboxProcess, Harness)``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.contract.crms import HARNESSES, started
from tests.contract.harness import Harness


@pytest.fixture(scope="session", params=HARNESSES)
def crm(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    """A small sandbox per CRM shared by the contract tests (each test compares against the truth of the moment)."""
    yield from started(request.param, tmp_path_factory)
