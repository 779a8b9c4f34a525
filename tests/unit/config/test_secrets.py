"""Secrets never appear in a problem, in str() or repr() of the error, nor in the loaded config's repr."""

from __future__ import annotations

import yaml

from config import ConfigFileError, parse_config

SENTINELS = {
    "HS_TOKEN": "sentinel-hubspot-token-7f3a",
    "SF_SECRET": "sentinel-sf-client-secret-91c2",
    "SF_PASSWORD": "sentinel-sf-password-55d0",
    "SF_SECURITY": "sentinel-sf-security-token-c4e1",
    "SF_REFRESH": "sentinel-sf-refresh-token-0b9d",
    "MK_SECRET": "sentinel-marketo-secret-e2f8",
    "PG_PASSWORD": "sentinel-pg-password-a17b",
}


def _document(*, broken: bool) -> dict[str, object]:
    """Every secret field filled from a sentinel; when ``broken``, secrets also land where validation fails:
    as a kind, a flow, a URL, a cron expression, an unknown key and its value."""
    bad = "${HS_TOKEN}" if broken else "private_app"
    return {
        "version": 1,
        "store": {
            "url": "postgresql://crmhub:${PG_PASSWORD}@127.0.0.1:5432/crmhub"
            if not broken
            else "mysql://crmhub:${PG_PASSWORD}@127.0.0.1/crmhub"
        },
        "connections": {
            "hs": {"kind": "hubspot", "objects": ["contacts"], "auth": {"flow": bad, "token": "${HS_TOKEN}"}},
            "sf": {
                "kind": "salesforce" if not broken else "${SF_SECRET}",
                "objects": ["Lead"],
                "auth": {
                    "flow": "password",
                    "client_id": "c",
                    "client_secret": "${SF_SECRET}",
                    "username": "u",
                    "password": "${SF_PASSWORD}",
                    "security_token": "${SF_SECURITY}",
                },
            },
            "sf2": {
                "kind": "salesforce",
                "objects": ["Lead"],
                "schedule": {"cron": "${SF_REFRESH}"} if broken else {"interval_minutes": 5},
                "auth": {
                    "flow": "refresh_token",
                    "client_id": "c",
                    "client_secret": "${SF_SECRET}",
                    "refresh_token": "${SF_REFRESH}",
                    **({SENTINELS["SF_PASSWORD"]: 1} if broken else {}),
                },
            },
            "mk": {
                "kind": "marketo",
                "objects": ["leads"],
                "base_url": "https://123-ABC-456.mktorest.com" if not broken else "${MK_SECRET}",
                "auth": {
                    "flow": "client_credentials",
                    "client_id": "${MK_SECRET}" if broken else "c",
                    "client_secret": "${MK_SECRET}",
                    "extra": "${MK_SECRET}",
                }
                if broken
                else {"flow": "client_credentials", "client_id": "c", "client_secret": "${MK_SECRET}"},
            },
        },
    }


def test_sentinel_secrets_appear_in_no_problem_str_or_repr() -> None:
    try:
        parse_config(yaml.safe_dump(_document(broken=True)), env=SENTINELS)
    except ConfigFileError as exc:
        error = exc
    else:
        raise AssertionError("the broken document loaded")
    assert len(error.problems) == 7
    assert "connections.sf2.auth.***: unknown key" in str(error)
    shown = [str(error), repr(error), *(str(p) for p in error.problems), *(repr(p) for p in error.problems)]
    for secret in SENTINELS.values():
        for text in shown:
            assert secret not in text
    # The error does not chain the pydantic ValidationError, whose repr would carry the input values.
    assert error.__cause__ is None and error.__context__ is None


def test_loaded_config_keeps_secrets_out_of_its_repr() -> None:
    config = parse_config(yaml.safe_dump(_document(broken=False)), env=SENTINELS)
    text = repr(config) + str(config) + config.model_dump_json()
    for secret in SENTINELS.values():
        assert secret not in text
    assert config.store.redacted_url == "postgresql://crmhub:***@127.0.0.1:5432/crmhub"
    assert config.connection("sf").auth.password.get_secret_value() == SENTINELS["SF_PASSWORD"]
