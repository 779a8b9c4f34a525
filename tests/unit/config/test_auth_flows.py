"""Every auth flow of every kind validates, secrets become SecretStr, and URL defaults follow base_url."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import SecretStr

from config import (
    CrmhubConfig,
    DynamicsClientCredentialsAuth,
    HubSpotOAuthRefreshAuth,
    HubSpotPrivateAppAuth,
    MarketoClientCredentialsAuth,
    SalesforceClientCredentialsAuth,
    SalesforceJwtBearerAuth,
    SalesforcePasswordAuth,
    SalesforceRefreshTokenAuth,
    parse_config,
)

PEM = "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"
SECRET_FIELDS = {"token", "client_secret", "password", "security_token", "refresh_token", "private_key"}

HUBSPOT = {"kind": "hubspot"}
SALESFORCE = {"kind": "salesforce"}
DYNAMICS = {"kind": "dynamics", "base_url": "https://contoso.crm.dynamics.com"}
MARKETO = {"kind": "marketo", "base_url": "https://123-ABC-456.mktorest.com"}

FLOWS: list[tuple[dict[str, Any], dict[str, Any], type]] = [
    (HUBSPOT, {"flow": "private_app", "token": "${S1}"}, HubSpotPrivateAppAuth),
    (
        HUBSPOT,
        {"flow": "oauth_refresh", "client_id": "cid", "client_secret": "${S1}", "refresh_token": "${S2}"},
        HubSpotOAuthRefreshAuth,
    ),
    (
        SALESFORCE,
        {"flow": "client_credentials", "client_id": "cid", "client_secret": "${S1}"},
        SalesforceClientCredentialsAuth,
    ),
    (
        SALESFORCE,
        {
            "flow": "password",
            "client_id": "cid",
            "client_secret": "${S1}",
            "username": "u@x.com",
            "password": "${S2}",
            "security_token": "${S3}",
        },
        SalesforcePasswordAuth,
    ),
    (
        SALESFORCE,
        {"flow": "refresh_token", "client_id": "cid", "client_secret": "${S1}", "refresh_token": "${S2}"},
        SalesforceRefreshTokenAuth,
    ),
    (
        SALESFORCE,
        {"flow": "jwt_bearer", "client_id": "cid", "username": "u@x.com", "private_key": PEM},
        SalesforceJwtBearerAuth,
    ),
    (
        DYNAMICS,
        {
            "flow": "client_credentials",
            "tenant_id": "contoso.onmicrosoft.com",
            "client_id": "cid",
            "client_secret": "${S1}",
        },
        DynamicsClientCredentialsAuth,
    ),
    (
        MARKETO,
        {"flow": "client_credentials", "client_id": "cid", "client_secret": "${S1}"},
        MarketoClientCredentialsAuth,
    ),
]
ENV = {"S1": "secret-one", "S2": "secret-two", "S3": "secret-three"}


def _load(connection: dict[str, Any], *, env: dict[str, str] | None = None) -> CrmhubConfig:
    document = {"version": 1, "connections": {"conn": {"objects": ["things"], **connection}}}
    return parse_config(yaml.safe_dump(document), env=ENV if env is None else env)


@pytest.mark.parametrize(
    ("kind", "auth", "model"), FLOWS, ids=lambda v: v.__name__ if isinstance(v, type) else ""
)
def test_every_flow_validates_into_its_model(kind: dict[str, Any], auth: dict[str, Any], model: type) -> None:
    config = _load({**kind, "auth": auth})
    loaded = config.connection("conn").auth
    assert type(loaded) is model
    for name in SECRET_FIELDS & set(auth):
        value = getattr(loaded, name)
        assert isinstance(value, SecretStr)
        assert value.get_secret_value() in {*ENV.values(), PEM}
        assert value.get_secret_value() not in repr(loaded)


def test_hubspot_oauth_token_url_follows_base_url() -> None:
    auth = {"flow": "oauth_refresh", "client_id": "c", "client_secret": "s", "refresh_token": "r"}
    default = _load({**HUBSPOT, "auth": auth}).connection("conn")
    moved = _load({**HUBSPOT, "base_url": "https://127.0.0.1:8443/", "auth": auth}).connection("conn")
    explicit = _load({**HUBSPOT, "auth": {**auth, "token_url": "https://idp.example.com/token"}}).connection(
        "conn"
    )
    assert default.auth.token_url == "https://api.hubapi.com/oauth/v1/token"
    assert moved.base_url == "https://127.0.0.1:8443"
    assert moved.auth.token_url == "https://127.0.0.1:8443/oauth/v1/token"
    assert explicit.auth.token_url == "https://idp.example.com/token"


def test_salesforce_defaults_and_a_sandbox_base_url() -> None:
    auth = {"flow": "client_credentials", "client_id": "c", "client_secret": "s"}
    plain = _load({**SALESFORCE, "auth": auth}).connection("conn")
    sandbox = _load({**SALESFORCE, "base_url": "https://127.0.0.1:9443", "auth": auth}).connection("conn")
    assert (plain.login_url, plain.instance_url, plain.api_version, plain.bulk_threshold) == (
        "https://login.salesforce.com",
        None,
        "62.0",
        10_000,
    )
    assert (sandbox.login_url, sandbox.instance_url) == ("https://127.0.0.1:9443", "https://127.0.0.1:9443")


def test_salesforce_password_flow_security_token_defaults_to_empty() -> None:
    auth = {"flow": "password", "client_id": "c", "client_secret": "s", "username": "u", "password": "p"}
    loaded = _load({**SALESFORCE, "auth": auth}).connection("conn").auth
    assert isinstance(loaded, SalesforcePasswordAuth)
    assert loaded.security_token.get_secret_value() == ""


def test_salesforce_unquoted_api_version_is_read_as_text() -> None:
    auth = {"flow": "client_credentials", "client_id": "c", "client_secret": "s"}
    assert _load({**SALESFORCE, "api_version": 61.0, "auth": auth}).connection("conn").api_version == "61.0"


def test_jwt_bearer_takes_a_key_file_relative_to_the_config(tmp_path: Path) -> None:
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "server.key").write_text(PEM)
    document = {
        "version": 1,
        "connections": {
            "conn": {
                **SALESFORCE,
                "objects": ["Lead"],
                "auth": {
                    "flow": "jwt_bearer",
                    "client_id": "c",
                    "username": "u",
                    "private_key_file": "keys/server.key",
                },
            }
        },
    }
    config = parse_config(yaml.safe_dump(document), env={}, base_dir=tmp_path)
    assert config.connection("conn").auth.private_key_file == tmp_path.resolve() / "keys" / "server.key"


def test_dynamics_resource_url_and_scope() -> None:
    auth = {"flow": "client_credentials", "tenant_id": "t", "client_id": "c", "client_secret": "s"}
    plain = _load({**DYNAMICS, "auth": auth}).connection("conn")
    proxied = _load(
        {
            **DYNAMICS,
            "base_url": "https://127.0.0.1:7443",
            "auth": auth,
            "resource_url": "https://contoso.crm.dynamics.com",
        }
    ).connection("conn")
    assert plain.authority_url == "https://login.microsoftonline.com"
    assert plain.resource_url == "https://contoso.crm.dynamics.com"
    assert proxied.token_scope == "https://contoso.crm.dynamics.com/.default"


def test_marketo_identity_url_and_quota_defaults() -> None:
    auth = {"flow": "client_credentials", "client_id": "c", "client_secret": "s"}
    marketo = _load({**MARKETO, "auth": auth}).connection("conn")
    assert marketo.identity_url == "https://123-ABC-456.mktorest.com/identity"
    assert marketo.daily_quota == 50_000
