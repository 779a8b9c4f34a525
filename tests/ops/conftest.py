"""Scheduler and worker tests run real streams: a small HubSpot sandbox and a config file pointing at it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.common.launcher import SandboxProcess

TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"
OBJECTS = ("owners", "companies", "deals", "contacts")


@pytest.fixture(scope="package")
def hubspot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    with SandboxProcess("hubspot", scale=150, state_dir=tmp_path_factory.mktemp("ops-hubspot")) as sb:
        yield sb


def write_config(path: Path, sb: SandboxProcess, store_url: str, *, executor: str = "local",
                 broker: str = "redis://127.0.0.1:6379/14") -> Path:
    path.write_text(
        f"version: 1\nstore: {{url: '{store_url}'}}\nscheduler: {{executor: {executor}, broker_url: '{broker}'}}\n"
        f"connections:\n  hs_ops:\n    kind: hubspot\n    base_url: {sb.info.https_url}\n"
        f"    ca_bundle: {sb.info.ca_path}\n    auth: {{flow: private_app, token: {TOKEN}}}\n"
        f"    settle_lag_seconds: 1\n    objects: [{', '.join(OBJECTS)}]\n    schedule: {{interval_minutes: 60}}\n")
    return path
