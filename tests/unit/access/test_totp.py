"""TOTP: enrolment gives an otpauth URI; a code is accepted one step either side, once; wrong codes are refused."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Engine, select

from access import AccountError, Accounts, SignIn, SignInRefused, list_events
from access.audit import CLI
from access.totp import code_at, matching_step
from store.tables import web_account
from tests.support.web import CHEAP, KEY, Clock, add_account


def test_enrolment_uri_and_audit(engine: Engine) -> None:
    clock = Clock()
    add_account(engine, "ada", clock=clock)
    enrolment = Accounts(engine, clock=clock, secret_key=KEY).enrol_mfa("ada", actor=CLI)
    uri = urlparse(enrolment.uri)
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert parse_qs(uri.query)["secret"] == [enrolment.secret] and parse_qs(uri.query)["issuer"] == ["crmhub"]
    assert Accounts(engine).get("ada").mfa_enrolled
    event = list_events(engine)[0]
    assert event.action == "account.enrol_mfa" and enrolment.secret not in str(event.public())


def test_code_window_and_replay(engine: Engine) -> None:
    clock = Clock()
    account = add_account(engine, "ada", clock=clock)
    secret = Accounts(engine, clock=clock, secret_key=KEY).enrol_mfa("ada", actor=CLI).secret
    signin = SignIn(engine, hasher=CHEAP, clock=clock, secret_key=KEY)
    previous = code_at(secret, clock.now - timedelta(seconds=30))
    assert signin.code(account.id, previous).username == "ada"  # one step late: accepted
    current = code_at(secret, clock.now)
    assert signin.code(account.id, current[:3] + " " + current[3:]).username == "ada"  # spaces are fine
    with pytest.raises(SignInRefused, match="used already"):
        signin.code(account.id, current)  # the same code again, inside its window
    with pytest.raises(SignInRefused, match="used already"):
        signin.code(account.id, previous)  # an older step after a newer one
    with pytest.raises(SignInRefused, match="wrong or has expired"):
        signin.code(account.id, code_at(secret, clock.now + timedelta(seconds=90)))  # three steps ahead
    with pytest.raises(SignInRefused, match="wrong or has expired"):
        signin.code(account.id, "12345x")
    clock.advance(seconds=30)
    assert signin.code(account.id, code_at(secret, clock.now)).username == "ada"  # the next step's code


def test_matching_step_is_exact() -> None:
    clock = Clock()
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    step = int(clock.now.timestamp()) // 30
    assert matching_step(secret, code_at(secret, clock.now), clock.now) == step
    assert matching_step(secret, code_at(secret, clock.now + timedelta(seconds=30)), clock.now) == step + 1
    assert matching_step(secret, code_at(secret, clock.now - timedelta(seconds=60)), clock.now) is None


def test_no_code_pending_without_enrolment(sqlite_db: Engine) -> None:
    account = add_account(sqlite_db, "ada")
    with pytest.raises(SignInRefused, match="no second factor is pending"):
        SignIn(sqlite_db, hasher=CHEAP).code(account.id, "123456")


def test_the_stored_seed_is_encrypted_with_the_secret_key(engine: Engine) -> None:
    clock = Clock()
    account = add_account(engine, "ada", clock=clock)
    secret = Accounts(engine, clock=clock, secret_key=KEY).enrol_mfa("ada", actor=CLI).secret
    with engine.connect() as conn:
        stored = conn.execute(select(web_account.c.totp_secret)).scalar_one()
    assert len(secret) == 32 and secret not in stored and secret.lower() not in stored.lower()
    assert Fernet(KEY).decrypt(stored.encode()).decode() == secret  # the CRMHUB_SECRET_KEY mechanism, not new crypto
    assert SignIn(engine, hasher=CHEAP, clock=clock, secret_key=KEY).code(account.id, code_at(secret, clock.now))


def test_a_seed_needs_the_key_it_was_enrolled_under(sqlite_db: Engine) -> None:
    clock = Clock()
    account = add_account(sqlite_db, "ada", clock=clock)
    with pytest.raises(AccountError, match="account 'ada': CRMHUB_SECRET_KEY is not set"):
        Accounts(sqlite_db, clock=clock).enrol_mfa("ada", actor=CLI)
    assert not Accounts(sqlite_db).get("ada").mfa_enrolled
    with pytest.raises(AccountError, match="CRMHUB_SECRET_KEY is not a Fernet key"):
        Accounts(sqlite_db, secret_key="not a key")
    secret = Accounts(sqlite_db, clock=clock, secret_key=KEY).enrol_mfa("ada", actor=CLI).secret
    code = code_at(secret, clock.now)
    for other in (None, Fernet.generate_key().decode()):
        with pytest.raises(SignInRefused, match="cannot be checked on this server"):
            SignIn(sqlite_db, hasher=CHEAP, clock=clock, secret_key=other).code(account.id, code)
    assert list_events(sqlite_db, action="sign_in_failed")[0].after == {"step": "code", "reason": "seed_unreadable"}
