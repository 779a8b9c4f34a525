"""Helpers shared by the Salesforce sandbox tests (imported explicitly; ``tests/conftest.py`` is not ours)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import requests
from simple_salesforce import Salesforce

from sandbox.common.launcher import SandboxAdmin, SandboxProcess

CLIENT_ID = "crmhub-sandbox-client"
CLIENT_SECRET = "crmhub-sandbox-secret"
USERNAME = "integration@crmhub-sandbox.example"
PASSWORD = "sandbox-password"
SECURITY_TOKEN = "SANDBOXTOKEN"
V = "/services/data/v62.0"


class SalesforceSandbox:
    """A running sandbox: ``token()`` logs in; ``api`` is an HTTPS client carrying a session; ``admin`` the harness."""

    def __init__(self, process: SandboxProcess) -> None:
        self.process = process
        self.info = process.info
        self.admin: SandboxAdmin = process.admin()
        self.api = self.client(self.token())

    def relogin(self) -> None:
        """A new session for ``api`` (after the clock moved past the session timeout)."""
        self.api.headers["Authorization"] = f"Bearer {self.token()}"

    def raw(self) -> httpx.Client:
        return httpx.Client(base_url=self.info.https_url, verify=self.info.ca_path, timeout=60)

    def token(self, **form: str) -> str:
        data = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, **form}
        with self.raw() as c:
            resp = c.post("/services/oauth2/token", data=data)
        assert resp.status_code == 200, resp.text
        return str(resp.json()["access_token"])

    def client(self, token: str | None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.info.https_url, verify=self.info.ca_path, timeout=60, headers=headers)

    def query(self, soql: str, *, all_rows: bool = False, **headers: str) -> httpx.Response:
        return self.api.get(f"{V}/{'queryAll' if all_rows else 'query'}", params={"q": soql}, headers=headers)

    def records(self, soql: str, *, all_rows: bool = False) -> list[dict[str, Any]]:
        """Every record of a query, following nextRecordsUrl."""
        resp = self.query(soql, all_rows=all_rows)
        assert resp.status_code == 200, resp.text
        body = resp.json()
        out = list(body["records"])
        while not body["done"]:
            body = self.api.get(body["nextRecordsUrl"]).json()
            out += body["records"]
        return out

    def simple_salesforce(self) -> Salesforce:
        """simple-salesforce, unchanged, on a requests session that trusts the sandbox CA (and not the env's)."""
        session = requests.Session()
        session.verify = self.info.ca_path
        session.trust_env = False  # this machine exports REQUESTS_CA_BUNDLE, which would override ``verify``
        token = session.post(f"{self.info.https_url}/services/oauth2/token", timeout=60, data={
            "grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}).json()
        return Salesforce(instance_url=token["instance_url"], session_id=token["access_token"], version="62.0",
                          session=session)

    def live_ids(self, obj: str) -> list[str]:
        return list(self.admin.get(f"/_admin/truth/{obj}", ids="true")["ids"])

    def close(self) -> None:
        self.api.close()
        self.admin.close()


PINNED_DATA_END = "2025-09-28"


@contextmanager
def running_salesforce(*, scale: int = 800, profile: str = "strict", options: dict[str, str] | None = None,
                       seed: int = 7) -> Iterator[SalesforceSandbox]:
    # These tests query fixed date windows: the seeded data is pinned to end where it used to (not at today's clock).
    pinned = {"data_end": PINNED_DATA_END, **(options or {})}
    with SandboxProcess("salesforce", seed=seed, scale=scale, profile=profile, options=pinned) as process:
        sandbox = SalesforceSandbox(process)
        try:
            yield sandbox
        finally:
            sandbox.close()


def error_code(resp: httpx.Response) -> str:
    body = resp.json()
    assert isinstance(body, list) and set(body[0]) >= {"message", "errorCode"}, body
    return str(body[0]["errorCode"])
