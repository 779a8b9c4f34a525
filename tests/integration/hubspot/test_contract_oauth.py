"""HubSpot OAuth: access tokens come from the refresh token, and an expired one is refreshed in the middle of paging."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from config import parse_config
from connectors.base import Cursor, spec_named
from connectors.errors import AuthError
from connectors.registry import build_connector
from mapping.spec import load_spec
from sandbox.common.launcher import SandboxProcess

CLIENT_ID = "5f0c0c3e-1111-4000-8000-00000000c11d"
CLIENT_SECRET = "6a1d1d4f-2222-4000-8000-0000000005ec"
REFRESH = "na1-7b2e-3333-4000-8000-0000000f4e5b"


@pytest.fixture(scope="module")
def oauth_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    # Access tokens that live 2 seconds, so they expire while a read is paging.
    with SandboxProcess("hubspot", scale=400, state_dir=Path(tmp_path_factory.mktemp("hs-oauth")),
                        options={"access_token_ttl_s": "2"}) as sb:
        yield sb


def _connector(sb: SandboxProcess, refresh_token: str):  # type: ignore[no-untyped-def]
    cfg = parse_config(
        f"version: 1\nconnections:\n  hs_oauth:\n    kind: hubspot\n    base_url: {sb.info.https_url}\n"
        f"    ca_bundle: {sb.info.ca_path}\n    objects: [contacts]\n"
        f"    auth: {{flow: oauth_refresh, client_id: {CLIENT_ID}, client_secret: {CLIENT_SECRET}, "
        f"refresh_token: {refresh_token}}}\n")
    return build_connector("hs_oauth", cfg.connection("hs_oauth"), settle_lag=timedelta(seconds=1))


def test_an_access_token_expiring_mid_paging_is_refreshed(oauth_sandbox: SandboxProcess) -> None:
    c = _connector(oauth_sandbox, REFRESH)
    spec = spec_named(c.objects, "contacts", connection="hs_oauth")
    fields = load_spec("hubspot")["contacts"].source_fields()
    seen = 0
    for batch in c.read_changes(spec, Cursor(), fields=fields):
        seen += len(batch.upserts)
        time.sleep(0.7)  # four pages take longer than the token lives
    truth = oauth_sandbox.admin().get("/_admin/truth/contacts")["count"]
    assert seen == truth
    assert c.client._tokens.refreshes >= 2  # the first token, then at least one refresh on expiry


def test_a_bad_refresh_token_is_an_auth_error_without_secrets(oauth_sandbox: SandboxProcess) -> None:
    c = _connector(oauth_sandbox, "na1-0000-bad-refresh-token-0000")
    with pytest.raises(AuthError) as err:
        c.check()
    text = str(err.value)
    assert "hs_oauth" in text and "refresh" in text and CLIENT_SECRET not in text and "bad-refresh" not in text
