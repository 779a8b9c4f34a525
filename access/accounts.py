"""Accounts: create, list, disable, set a role and its crm_user, enrol TOTP. Every change is audited in its own
transaction (access/audit.py); nothing handed out carries a hash or a seed (records.Account)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from sqlalchemy import Connection, Engine, select

from access import totp
from access.audit import Actor, record
from access.errors import AccountError
from access.passwords import check_strength
from access.records import Account, account_of
from access.roles import SCOPED, Role
from access.seeds import Seeds
from access.web_sessions import end_all
from store.tables import crm_user, web_account

Clock = Callable[[], datetime]
USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{0,99}")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Enrolment:
    uri: str  # otpauth://... with the seed: shown once, to the person enrolling
    secret: str


class Accounts:
    def __init__(self, engine: Engine, *, hasher: PasswordHasher | None = None, clock: Clock = utc_now,
                 secret_key: str | None = None) -> None:
        """``secret_key``: CRMHUB_SECRET_KEY, which encrypts TOTP seeds (access/seeds.py); only enrol_mfa needs it."""
        self.engine, self.hasher, self.clock = engine, hasher or PasswordHasher(), clock
        self.seeds = Seeds(secret_key)

    def create(self, username: str, password: str, *, role: Role, actor: Actor, display_name: str = "",
               crm_user_id: str | None = None) -> Account:
        name = username.strip().lower()
        if not USERNAME.fullmatch(name):
            raise AccountError(f"username {username!r}: 1 to 100 of a-z, 0-9, '.', '_', '@', '-', starting with a "
                               f"letter or digit")
        check_strength(password, username=name)
        with self.engine.begin() as conn:
            self._check_link(conn, name, role, crm_user_id)
            if conn.execute(select(web_account.c.id).where(web_account.c.username == name)).first():
                raise AccountError(f"username {name!r} is taken: choose another, or change that account")
            conn.execute(web_account.insert().values(
                username=name, display_name=display_name.strip() or name, password_hash=self.hasher.hash(password),
                role=role, crm_user_id=crm_user_id, created_at=self.clock()))
            account = self._get(conn, name)
            record(conn, at=self.clock(), actor=actor, action="account.create", target=name, before=None,
                   after=account.public())
        return account

    def list(self) -> list[Account]:
        with self.engine.connect() as conn:
            return [account_of(r._mapping) for r in conn.execute(select(web_account).order_by(web_account.c.id))]

    def get(self, username: str) -> Account:
        with self.engine.connect() as conn:
            return self._get(conn, username.strip().lower())

    def by_id(self, account_id: int) -> Account | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(web_account).where(web_account.c.id == account_id)).first()
        return account_of(row._mapping) if row else None

    def set_role(self, username: str, role: Role, *, actor: Actor, crm_user_id: str | None = None) -> Account:
        """The role and the crm_user whose scope it has (None keeps the current link for a scoped role)."""
        with self.engine.begin() as conn:
            before = self._get(conn, username.strip().lower())
            link = crm_user_id if crm_user_id is not None else before.crm_user_id
            link = link if role in SCOPED else crm_user_id  # admins need no link; keep one only when given
            self._check_link(conn, before.username, role, link)
            conn.execute(web_account.update().where(web_account.c.id == before.id)
                         .values(role=role, crm_user_id=link))
            after = self._get(conn, before.username)
            record(conn, at=self.clock(), actor=actor, action="account.set_role", target=before.username,
                   before=before.public(), after=after.public())
        return after

    def disable(self, username: str, *, actor: Actor) -> Account:
        """Disabled: refused at sign-in, its sessions ended, its tokens refused at their next request. Idempotent."""
        with self.engine.begin() as conn:
            before = self._get(conn, username.strip().lower())
            if before.disabled_at is not None:
                return before
            conn.execute(web_account.update().where(web_account.c.id == before.id).values(disabled_at=self.clock()))
            end_all(conn, before.id, now=self.clock())
            after = self._get(conn, before.username)
            record(conn, at=self.clock(), actor=actor, action="account.disable", target=before.username,
                   before=before.public(), after=after.public())
        return after

    def enrol_mfa(self, username: str, *, actor: Actor) -> Enrolment:
        """A new TOTP seed (replacing any before it): from now on sign-in asks for a code."""
        secret = totp.new_secret()
        with self.engine.begin() as conn:
            before = self._get(conn, username.strip().lower())
            conn.execute(web_account.update().where(web_account.c.id == before.id)
                         .values(totp_secret=self.seeds.seal(secret, username=before.username), totp_last_step=None))
            record(conn, at=self.clock(), actor=actor, action="account.enrol_mfa", target=before.username,
                   before=before.public(), after=self._get(conn, before.username).public())
        return Enrolment(totp.enrolment_uri(secret, before.username), secret)

    @staticmethod
    def _get(conn: Connection, username: str) -> Account:
        row = conn.execute(select(web_account).where(web_account.c.username == username)).first()
        if row is None:
            raise AccountError(f"no account {username!r}: `crmhub users list` shows the accounts")
        return account_of(row._mapping)

    @staticmethod
    def _check_link(conn: Connection, username: str, role: Role, crm_user_id: str | None) -> None:
        if role in SCOPED and not crm_user_id:
            raise AccountError(f"account {username!r}: role {role} sees one crm_user's scope: give --crm-user ID "
                               f"(a crm_user.id of the store)")
        if crm_user_id is None:
            return
        found = conn.execute(select(crm_user.c.id).where(crm_user.c.id == crm_user_id,
                                                         crm_user.c.deleted_at.is_(None))).first()
        if found is None:
            raise AccountError(f"account {username!r}: crm_user {crm_user_id!r} is no live user of the store "
                               f"(crm_user.id)")
