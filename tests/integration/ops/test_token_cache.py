"""Tokens cached at rest: encrypted (no token in clear in the store), bound to the credentials, reused by a new
process instead of a new login (counted at the sandboxes' token endpoints), and off without CRMHUB_SECRET_KEY."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine, select

import store
from connectors.errors import ConfigError
from store.tables import token_cache
from store.tokens import SecretKeyError, TokenStore, fernet_from, new_key
from sync.tokens import token_options
from tests.support.sentinels import SENTINELS, Crm, sandboxes, write_config

TOKEN_ENDPOINT = {"hubspot": "oauth_token", "salesforce": "oauth_token", "marketo": "identity_token",
                  "dynamics": "get_token"}


def test_round_trip_is_encrypted_and_bound_to_the_credentials(db: Engine) -> None:
    sqlite_db = db  # SQLite and PostgreSQL (bytea)
    key = new_key()
    cache = TokenStore(sqlite_db, key)
    cache.save("c", "access_token", ["id", "secret-1"], {"access_token": "tok-CLEAR-123456"}, expires_at=None)
    assert cache.load("c", "access_token", ["id", "secret-1"]) == {"access_token": "tok-CLEAR-123456"}
    with sqlite_db.connect() as conn:
        row = conn.execute(select(token_cache)).one()
    stored = b"".join(str(v).encode() if not isinstance(v, bytes) else v for v in row)
    assert b"tok-CLEAR" not in stored and b"secret-1" not in stored
    assert cache.load("c", "access_token", ["id", "secret-2"]) is None  # the admin changed the secret
    assert TokenStore(sqlite_db, new_key()).load("c", "access_token", ["id", "secret-1"]) is None  # another key
    cache.drop("c", "access_token")
    assert cache.load("c", "access_token", ["id", "secret-1"]) is None


def test_an_expired_entry_is_a_miss(sqlite_db: Engine) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    cache = TokenStore(sqlite_db, new_key(), clock=lambda: now)
    cache.save("c", "p", [], {"a": 1}, expires_at=now + timedelta(seconds=1))
    assert cache.load("c", "p", []) == {"a": 1}
    cache.save("c", "p", [], {"a": 1}, expires_at=now)
    assert cache.load("c", "p", []) is None


def test_key_errors_name_the_variable_never_the_value(sqlite_db: Engine) -> None:
    assert fernet_from(None) is None
    with pytest.raises(SecretKeyError, match=r"CRMHUB_SECRET_KEY.*crmhub secret-key") as err:
        fernet_from("not-a-key-SENTINEL")
    assert "SENTINEL" not in str(err.value)
    assert token_options(sqlite_db, None) == {}
    with pytest.raises(ConfigError, match="CRMHUB_SECRET_KEY"):
        token_options(sqlite_db, SecretStr("short"))
    assert isinstance(token_options(sqlite_db, SecretStr(new_key()))["token_cache"], TokenStore)


@pytest.fixture(scope="module")
def crms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Crm]]:
    with sandboxes(("hubspot", "salesforce", "marketo", "dynamics"), tmp_path_factory.mktemp("tokens"),
                   scale=30) as running:
        yield running


def _check(config: Path, connection: str, env: dict[str, str]) -> None:
    crmhub = str(Path(sys.executable).parent / "crmhub")
    proc = subprocess.run([crmhub, "check", connection, "--config", str(config), "--json"], capture_output=True,
                          text=True, env=env, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]


@pytest.mark.parametrize("kind", ["hubspot", "salesforce", "marketo", "dynamics"])
def test_a_second_process_reuses_the_cached_token(kind: str, crms: dict[str, Crm], tmp_path: Path) -> None:
    crm = crms[kind]
    db = tmp_path / "crmhub.db"
    config = write_config(tmp_path / "crmhub.yaml", {kind: crm}, f"sqlite:///{db}")
    env = {**os.environ, **SENTINELS, "CRMHUB_SECRET_KEY": new_key()}
    admin = crm.sandbox.admin()
    endpoint = TOKEN_ENDPOINT[kind]

    def logins() -> int:
        return int(admin.calls()["by_endpoint"].get(endpoint, 0))

    before = logins()
    _check(config, crm.connection, env)
    _check(config, crm.connection, env)
    assert logins() - before == 1  # the second process used the first one's token

    engine = store.make_engine(f"sqlite:///{db}")
    cache = TokenStore(engine, env["CRMHUB_SECRET_KEY"])
    with engine.connect() as conn:
        [(purpose,)] = conn.execute(select(token_cache.c.purpose)).all()
    engine.dispose()
    raw = db.read_bytes() + b"".join(p.read_bytes() for p in tmp_path.glob("crmhub.db-*"))
    cached = _cached_value(cache)
    tokens = _token_strings(cached)
    assert tokens and all(t.encode() not in raw for t in tokens), purpose
    assert not any(s.encode() in raw for s in SENTINELS.values())
    # Not even encrypted: the cache keeps what the CRM issued, never a configured credential (refresh token included).
    decrypted = json.dumps(cached)
    assert not [name for name, s in SENTINELS.items() if s in decrypted], purpose
    assert "refresh_token" not in cached, purpose

    env_without = {k: v for k, v in env.items() if k != "CRMHUB_SECRET_KEY"}
    _check(config, crm.connection, env_without)  # no key: caching off, a real login
    assert logins() - before == 2


def _cached_value(cache: TokenStore) -> dict[str, object]:
    with cache._engine.connect() as conn:  # decrypted here only to learn which tokens must not be in clear
        row = conn.execute(select(token_cache)).one()
    return dict(json.loads(cache._fernet.decrypt(row.ciphertext)))


def _token_strings(value: dict[str, object]) -> list[str]:
    """The access tokens in a cached value (msal's serialised cache holds them under ``secret``)."""
    if "msal" in value:
        cache = json.loads(str(value["msal"]))
        return [str(t["secret"]) for t in cache.get("AccessToken", {}).values()]
    return [str(value["access_token"])] if value.get("access_token") else []
