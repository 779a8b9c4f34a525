"""Shared helpers for the Dynamics sandbox tests: start a sandbox, get a token, call the Web API over HTTPS.

The Dynamics sandbox tests (tests/integration/dynamics/test_sandbox_*.py) import it by its package path.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from sandbox.common.launcher import SandboxAdmin, SandboxProcess

API = "/api/data/v9.2/"
FORMATTED = "OData.Community.Display.V1.FormattedValue"


class DynamicsApi:
    """A bare Web API client: a bearer token from the sandbox's Entra endpoint, JSON in and out."""

    def __init__(self, sandbox: SandboxProcess) -> None:
        info = sandbox.info
        self.url = info.https_url
        self.admin: SandboxAdmin = sandbox.admin()
        self.creds = self.admin.get("/_admin/credentials")
        self.http = httpx.Client(base_url=info.https_url, verify=info.ca_path, timeout=60)
        self.token = self.fetch_token()

    def fetch_token(self, **overrides: str) -> str:
        form = {"grant_type": "client_credentials", "client_id": self.creds["client_id"],
                "client_secret": self.creds["client_secret"], "scope": f"{self.url}/.default", **overrides}
        resp = self.http.post(f"/{self.creds['tenant_id']}/oauth2/v2.0/token", data=form)
        assert resp.status_code == 200, resp.text
        return resp.json()["access_token"]

    def headers(self, prefer: str | None = None, **extra: str) -> dict[str, str]:
        out = {"Authorization": f"Bearer {self.token}", "OData-Version": "4.0", "Accept": "application/json"}
        if prefer:
            out["Prefer"] = prefer
        out.update({k.replace("_", "-"): v for k, v in extra.items()})
        return out

    def get(self, path: str, prefer: str | None = None, **extra: str) -> httpx.Response:
        url = path if path.startswith("https://") else API + path
        return self.http.get(url, headers=self.headers(prefer, **extra))

    def post(self, path: str, body: Any, prefer: str | None = None, **extra: str) -> httpx.Response:
        return self.http.post(API + path, json=body, headers=self.headers(prefer, **extra))

    def patch(self, path: str, body: Any, prefer: str | None = None, **extra: str) -> httpx.Response:
        return self.http.patch(API + path, json=body, headers=self.headers(prefer, **extra))

    def delete(self, path: str, **extra: str) -> httpx.Response:
        return self.http.delete(API + path, headers=self.headers(None, **extra))

    def all_pages(self, path: str, prefer: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Every row of a paged query, following ``@odata.nextLink``; also the last page's body."""
        rows: list[dict[str, Any]] = []
        body = self.get(path, prefer).json()
        rows += body["value"]
        while "@odata.nextLink" in body:
            resp = self.get(body["@odata.nextLink"], prefer)
            assert resp.status_code == 200, resp.text
            body = resp.json()
            rows += body["value"]
        return rows, body

    def close(self) -> None:
        self.http.close()
        self.admin.close()


def collate(text: str) -> str:
    """How SQL Server's case- and accent-insensitive collation sees a string (for checking sort orders)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def error_code(resp: httpx.Response) -> str:
    return resp.json()["error"]["code"]


@contextmanager
def running(**kwargs: Any) -> Iterator[tuple[SandboxProcess, DynamicsApi]]:
    """A started Dynamics sandbox and a client for it, stopped afterwards."""
    kwargs.setdefault("scale", 1500)
    with SandboxProcess("dynamics", **kwargs) as sandbox:
        api = DynamicsApi(sandbox)
        try:
            yield sandbox, api
        finally:
            api.close()
