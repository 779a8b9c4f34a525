"""Signing in: the password (rehashed when the hasher's parameters changed), then the TOTP code when enrolled,
each code accepted once. Failures are counted per username (access/throttle.py: five in 15 minutes lock it for 15)
and audited as ``sign_in_failed`` with the step and the reason, never the password or the code; the ``sign_in``
itself is audited when its session starts (access/web_sessions.py)."""

from __future__ import annotations

from typing import NoReturn

from argon2 import PasswordHasher
from sqlalchemy import Engine, RowMapping, or_, select

from access import totp
from access.accounts import Clock, utc_now
from access.audit import Actor, record
from access.errors import SignInRefused, SignInThrottled
from access.passwords import verify
from access.records import Account, account_of
from access.seeds import Seeds
from access.throttle import Throttle, ThrottleRules, key_of
from store.tables import web_account

REFUSED = "the username or password is wrong, or the account is disabled"


class SignIn:
    def __init__(self, engine: Engine, *, hasher: PasswordHasher | None = None, clock: Clock = utc_now,
                 throttle: ThrottleRules | None = None, secret_key: str | None = None) -> None:
        """``secret_key``: CRMHUB_SECRET_KEY, which decrypts the TOTP seeds (access/seeds.py)."""
        self.engine, self.hasher, self.clock = engine, hasher or PasswordHasher(), clock
        self.seeds = Seeds(secret_key)
        self.throttle = Throttle(engine, clock=clock, rules=throttle)
        # Verified against when the username is unknown, so both refusals cost the same time.
        self._decoy = self.hasher.hash("crmhub decoy password")

    def password(self, username: str, password: str) -> Account:
        """The account whose password this is; SignInRefused with one message for every cause (SignInThrottled
        while the username is locked, whatever the password)."""
        name = key_of(username)
        self._check_throttle(name, None, "password")
        with self.engine.connect() as conn:
            row = conn.execute(select(web_account).where(web_account.c.username == name)).first()
        if row is None:
            verify(self.hasher, self._decoy, password)
            self._refuse(name, None, "password", "unknown_username", REFUSED)
        stored = row._mapping["password_hash"]
        if not verify(self.hasher, stored, password):
            self._refuse(name, row._mapping, "password", "wrong_password", REFUSED)
        if row._mapping["disabled_at"] is not None:
            self._refuse(name, row._mapping, "password", "disabled", REFUSED)
        if self.hasher.check_needs_rehash(stored):
            with self.engine.begin() as conn:
                conn.execute(web_account.update().where(web_account.c.id == row._mapping["id"])
                             .values(password_hash=self.hasher.hash(password)))
        account = account_of(row._mapping)
        if not account.mfa_enrolled:  # signed in; with a second factor, only once its code is right
            self.throttle.succeeded(name)
        return account

    def code(self, account_id: int, code: str) -> Account:
        """The account when ``code`` is its TOTP code now (one step either side) and that step was not used
        before; the step is claimed in one UPDATE, so two requests racing with one code cannot both pass."""
        with self.engine.connect() as conn:
            row = conn.execute(select(web_account).where(web_account.c.id == account_id)).first()
        if row is None or row._mapping["totp_secret"] is None or row._mapping["disabled_at"] is not None:
            raise SignInRefused("no second factor is pending for this sign-in: sign in again")
        name = row._mapping["username"]
        self._check_throttle(name, row._mapping, "code")
        seed = self.seeds.open(row._mapping["totp_secret"])
        if seed is None:  # the server's fault, not the person's: not counted against them
            self._audit(name, row._mapping, "code", "seed_unreadable")
            raise SignInRefused("your second factor cannot be checked on this server (its CRMHUB_SECRET_KEY is not "
                                "the key it was enrolled under): ask an admin to enrol it again "
                                "(`crmhub users enrol-mfa`)")
        step = totp.matching_step(seed, code, self.clock())
        if step is None:
            self._refuse(name, row._mapping, "code", "wrong_code",
                         "the code is wrong or has expired: type the code your authenticator shows now")
        with self.engine.begin() as conn:
            claimed = conn.execute(
                web_account.update()
                .where(web_account.c.id == account_id,
                       or_(web_account.c.totp_last_step.is_(None), web_account.c.totp_last_step < step))
                .values(totp_last_step=step)).rowcount
        if claimed != 1:
            self._refuse(name, row._mapping, "code", "code_used_before",
                         "that code was used already: wait for the next code and type it")
        self.throttle.succeeded(name)
        return account_of(row._mapping)

    def _check_throttle(self, name: str, row: RowMapping | None, step: str) -> None:
        try:
            self.throttle.check(name)
        except SignInThrottled:
            self._audit(name, row, step, "throttled")
            raise

    def _refuse(self, name: str, row: RowMapping | None, step: str, reason: str, message: str) -> NoReturn:
        self.throttle.failed(name)
        self._audit(name, row, step, reason)
        raise SignInRefused(message)

    def _audit(self, name: str, row: RowMapping | None, step: str, reason: str) -> None:
        """One sign_in_failed row: the username as typed (cut to fit), the step and why; never the secret sent."""
        with self.engine.begin() as conn:
            record(conn, at=self.clock(), actor=Actor(row["id"] if row else None, name), action="sign_in_failed",
                   target=name, before=None, after={"step": step, "reason": reason})
