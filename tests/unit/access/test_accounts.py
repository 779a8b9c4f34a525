"""Accounts: create, list, set role, disable, enrol MFA; every change audited without a secret; refusals name the
account and what is expected."""

from __future__ import annotations

import json

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, select

from access import AccountError, Accounts, Actor, NoScope, SignIn, SignInRefused, list_events, scope_of
from access.audit import CLI
from store.tables import web_account
from tests.support.web import CHEAP, PASSWORD, Clock, add_account, add_users


def test_create_list_and_audit_without_secrets(engine: Engine) -> None:
    add_users(engine)
    accounts = Accounts(engine, hasher=CHEAP, clock=Clock())
    made = accounts.create("Ada", PASSWORD, role="admin", actor=CLI, display_name="Ada Lovelace")
    rep = accounts.create("rita", PASSWORD, role="rep", crm_user_id="u1", actor=Actor(made.id, made.username))
    assert [a.username for a in accounts.list()] == ["ada", "rita"]
    assert (made.display_name, made.role, made.crm_user_id, made.mfa_enrolled) == ("Ada Lovelace", "admin", None,
                                                                                    False)
    with engine.connect() as conn:
        stored = conn.execute(select(web_account.c.password_hash).where(web_account.c.id == rep.id)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    events = list_events(engine)
    assert [(e.action, e.target, e.actor, e.actor_id) for e in events] == [
        ("account.create", "rita", "ada", made.id), ("account.create", "ada", "cli", None)]
    assert events[0].before is None and events[0].after is not None and events[0].after["crm_user_id"] == "u1"
    text = json.dumps([e.public() for e in events])
    assert PASSWORD not in text and stored not in text and "argon2" not in text


@pytest.mark.parametrize(("username", "password", "role", "crm_user", "expected"), [
    ("bad name", PASSWORD, "admin", None, "username 'bad name': 1 to 100 of"),
    ("ada", "short", "admin", None, "at least 10 characters"),
    ("ada", "ada", "admin", None, "at least 10 characters"),
    ("rita", PASSWORD, "rep", None, "role rep sees one crm_user's scope: give --crm-user ID"),
    ("mona", PASSWORD, "manager", "ghost", "crm_user 'ghost' is no live user"),
])
def test_create_refusals(sqlite_db: Engine, username: str, password: str, role: str, crm_user: str | None,
                         expected: str) -> None:
    add_users(sqlite_db)
    with pytest.raises(AccountError, match=expected):
        Accounts(sqlite_db, hasher=CHEAP).create(username, password, role=role,  # type: ignore[arg-type]
                                                 crm_user_id=crm_user, actor=CLI)
    assert list_events(sqlite_db) == []


def test_a_taken_username_is_refused(sqlite_db: Engine) -> None:
    add_account(sqlite_db, "ada")
    with pytest.raises(AccountError, match="username 'ada' is taken"):
        add_account(sqlite_db, "ADA")


def test_set_role_and_disable_are_audited_before_and_after(engine: Engine) -> None:
    add_users(engine)
    accounts = Accounts(engine, hasher=CHEAP, clock=Clock())
    accounts.create("rita", PASSWORD, role="rep", crm_user_id="u1", actor=CLI)
    promoted = accounts.set_role("rita", "manager", crm_user_id="u2", actor=CLI)
    assert (promoted.role, promoted.crm_user_id) == ("manager", "u2")
    assert scope_of(accounts.set_role("rita", "auditor", actor=CLI)) is None
    with pytest.raises(AccountError, match="role rep sees one crm_user's scope"):
        accounts.set_role("rita", "rep", actor=CLI)  # the auditor kept no link
    disabled = accounts.disable("rita", actor=CLI)
    assert disabled.disabled_at is not None and not disabled.active
    assert accounts.disable("rita", actor=CLI) == disabled  # idempotent: no second event
    events = list_events(engine)
    assert [e.action for e in events] == ["account.disable", "account.set_role", "account.set_role",
                                          "account.create"]
    assert events[2].before is not None and events[2].after is not None
    assert (events[2].before["role"], events[2].after["role"]) == ("rep", "manager")
    with pytest.raises(AccountError, match="no account 'nobody'"):
        accounts.disable("nobody", actor=CLI)


def test_scope_of_each_role(sqlite_db: Engine) -> None:
    add_users(sqlite_db)
    for role in ("admin", "revenue_ops", "auditor"):
        assert scope_of(add_account(sqlite_db, f"x-{role}", role)) is None  # type: ignore[arg-type]
    assert scope_of(add_account(sqlite_db, "rita", "rep", "u1")) == "u1"
    assert scope_of(add_account(sqlite_db, "mona", "manager", "u2")) == "u2"


def test_a_scoped_account_without_a_crm_user_is_refused_not_shown_everything(sqlite_db: Engine) -> None:
    add_users(sqlite_db)
    rep = add_account(sqlite_db, "rita", "rep", "u1")
    with sqlite_db.begin() as conn:  # as a hand-edited or older row could be
        conn.execute(web_account.update().values(crm_user_id=None))
    unlinked = Accounts(sqlite_db).get(rep.username)
    with pytest.raises(NoScope, match="'rita' \\(role rep\\) is linked to no crm_user"):
        scope_of(unlinked)


def test_password_rehashed_when_the_parameters_change(sqlite_db: Engine) -> None:
    add_account(sqlite_db, "ada")
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    SignIn(sqlite_db, hasher=stronger).password("ada", PASSWORD)
    with sqlite_db.connect() as conn:
        stored = conn.execute(select(web_account.c.password_hash)).scalar_one()
    assert "m=16,t=2,p=1" in stored
    assert SignIn(sqlite_db, hasher=stronger).password("ada", PASSWORD).username == "ada"


def test_sign_in_refuses_with_one_message(sqlite_db: Engine) -> None:
    add_account(sqlite_db, "ada")
    add_account(sqlite_db, "bob")
    Accounts(sqlite_db).disable("bob", actor=CLI)
    signin = SignIn(sqlite_db, hasher=CHEAP)
    messages = set()
    for username, password in (("ada", "wrong password"), ("nobody", PASSWORD), ("bob", PASSWORD)):
        with pytest.raises(SignInRefused) as refused:
            signin.password(username, password)
        messages.add(refused.value.message)
    assert len(messages) == 1
