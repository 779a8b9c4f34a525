"""Fixtures for the Marketo sandbox tests: a running sandbox over HTTPS and a small client for its API."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from sandbox.common.launcher import SandboxAdmin, SandboxProcess

CLIENT_ID = "crmhub-sandbox-client"
CLIENT_SECRET = "crmhub-sandbox-secret"
SCALE = 2000


class MarketoClient:
    """Just enough of a Marketo client for tests: token handling, and stepping the clock past 606s."""

    def __init__(self, sandbox: SandboxProcess, admin: SandboxAdmin) -> None:
        self.http = httpx.Client(base_url=sandbox.info.https_url, verify=sandbox.info.ca_path, timeout=60)
        self.admin = admin
        self.token: str | None = None

    def identity(self, **params: str) -> httpx.Response:
        return self.http.get("/identity/oauth/token", params=params)

    def authenticate(self) -> str:
        resp = self.identity(grant_type="client_credentials", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
        resp.raise_for_status()
        self.token = resp.json()["access_token"]
        return self.token

    def raw(self, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = dict(kw.pop("headers", None) or {})
        if self.token and "Authorization" not in headers:
            headers["Authorization"] = f"Bearer {self.token}"
        return self.http.request(method, path, headers=headers, **kw)

    def call(self, method: str, path: str, *, ride_limits: bool = True, **kw: Any) -> dict[str, Any]:
        """An API call; re-authenticates on 601/602 and, unless told not to, waits out 606 on the clock."""
        if self.token is None:
            self.authenticate()
        for _ in range(5):
            resp = self.raw(method, path, **kw)
            assert resp.status_code == 200, resp.text
            body = resp.json()
            code = body["errors"][0]["code"] if not body["success"] else None
            if code in ("601", "602"):
                self.authenticate()
            elif code == "606" and ride_limits:
                self.admin.advance_clock(20)
            else:
                return body
        raise AssertionError(f"{method} {path} kept failing: {body}")

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        return self.call("GET", path, params=params)

    def post(self, path: str, body: Any = None, **params: Any) -> dict[str, Any]:
        return self.call("POST", path, json=body, params=params)

    def fresh_window(self) -> None:
        """Step past the 20-second rate window so a test starts with the full 100 calls."""
        self.admin.advance_clock(21)


def burst(sandbox: SandboxProcess, token: str, path: str, count: int, *, parallel: int) -> list[dict[str, Any]]:
    """``count`` GETs of ``path``, ``parallel`` at a time, over their own connections."""

    async def run() -> list[dict[str, Any]]:
        gate = asyncio.Semaphore(parallel)
        limits = httpx.Limits(max_connections=parallel + 4)
        async with httpx.AsyncClient(base_url=sandbox.info.https_url, verify=sandbox.info.ca_path,
                                     limits=limits, timeout=60) as client:
            async def one() -> dict[str, Any]:
                async with gate:
                    resp = await client.get(path, headers={"Authorization": f"Bearer {token}"})
                    return resp.json()

            return list(await asyncio.gather(*(one() for _ in range(count))))

    return asyncio.run(run())


@dataclass
class Marketo:
    sandbox: SandboxProcess
    admin: SandboxAdmin
    client: MarketoClient


PINNED_DATA_END = "2025-09-28"


def start(*, profile: str = "strict", scale: int = SCALE, **options: str) -> Iterator[Marketo]:
    # These tests read fixed date windows of the log: it is pinned to end where it used to (not at today's clock).
    pinned = {"data_end": PINNED_DATA_END, **options}
    with SandboxProcess("marketo", seed=7, scale=scale, profile=profile, options=pinned) as sandbox:
        admin = sandbox.admin()
        client = MarketoClient(sandbox, admin)
        try:
            yield Marketo(sandbox, admin, client)
        finally:
            client.http.close()
            admin.close()


SHARED = pytest.StashKey["Marketo"]()


def shared(request: pytest.FixtureRequest) -> Marketo:
    """One strict sandbox for every Marketo test module of the session (started once, stopped at the end).

    Modules share its state, so each works on its own leads (``live_ids`` with its own offset)."""
    stash = request.config.stash
    if SHARED not in stash:
        runs = start()
        stash[SHARED] = next(runs)
        request.config.add_cleanup(lambda: next(runs, None))
    return stash[SHARED]


def live_ids(m: Marketo, *, offset: int, count: int) -> list[int]:
    ids = m.admin.get("/_admin/truth/leads", ids="true")["ids"]
    return [int(i) for i in ids[offset:offset + count]]


def error_code(body: dict[str, Any]) -> str | None:
    return None if body["success"] else body["errors"][0]["code"]
