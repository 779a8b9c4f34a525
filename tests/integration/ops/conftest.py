"""Scheduler and worker tests run real streams: a small HubSpot sandbox and a config file pointing at it
(tests/support/ops_config.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox.common.launcher import SandboxProcess


@pytest.fixture(scope="package")
def hubspot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    with SandboxProcess("hubspot", scale=150, state_dir=tmp_path_factory.mktemp("ops-hubspot")) as sb:
        yield sb
