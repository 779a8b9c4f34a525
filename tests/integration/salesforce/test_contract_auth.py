"""The four OAuth flows of a Salesforce connected app, each from its crmhub.yaml block to an authenticated call."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from config import parse_config
from connectors.errors import AuthError
from connectors.registry import build_connector
from sandbox.common.launcher import SandboxInfo, SandboxProcess

CLIENT = "crmhub-sandbox-client"
USER = "integration@crmhub-sandbox.example"


@pytest.fixture(scope="module")
def jwt_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SandboxInfo, Path]]:
    keys = tmp_path_factory.mktemp("sf-keys")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (keys / "private.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
    (keys / "public.pem").write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                                    serialization.PublicFormat.SubjectPublicKeyInfo))
    with SandboxProcess("salesforce", scale=100, state_dir=tmp_path_factory.mktemp("sf-auth"),
                        options={"jwt_public_key_file": str(keys / "public.pem")}) as sb:
        yield sb.info, keys / "private.pem"


def check(info: SandboxInfo, auth: str) -> None:
    cfg = parse_config(f"version: 1\nconnections:\n  sf_auth:\n    kind: salesforce\n    base_url: {info.https_url}\n"
                       f"    ca_bundle: {info.ca_path}\n    auth: {auth}\n    objects: [Account]\n")
    conn = build_connector("sf_auth", cfg.connection("sf_auth"), settle_lag=timedelta(0))
    conn.check()
    assert conn.usage.daily_limit == 15000  # limits read into the budget on the first call


def test_password_flow_appends_the_security_token(jwt_sandbox: tuple[SandboxInfo, Path]) -> None:
    info, _ = jwt_sandbox
    base = f"{{flow: password, client_id: {CLIENT}, client_secret: crmhub-sandbox-secret, username: {USER}, "
    check(info, base + "password: sandbox-password, security_token: SANDBOXTOKEN}")
    with pytest.raises(AuthError) as err:
        check(info, base + "password: sandbox-password}")  # without the token: refused, and said so
    assert "sf_auth" in str(err.value) and "sandbox-password" not in str(err.value)


def test_refresh_token_flow(jwt_sandbox: tuple[SandboxInfo, Path]) -> None:
    info, _ = jwt_sandbox
    token = httpx.post(f"{info.https_url}/_admin/oauth/refresh_token", json={}, verify=info.ca_path).json()
    check(info, f"{{flow: refresh_token, client_id: {CLIENT}, client_secret: crmhub-sandbox-secret, "
                f"refresh_token: {token['refresh_token']}}}")


def test_jwt_bearer_flow_signs_with_the_private_key(jwt_sandbox: tuple[SandboxInfo, Path]) -> None:
    info, key = jwt_sandbox
    check(info, f"{{flow: jwt_bearer, client_id: {CLIENT}, username: {USER}, private_key_file: {key}}}")
