"""``crmhub users ...`` and ``crmhub tokens ...``: --json documents, exit codes, passwords only from the
environment or a prompt, a token shown once and working against the API; ``crmhub serve`` refuses without its
secret."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import store
from access import list_events
from hub.cli import app
from tests.support.web import KEY, Clock, add_users, app_for


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "crmhub.yaml"
    path.write_text(f"version: 1\nstore: {{url: 'sqlite:///{tmp_path / 's.db'}'}}\n")
    engine = store.make_engine(f"sqlite:///{tmp_path / 's.db'}")
    store.ensure_schema(engine)
    add_users(engine)
    engine.dispose()
    return path


def _run(config: Path, *args: str, env: dict[str, str] | None = None, stdin: str | None = None
         ) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = CliRunner().invoke(app, [*args, "--config", str(config), "--json"], env=env, input=stdin)
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip().startswith("{") else {}


def test_users_lifecycle(config: Path) -> None:
    env = {"ADA_PW": "a long enough password"}
    code, doc = _run(config, "users", "add", "ada", "--role", "admin", "--name", "Ada L", "--password-env", "ADA_PW",
                     env=env)
    assert code == 0 and doc["account"]["role"] == "admin" and "password" not in json.dumps(doc)
    code, doc = _run(config, "users", "add", "rita", "--role", "rep", "--password-env", "ADA_PW", env=env)
    assert code == 2 and "give --crm-user ID" in doc["error"]["message"]
    code, _ = _run(config, "users", "add", "rita", "--role", "rep", "--crm-user", "u1", "--password-env", "ADA_PW",
                   env=env)
    assert code == 0
    code, doc = _run(config, "users", "set-role", "rita", "manager", "--crm-user", "u2")
    assert code == 0 and (doc["account"]["role"], doc["account"]["crm_user_id"]) == ("manager", "u2")
    code, doc = _run(config, "users", "set-role", "rita", "boss")
    assert code == 2 and "'boss' is no role; a role is one of admin, revenue_ops" in doc["error"]["message"]
    code, doc = _run(config, "users", "enrol-mfa", "rita", env={"CRMHUB_SECRET_KEY": ""})
    assert code == 2 and "CRMHUB_SECRET_KEY is not set" in doc["error"]["message"]
    code, doc = _run(config, "users", "enrol-mfa", "rita", env={"CRMHUB_SECRET_KEY": KEY})
    assert code == 0 and doc["otpauth_uri"].startswith("otpauth://totp/crmhub:rita?secret=")
    code, doc = _run(config, "users", "disable", "rita")
    assert code == 0 and doc["account"]["disabled_at"]
    code, doc = _run(config, "users", "list")
    assert [(a["username"], a["mfa_enrolled"], bool(a["disabled_at"])) for a in doc["accounts"]] == [
        ("ada", False, False), ("rita", True, True)]
    engine = store.make_engine(f"sqlite:///{config.parent / 's.db'}")
    assert [e.actor for e in list_events(engine)] == ["cli"] * 5
    engine.dispose()


def test_password_sources(config: Path) -> None:
    code, doc = _run(config, "users", "add", "ada", "--role", "admin", "--password-env", "MISSING")
    assert code == 2 and "the environment variable MISSING is not set" in doc["error"]["message"]
    result = CliRunner().invoke(app, ["users", "add", "ada", "--role", "admin", "--config", str(config)],
                                input="a long enough password\na long enough password\n")
    assert result.exit_code == 0, result.output
    assert "a long enough password" not in result.stdout
    code, doc = _run(config, "users", "add", "bob", "--role", "admin", "--password-env", "PW", env={"PW": "short"})
    assert code == 2 and "at least 10 characters" in doc["error"]["message"]


def test_tokens_create_list_revoke(config: Path) -> None:
    _run(config, "users", "add", "ada", "--role", "admin", "--password-env", "PW", env={"PW": "a long password"})
    code, doc = _run(config, "tokens", "create", "ada", "--name", "BI export")
    assert code == 0 and doc["secret"].startswith("crmhub_")
    secret, token_id = doc["secret"], doc["token"]["id"]
    engine = store.make_engine(f"sqlite:///{config.parent / 's.db'}")
    client = TestClient(app_for(engine, Clock()))
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    code, doc = _run(config, "tokens", "list")
    assert code == 0 and doc["count"] == 1 and secret not in json.dumps(doc)
    code, doc = _run(config, "tokens", "revoke", str(token_id))
    assert code == 0 and doc["token"]["revoked_at"]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    code, doc = _run(config, "tokens", "revoke", "99")
    assert code == 2 and "no API token 99" in doc["error"]["message"]
    engine.dispose()


def test_serve_needs_its_secret(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CRMHUB_WEB_SECRET", raising=False)
    code, doc = _run(config, "serve", "--port", "0")
    assert code == 2 and "CRMHUB_WEB_SECRET is not set" in doc["error"]["message"]
    code, doc = _run(config, "serve", "--port", "0", env={"CRMHUB_WEB_SECRET": "too short"})
    assert code == 2 and "CRMHUB_WEB_SECRET: the session secret needs at least 32 characters" in doc["error"][
        "message"]
    assert "too short" not in json.dumps(doc)
