"""HubSpot's token endpoint refuses in distinct, documented ways (HTTP 400, ``{"status": "BAD_…"}``); the sandbox
answers each of them, and the connector turns each into the setting to fix — a refused client secret names
``auth.client_secret``, not "re-authorise the app"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from config import parse_config
from connectors.errors import AuthError
from connectors.registry import build_connector
from sandbox.common.launcher import SandboxProcess

CLIENT_ID = "5f0c0c3e-1111-4000-8000-00000000c11d"
CLIENT_SECRET = "6a1d1d4f-2222-4000-8000-0000000005ec"
REFRESH = "na1-7b2e-3333-4000-8000-0000000f4e5b"
REDIRECT = "https://crmhub-sandbox.example/oauth/callback"
GOOD = {"grant_type": "refresh_token", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH}


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    with SandboxProcess("hubspot", scale=20, state_dir=Path(tmp_path_factory.mktemp("hs-refusals"))) as sb:
        yield sb


def _post(sb: SandboxProcess, **changes: str) -> httpx.Response:
    form = {k: v for k, v in {**GOOD, **changes}.items() if v != "<absent>"}
    return httpx.post(f"{sb.info.https_url}/oauth/v1/token", data=form, verify=str(sb.info.ca_path))


@pytest.mark.parametrize(("changes", "status"), [
    ({"grant_type": "authorization_code"}, "BAD_GRANT_TYPE"),
    ({"client_id": "<absent>"}, "BAD_CLIENT_ID"),
    ({"client_id": "5f0c0c3e-1111-4000-8000-000000000000"}, "BAD_CLIENT_ID"),
    ({"client_secret": "6a1d1d4f-2222-4000-8000-000000000000"}, "BAD_CLIENT_SECRET"),
    ({"redirect_uri": "https://elsewhere.example/callback"}, "BAD_REDIRECT_URI"),
    ({"refresh_token": "na1-0000-0000-4000-8000-000000000000"}, "BAD_REFRESH_TOKEN"),
    ({"refresh_token": "<absent>"}, "BAD_REFRESH_TOKEN"),
], ids=["grant", "no-client-id", "client-id", "client-secret", "redirect-uri", "refresh-token", "no-refresh-token"])
def test_the_sandbox_token_endpoint_refuses_the_documented_way(sandbox: SandboxProcess, changes: dict[str, str],
                                                               status: str) -> None:
    resp = _post(sandbox, **changes)
    assert resp.status_code == 400
    body = resp.json()
    assert body["status"] == status and body["message"] and body["correlationId"], body


def test_the_sandbox_accepts_the_apps_redirect_uri(sandbox: SandboxProcess) -> None:
    resp = _post(sandbox, redirect_uri=REDIRECT)
    assert resp.status_code == 200 and resp.json()["access_token"]


def _connector(sb: SandboxProcess, **auth: str) -> Any:
    values = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "refresh_token": REFRESH, **auth}
    cfg = parse_config(
        f"version: 1\nconnections:\n  hs_oauth:\n    kind: hubspot\n    base_url: {sb.info.https_url}\n"
        f"    ca_bundle: {sb.info.ca_path}\n    objects: [contacts]\n"
        f"    auth: {{flow: oauth_refresh, client_id: {values['client_id']}, "
        f"client_secret: {values['client_secret']}, refresh_token: {values['refresh_token']}}}\n")
    return build_connector("hs_oauth", cfg.connection("hs_oauth"), settle_lag=timedelta(seconds=1))


@pytest.mark.parametrize(("auth", "names", "code"), [
    ({"client_secret": "6a1d1d4f-2222-4000-8000-00000000bad0"}, "auth.client_secret", "BAD_CLIENT_SECRET"),
    ({"client_id": "5f0c0c3e-1111-4000-8000-00000000bad0"}, "auth.client_id", "BAD_CLIENT_ID"),
    ({"refresh_token": "na1-0000-0000-4000-8000-00000000bad0"}, "auth.refresh_token", "BAD_REFRESH_TOKEN"),
], ids=["client-secret", "client-id", "refresh-token"])
def test_each_refusal_names_the_setting_to_fix(sandbox: SandboxProcess, auth: dict[str, str], names: str,
                                               code: str) -> None:
    with pytest.raises(AuthError) as err:
        _connector(sandbox, **auth).check()
    text = str(err.value)
    assert names in text and f"({code})" in text and "hs_oauth" in text, text
    others = {"auth.client_id", "auth.client_secret", "auth.refresh_token"} - {names}
    assert not any(o in text for o in others), text
    assert not any(v in text for v in auth.values())  # never the refused value
    if code != "BAD_REFRESH_TOKEN":
        assert "re-authorise" not in text


def test_an_uninstalled_app_is_a_revoked_refresh_token(sandbox: SandboxProcess) -> None:
    admin = sandbox.admin()
    admin.post("/_admin/oauth/revoke", {"revoked": True})
    try:
        assert _post(sandbox).json()["status"] == "BAD_REFRESH_TOKEN"
        with pytest.raises(AuthError) as err:
            _connector(sandbox).check()
        assert "auth.refresh_token" in str(err.value) and "revoked" in str(err.value)
    finally:
        admin.post("/_admin/oauth/revoke", {"revoked": False})
    _connector(sandbox).check()  # installed again: the same refresh token works
