"""API tokens: the secret is returned once and stored as SHA-256 only; use dates it; revoked or disabled refuse."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import Engine, select

from access import AccountError, Accounts, TokenRefused, Tokens, list_events
from access.audit import CLI
from store.tables import api_token
from tests.support.web import Clock, add_account


def test_create_authenticate_revoke(engine: Engine) -> None:
    clock = Clock()
    add_account(engine, "ada", clock=clock)
    tokens = Tokens(engine, clock=clock)
    token, secret = tokens.create("ada", "BI export", actor=CLI)
    assert secret.startswith("crmhub_") and len(secret) > 40 and token.last_used_at is None
    with engine.connect() as conn:
        stored = conn.execute(select(api_token)).one()._mapping
    assert stored["token_sha256"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(dict(stored))
    clock.advance(minutes=5)
    assert tokens.authenticate(secret).username == "ada"
    assert tokens.list("ada")[0].last_used_at == clock.now
    revoked = tokens.revoke(token.id, actor=CLI)
    assert revoked.revoked_at == clock.now
    with pytest.raises(TokenRefused, match="unknown, revoked"):
        tokens.authenticate(secret)
    with pytest.raises(TokenRefused):
        tokens.authenticate(secret + "x")
    events = list_events(engine)
    assert [e.action for e in events] == ["token.revoke", "token.create", "account.create"]
    assert secret not in str([e.public() for e in events])
    assert stored["token_sha256"] not in str([e.public() for e in events])


def test_a_disabled_account_s_tokens_refuse(sqlite_db: Engine) -> None:
    add_account(sqlite_db, "ada")
    _, secret = Tokens(sqlite_db).create("ada", "cron", actor=CLI)
    Accounts(sqlite_db).disable("ada", actor=CLI)
    with pytest.raises(TokenRefused):
        Tokens(sqlite_db).authenticate(secret)
    with pytest.raises(AccountError, match="is disabled: it cannot get a token"):
        Tokens(sqlite_db).create("ada", "again", actor=CLI)


def test_refusals_name_what_to_do(sqlite_db: Engine) -> None:
    add_account(sqlite_db, "ada")
    with pytest.raises(AccountError, match="token name ' ': 1 to 100 characters"):
        Tokens(sqlite_db).create("ada", " ", actor=CLI)
    with pytest.raises(AccountError, match="no API token 42: `crmhub tokens list`"):
        Tokens(sqlite_db).revoke(42, actor=CLI)
    with pytest.raises(AccountError, match="no account 'ghost'"):
        Tokens(sqlite_db).create("ghost", "x", actor=CLI)
