"""Signing in: the password (rehashed when the hasher's parameters changed), then the TOTP code when enrolled,
each code accepted once."""

from __future__ import annotations

from argon2 import PasswordHasher
from sqlalchemy import Engine, or_, select

from access import totp
from access.accounts import Clock, utc_now
from access.errors import SignInRefused
from access.passwords import verify
from access.records import Account, account_of
from store.tables import web_account

REFUSED = "the username or password is wrong, or the account is disabled"


class SignIn:
    def __init__(self, engine: Engine, *, hasher: PasswordHasher | None = None, clock: Clock = utc_now) -> None:
        self.engine, self.hasher, self.clock = engine, hasher or PasswordHasher(), clock
        # Verified against when the username is unknown, so both refusals cost the same time.
        self._decoy = self.hasher.hash("crmhub decoy password")

    def password(self, username: str, password: str) -> Account:
        """The account whose password this is; SignInRefused with one message for every cause."""
        with self.engine.connect() as conn:
            row = conn.execute(select(web_account).where(web_account.c.username == username.strip().lower())).first()
        if row is None:
            verify(self.hasher, self._decoy, password)
            raise SignInRefused(REFUSED)
        stored = row._mapping["password_hash"]
        if not verify(self.hasher, stored, password) or row._mapping["disabled_at"] is not None:
            raise SignInRefused(REFUSED)
        if self.hasher.check_needs_rehash(stored):
            with self.engine.begin() as conn:
                conn.execute(web_account.update().where(web_account.c.id == row._mapping["id"])
                             .values(password_hash=self.hasher.hash(password)))
        return account_of(row._mapping)

    def code(self, account_id: int, code: str) -> Account:
        """The account when ``code`` is its TOTP code now (one step either side) and that step was not used
        before; the step is claimed in one UPDATE, so two requests racing with one code cannot both pass."""
        with self.engine.connect() as conn:
            row = conn.execute(select(web_account).where(web_account.c.id == account_id)).first()
        if row is None or row._mapping["totp_secret"] is None or row._mapping["disabled_at"] is not None:
            raise SignInRefused("no second factor is pending for this sign-in: sign in again")
        step = totp.matching_step(row._mapping["totp_secret"], code, self.clock())
        if step is None:
            raise SignInRefused("the code is wrong or has expired: type the code your authenticator shows now")
        with self.engine.begin() as conn:
            claimed = conn.execute(
                web_account.update()
                .where(web_account.c.id == account_id,
                       or_(web_account.c.totp_last_step.is_(None), web_account.c.totp_last_step < step))
                .values(totp_last_step=step)).rowcount
        if claimed != 1:
            raise SignInRefused("that code was used already: wait for the next code and type it")
        return account_of(row._mapping)
