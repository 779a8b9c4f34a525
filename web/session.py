"""The signed session cookie: who is signed in (or waits for their second factor), since when, last seen, and the
form token. Signed with itsdangerous (HMAC-SHA1 keyed from CRMHUB_WEB_SECRET); it holds no secret, only ids and
times, so reading it gives nothing away, and changing it breaks the signature. Idle and absolute limits are
access.SessionRules; a disabled account's session dies at its next request (web/auth.py asks the store)."""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field
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
    account_id: int | None = None  # signed in
    pending_id: int | None = None  # password accepted, TOTP code awaited
    signed_in_at: float | None = None  # POSIX seconds, UTC (of the password step while pending)
    last_seen_at: float | None = None
    expired: bool = False  # not stored: this request found the session timed out

    def start(self, *, account_id: int | None, pending_id: int | None, now: datetime) -> None:
        """A new session (new form token too) for a sign-in step."""
        self.csrf = _token()
        self.account_id, self.pending_id = account_id, pending_id
        self.signed_in_at = self.last_seen_at = now.timestamp()

    def clear(self) -> None:
        """Signed out (a new form token too)."""
        self.csrf = _token()
        self.account_id = self.pending_id = None
        self.signed_in_at = self.last_seen_at = None

    def is_live(self, rules: SessionRules, now: datetime) -> bool:
        if self.signed_in_at is None or self.last_seen_at is None:
            return False
        return rules.is_live(signed_in_at=datetime.fromtimestamp(self.signed_in_at, UTC),
                             last_seen_at=datetime.fromtimestamp(self.last_seen_at, UTC), now=now)


class SessionCodec:
    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeSerializer(secret, salt=SALT)

    def dumps(self, session: Session) -> str:
        data = asdict(session)
        data.pop("expired")
        return self._serializer.dumps(data)

    def loads(self, cookie: str | None) -> Session:
        """The session in ``cookie``; a missing, forged or malformed cookie is a new, anonymous session."""
        if not cookie:
            return Session()
        try:
            data: Any = self._serializer.loads(cookie)
            return Session(**{k: data[k] for k in ("csrf", "account_id", "pending_id", "signed_in_at",
                                                   "last_seen_at")})
        except (BadSignature, KeyError, TypeError):
            return Session()
