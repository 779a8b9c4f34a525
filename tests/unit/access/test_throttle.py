"""Sign-in attempts limited per username in the store: five failures within 15 minutes lock it for 15, whatever the
password; a success resets the count; counts hold across SignIn instances (processes) and audit each failure."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, select

from access import Accounts, SignIn, SignInRefused, SignInThrottled, list_events
from access.audit import CLI
from access.totp import code_at
from store.tables import sign_in_throttle
from tests.support.web import CHEAP, KEY, PASSWORD, Clock, add_account


def _fail(signin: SignIn, username: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises(SignInRefused) as refused:
            signin.password(username, "wrong wrong wrong")
        assert not isinstance(refused.value, SignInThrottled)


def test_five_failures_lock_the_username_for_15_minutes(engine: Engine) -> None:
    clock = Clock()
    add_account(engine, "ada", clock=clock)
    one, other = SignIn(engine, hasher=CHEAP, clock=clock), SignIn(engine, hasher=CHEAP, clock=clock)
    _fail(one, "ada", 3)
    _fail(other, "ADA ", 1)  # another process, the same username as sign-in reads it
    clock.advance(minutes=10)
    _fail(one, "ada", 1)  # the fifth within 15 minutes: locked from now
    with pytest.raises(SignInThrottled, match="too many failed sign-ins for this username: try again in 15 min") as e:
        other.password("ada", PASSWORD)  # even the right password
    assert e.value.retry_after_seconds == 15 * 60
    clock.advance(minutes=14, seconds=59)
    with pytest.raises(SignInThrottled, match="try again in 1 minute "):
        one.password("ada", PASSWORD)
    clock.advance(seconds=1)
    assert one.password("ada", PASSWORD).username == "ada"  # the lock is over
    with engine.connect() as conn:
        assert conn.execute(select(sign_in_throttle)).all() == []  # and the success reset the count


def test_failures_outside_the_window_do_not_add_up(sqlite_db: Engine) -> None:
    clock = Clock()
    add_account(sqlite_db, "ada", clock=clock)
    signin = SignIn(sqlite_db, hasher=CHEAP, clock=clock, secret_key=KEY)
    _fail(signin, "ada", 4)
    clock.advance(minutes=15)  # the window is over: the next failure starts a new count
    _fail(signin, "ada", 4)
    assert signin.password("ada", PASSWORD).username == "ada"


def test_a_success_resets_the_count(sqlite_db: Engine) -> None:
    clock = Clock()
    add_account(sqlite_db, "ada", clock=clock)
    signin = SignIn(sqlite_db, hasher=CHEAP, clock=clock, secret_key=KEY)
    _fail(signin, "ada", 4)
    signin.password("ada", PASSWORD)
    _fail(signin, "ada", 4)  # four again, not a fifth: no lock
    assert signin.password("ada", PASSWORD).username == "ada"


def test_unknown_usernames_lock_alike_and_wrong_codes_count(sqlite_db: Engine) -> None:
    clock = Clock()
    add_account(sqlite_db, "ada", clock=clock)
    secret = Accounts(sqlite_db, clock=clock, secret_key=KEY).enrol_mfa("ada", actor=CLI).secret
    signin = SignIn(sqlite_db, hasher=CHEAP, clock=clock, secret_key=KEY)
    _fail(signin, "ghost", 5)
    with pytest.raises(SignInThrottled):
        signin.password("ghost", PASSWORD)
    pending = signin.password("ada", PASSWORD)
    assert pending.mfa_enrolled  # the password step of an MFA account does not reset the count: the code does
    for _ in range(5):
        with pytest.raises(SignInRefused, match="the code is wrong"):
            signin.code(pending.id, "000000")
    with pytest.raises(SignInThrottled):
        signin.code(pending.id, code_at(secret, clock.now))


def test_failures_are_audited_without_the_password_or_code(sqlite_db: Engine) -> None:
    clock = Clock()
    add_account(sqlite_db, "ada", clock=clock)
    signin = SignIn(sqlite_db, hasher=CHEAP, clock=clock, secret_key=KEY)
    with pytest.raises(SignInRefused):
        signin.password("ghost", "ghost password 1")
    _fail(signin, "ada", 5)
    with pytest.raises(SignInThrottled):
        signin.password("ada", PASSWORD)
    events = list_events(sqlite_db, action="sign_in_failed")
    assert [(e.actor, e.target, e.after) for e in events[:2]] == [
        ("ada", "ada", {"step": "password", "reason": "throttled"}),
        ("ada", "ada", {"step": "password", "reason": "wrong_password"})]
    assert (events[-1].actor_id, events[-1].target, events[-1].after) == (
        None, "ghost", {"step": "password", "reason": "unknown_username"})
    assert (events[0].actor_id, events[1].actor_id) == (None, Accounts(sqlite_db).get("ada").id)  # locked: no lookup
    text = json.dumps([e.public() for e in events])
    assert "wrong wrong wrong" not in text and "ghost password 1" not in text and PASSWORD not in text
