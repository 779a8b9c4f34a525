"""TOTP: enrolment gives an otpauth URI; a code is accepted one step either side, once; wrong codes are refused."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import Engine

from access import Accounts, SignIn, SignInRefused, list_events
from access.audit import CLI
from access.totp import code_at, matching_step
from tests.support.web import CHEAP, Clock, add_account


def test_enrolment_uri_and_audit(engine: Engine) -> None:
    clock = Clock()
    add_account(engine, "ada", clock=clock)
    enrolment = Accounts(engine, clock=clock).enrol_mfa("ada", actor=CLI)
    uri = urlparse(enrolment.uri)
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert parse_qs(uri.query)["secret"] == [enrolment.secret] and parse_qs(uri.query)["issuer"] == ["crmhub"]
    assert Accounts(engine).get("ada").mfa_enrolled
    event = list_events(engine)[0]
    assert event.action == "account.enrol_mfa" and enrolment.secret not in str(event.public())


def test_code_window_and_replay(engine: Engine) -> None:
    clock = Clock()
    account = add_account(engine, "ada", clock=clock)
    secret = Accounts(engine, clock=clock).enrol_mfa("ada", actor=CLI).secret
    signin = SignIn(engine, hasher=CHEAP, clock=clock)
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
