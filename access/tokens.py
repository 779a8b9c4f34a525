"""API tokens: a random secret shown once at creation; only its SHA-256 is stored. Revocable; each use is dated."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, RowMapping, select

from access.accounts import Accounts, Clock, utc_now
from access.audit import Actor, record
from access.errors import AccountError, TokenRefused
from access.records import Account, account_of
from store.tables import api_token, web_account

PREFIX = "crmhub_"  # so a leaked token is recognisable by secret scanners


@dataclass(frozen=True, slots=True)
class ApiToken:
    id: int
    username: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    def public(self) -> dict[str, object]:
        return {"id": self.id, "username": self.username, "name": self.name,
                "created_at": self.created_at.isoformat(),
                "last_used_at": self.last_used_at.isoformat() if self.last_used_at else None,
                "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None}


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Tokens:
    def __init__(self, engine: Engine, *, clock: Clock = utc_now) -> None:
        self.engine, self.clock = engine, clock

    def create(self, username: str, name: str, *, actor: Actor) -> tuple[ApiToken, str]:
        """The token's record and its secret: the only time the secret exists outside the caller's hands."""
        owner = Accounts(self.engine, clock=self.clock).get(username)
        if not owner.active:
            raise AccountError(f"account {owner.username!r} is disabled: it cannot get a token")
        label = name.strip()
        if not 0 < len(label) <= 100:
            raise AccountError(f"token name {name!r}: 1 to 100 characters, saying what uses the token")
        secret = PREFIX + secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            token_id = conn.execute(api_token.insert().values(
                account_id=owner.id, name=label, token_sha256=digest(secret), created_at=self.clock())
            ).inserted_primary_key
            token = self._one(token_id[0] if token_id else -1, conn)
            record(conn, at=self.clock(), actor=actor, action="token.create", target=owner.username, before=None,
                   after=token.public())
        return token, secret

    def list(self, username: str | None = None) -> list[ApiToken]:
        query = (select(api_token, web_account.c.username).join(web_account, web_account.c.id == api_token.c.account_id)
                 .order_by(api_token.c.id))
        if username is not None:
            query = query.where(web_account.c.username == username.strip().lower())
        with self.engine.connect() as conn:
            return [_token(r._mapping) for r in conn.execute(query)]

    def revoke(self, token_id: int, *, actor: Actor) -> ApiToken:
        before = self._one(token_id)
        if before.revoked_at is not None:
            return before
        with self.engine.begin() as conn:
            conn.execute(api_token.update().where(api_token.c.id == token_id).values(revoked_at=self.clock()))
            after = self._one(token_id, conn)
            record(conn, at=self.clock(), actor=actor, action="token.revoke", target=before.username,
                   before=before.public(), after=after.public())
        return after

    def authenticate(self, secret: str) -> Account:
        """The account a bearer token belongs to; TokenRefused when unknown, revoked or its account disabled."""
        query = (select(web_account, api_token.c.id.label("token_id"), api_token.c.revoked_at)
                 .join(api_token, api_token.c.account_id == web_account.c.id)
                 .where(api_token.c.token_sha256 == digest(secret.strip())))
        with self.engine.begin() as conn:
            row = conn.execute(query).first()
            if row is None or row._mapping["revoked_at"] is not None or row._mapping["disabled_at"] is not None:
                raise TokenRefused("the API token is unknown, revoked, or its account is disabled: ask an admin "
                                   "for a new one (`crmhub tokens create`)")
            conn.execute(api_token.update().where(api_token.c.id == row._mapping["token_id"])
                         .values(last_used_at=self.clock()))
        return account_of(row._mapping)

    def _one(self, token_id: int, conn: Connection | None = None) -> ApiToken:
        query = (select(api_token, web_account.c.username)
                 .join(web_account, web_account.c.id == api_token.c.account_id).where(api_token.c.id == token_id))
        if conn is None:
            with self.engine.connect() as own:
                row = own.execute(query).first()
        else:
            row = conn.execute(query).first()
        if row is None:
            raise AccountError(f"no API token {token_id}: `crmhub tokens list` shows the tokens")
        return _token(row._mapping)


def _token(row: RowMapping) -> ApiToken:
    return ApiToken(id=row["id"], username=row["username"], name=row["name"], created_at=row["created_at"],
                    last_used_at=row["last_used_at"], revoked_at=row["revoked_at"])
