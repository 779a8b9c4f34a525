"""The contract suite runs against every CRM sandbox: one session-scoped sandbox per CRM."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.common.launcher import SandboxProcess
from tests.contract.harness import Harness, hubspot_block, hubspot_break

CRMS = ["hubspot"]


def _start(kind: str, state: Path, scale: int, options: dict[str, str]) -> tuple[SandboxProcess, Harness]:
    sb = SandboxProcess(kind, scale=scale, state_dir=state, options=options)
    sb.start()
    if kind == "hubspot":
        return sb, Harness("hubspot", "hubspot_test", sb.info, sb.admin(), hubspot_block,
                           ("contacts", "companies", "deals", "owners", "calls", "notes"), "contacts", "jobtitle",
                           hubspot_break)
    raise ValueError(kind)


@pytest.fixture(scope="session", params=CRMS)
def crm(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    """A small sandbox per CRM shared by the contract tests (each test compares against the truth of the moment)."""
    sb, harness = _start(request.param, tmp_path_factory.mktemp(request.param), 400, {"search_lag_ms": "200"})
    try:
        yield harness
    finally:
        sb.stop()
