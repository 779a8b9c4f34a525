"""The signed session cookie: the session id of a signed-in browser (its row in the store says who and whether it is
still live: access/web_sessions.py), or the account awaiting its second factor and since when, and the form token.
Signed with itsdangerous (HMAC-SHA1 keyed from CRMHUB_WEB_SECRET), so changing it breaks the signature. Signing out
ends the stored session, so a copy of the cookie taken before is refused after."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

from access import SessionRules

COOKIE = "crmhub_session"
SALT = "crmhub.web.session"


def _token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(slots=True)
class Session:
    csrf: str = field(default_factory=_token)
    session_id: str | None = None  # signed in: the id of its web_session row (the store keeps only its SHA-256)
    pending_id: int | None = None  # password accepted, TOTP code awaited
    pending_at: float | None = None  # POSIX seconds, UTC, of the password step
    # Not stored in the cookie: what this request found.
    account_id: int | None = field(default=None, metadata={"cookie": False})  # from the live web_session row
    expired: bool = field(default=False, metadata={"cookie": False})  # the session timed out

    def sign_in(self, session_id: str, account_id: int) -> None:
        """Signed in (a new form token too, so one seen before sign-in is useless after)."""
        self.csrf, self.session_id, self.account_id = _token(), session_id, account_id
        self.pending_id = self.pending_at = None

    def await_code(self, account_id: int, now: datetime) -> None:
        """The password was right; the TOTP code comes next."""
        self.clear()
        self.pending_id, self.pending_at = account_id, now.timestamp()

    def clear(self) -> None:
        """Signed out (a new form token too)."""
        self.csrf = _token()
        self.session_id = self.account_id = self.pending_id = None
        self.pending_at = None

    def pending_live(self, rules: SessionRules, now: datetime) -> bool:
        if self.pending_at is None:
            return False
        at = datetime.fromtimestamp(self.pending_at, UTC)
        return rules.is_live(signed_in_at=at, last_seen_at=at, now=now)


STORED = tuple(f.name for f in fields(Session) if f.metadata.get("cookie", True))


class SessionCodec:
    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeSerializer(secret, salt=SALT)

    def dumps(self, session: Session) -> str:
        return self._serializer.dumps({name: getattr(session, name) for name in STORED})

    def loads(self, cookie: str | None) -> Session:
        """The session in ``cookie``; a missing, forged or malformed cookie is a new, anonymous session."""
        if not cookie:
            return Session()
        try:
            data: Any = self._serializer.loads(cookie)
            return Session(**{name: data[name] for name in STORED})
        except (BadSignature, KeyError, TypeError):
            return Session()
