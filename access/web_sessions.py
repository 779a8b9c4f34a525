"""Signed-in browser sessions kept in the store, so signing out ends a session for every copy of its cookie.

The cookie carries a random session id; the store keeps only its SHA-256 (a copy of the table signs nobody in).
Each request looks the row up: ended, idle or past its absolute limit (access.SessionRules) is refused, else its
last_seen_at moves to now. Disabling an account ends its sessions (``end_all``, in the disabling transaction).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, select

from access.audit import Actor, record
from access.records import Account
from access.sessions import SessionRules
from store.tables import web_session

Clock = Callable[[], datetime]  # as access.accounts.Clock, which imports this module (Accounts.disable ends sessions)


def utc_now() -> datetime:
    return datetime.now(UTC)


def digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Found:
    """What a request's session id comes to: the account signed in, or None and whether it timed out (the page
    then says so) rather than was ended or never existed."""

    account_id: int | None
    timed_out: bool = False


class WebSessions:
    def __init__(self, engine: Engine, *, rules: SessionRules | None = None, clock: Clock = utc_now) -> None:
        self.engine, self.rules, self.clock = engine, rules or SessionRules(), clock

    def start(self, account: Account) -> str:
        """A new session for an account that just signed in (audited as sign_in); returns its id, for the cookie
        only."""
        session_id, now = secrets.token_urlsafe(32), self.clock()
        with self.engine.begin() as conn:
            conn.execute(web_session.insert().values(id_sha256=digest(session_id), account_id=account.id,
                                                     created_at=now, last_seen_at=now))
            record(conn, at=now, actor=Actor(account.id, account.username), action="sign_in",
                   target=account.username, before=None, after={"mfa": account.mfa_enrolled})
        return session_id

    def check(self, session_id: str) -> Found:
        """The session's account when it is live (its last_seen_at is now then); a timed-out one is ended here."""
        now, key = self.clock(), digest(session_id)
        with self.engine.begin() as conn:
            row = conn.execute(select(web_session).where(web_session.c.id_sha256 == key)).first()
            if row is None or row.ended_at is not None:
                return Found(None)
            if not self.rules.is_live(signed_in_at=row.created_at, last_seen_at=row.last_seen_at, now=now):
                conn.execute(web_session.update().where(web_session.c.id_sha256 == key).values(ended_at=now))
                return Found(None, timed_out=True)
            conn.execute(web_session.update().where(web_session.c.id_sha256 == key, web_session.c.ended_at.is_(None))
                         .values(last_seen_at=now))
        return Found(row.account_id)

    def end(self, session_id: str, *, actor: Actor) -> None:
        """Signed out: the session is refused from now on, whoever holds a copy of the cookie. Audited."""
        now = self.clock()
        with self.engine.begin() as conn:
            ended = conn.execute(web_session.update().where(web_session.c.id_sha256 == digest(session_id),
                                                            web_session.c.ended_at.is_(None))
                                 .values(ended_at=now)).rowcount
            if ended:
                record(conn, at=now, actor=actor, action="sign_out", target=actor.name, before=None, after=None)


def end_all(conn: Connection, account_id: int, *, now: datetime) -> int:
    """Ends every live session of an account (it was disabled); how many were live."""
    return int(conn.execute(web_session.update().where(web_session.c.account_id == account_id,
                                                       web_session.c.ended_at.is_(None))
                            .values(ended_at=now)).rowcount)
