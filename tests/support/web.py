"""What the access and web tests share: a cheap argon2 hasher, a clock the test moves, crm_users to link accounts
to, and a signed-in TestClient."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from access import Accounts, SessionRules
from access.audit import CLI
from access.records import Account
from access.roles import Role
from tests.support.kpi_golden import add_many
from web import create_app

# The fewest argon2 rounds: hashing is the library's job; these tests check what crmhub does with it.
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
SECRET = "s" * 48  # the session secret of the tests' apps
KEY = "a2V5LW9mLXRoZS10ZXN0cy10b3RwLXNlZWRzLTMyYnk="  # CRMHUB_SECRET_KEY of the tests (a Fernet key)
PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Clock:
    """Now, as the test says: sessions' idle limits and TOTP steps are checked by moving it."""

    now: datetime = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def add_users(engine: Engine) -> None:
    """u1 a rep of east, u2 east's manager, u3 a rep of west."""
    add_many(engine, "crm_user", [
        {"id": "u1", "first_name": "Alice", "team": "east", "title": "Account Executive"},
        {"id": "u2", "first_name": "Bob", "team": "east", "title": "Sales Manager"},
        {"id": "u3", "first_name": "Carol", "team": "west", "title": "Account Executive"},
    ])


def add_account(engine: Engine, username: str, role: Role = "admin", crm_user_id: str | None = None,
                clock: Clock | None = None) -> Account:
    accounts = Accounts(engine, hasher=CHEAP, clock=clock or Clock())
    return accounts.create(username, PASSWORD, role=role, crm_user_id=crm_user_id, actor=CLI)


def app_for(engine: Engine, clock: Clock, *, idle_minutes: int = 30, https: bool = False) -> FastAPI:
    return create_app(engine, secret=SECRET, hasher=CHEAP, clock=clock,
                      rules=SessionRules(idle=timedelta(minutes=idle_minutes)), https=https, secret_key=KEY)


def csrf_of(client: TestClient, path: str = "/sign-in") -> str:
    page = client.get(path)
    found = CSRF.search(page.text)
    assert found, f"{path} has no form token: {page.text[:300]}"
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Posts the sign-in form; returns where it redirects to ("/" or "/sign-in/code"), or "" when refused."""
    answer = client.post("/sign-in", data={"csrf": csrf_of(client), "username": username, "password": password},
                         follow_redirects=False)
    return answer.headers.get("location", "") if answer.status_code == 303 else ""
