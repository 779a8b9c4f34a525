"""Helpers shared by the HubSpot sandbox tests (imported explicitly; ``tests/conftest.py`` is not ours)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from sandbox.common.launcher import SandboxAdmin, SandboxProcess

TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"
CLIENT_ID = "5f0c0c3e-1111-4000-8000-00000000c11d"
CLIENT_SECRET = "6a1d1d4f-2222-4000-8000-0000000005ec"
REFRESH_TOKEN = "na1-7b2e-3333-4000-8000-0000000f4e5b"


class HubSpotSandbox:
    """A running sandbox with an authenticated HTTPS client (``api``) and its admin client (``admin``)."""

    def __init__(self, process: SandboxProcess) -> None:
        self.process = process
        self.info = process.info
        self.api = httpx.Client(base_url=self.info.https_url, verify=self.info.ca_path, timeout=60,
                                headers={"Authorization": f"Bearer {TOKEN}"})
        self.admin: SandboxAdmin = process.admin()

    def client(self, token: str | None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return httpx.Client(base_url=self.info.https_url, verify=self.info.ca_path, timeout=60, headers=headers)

    def search(self, otype: str, body: dict[str, Any]) -> httpx.Response:
        return self.api.post(f"/crm/v3/objects/{otype}/search", json=body)

    def close(self) -> None:
        self.api.close()
        self.admin.close()


PINNED_DATA_END = "2025-09-28"


@contextmanager
def running_sandbox(*, scale: int, profile: str = "strict", options: dict[str, str] | None = None,
                    seed: int = 7) -> Iterator[HubSpotSandbox]:
    # These tests query fixed date windows: the seeded data is pinned to end where it used to (not at today's clock).
    pinned = {"data_end": PINNED_DATA_END, **(options or {})}
    with SandboxProcess("hubspot", seed=seed, scale=scale, profile=profile, options=pinned) as process:
        sandbox = HubSpotSandbox(process)
        try:
            yield sandbox
        finally:
            sandbox.close()


def window(prop: str, lo: str, hi: str) -> dict[str, Any]:
    """A half-open [lo, hi) window on a datetime property, as an incremental sync asks for it."""
    return {"filterGroups": [{"filters": [{"propertyName": prop, "operator": "GTE", "value": lo},
                                          {"propertyName": prop, "operator": "LT", "value": hi}]}]}
