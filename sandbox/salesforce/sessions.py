"""Access tokens (sessions) and refresh tokens. Sessions time out after ``session_ttl_s`` without use."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass
class Session:
    token: str
    user_id: str
    client_id: str
    issued_at: datetime
    last_used: datetime
    refresh_token: str | None = None  # the refresh token it was obtained with, if any


@dataclass(frozen=True, slots=True)
class RefreshGrant:
    user_id: str
    client_id: str


class Sessions:
    def __init__(self, *, org_id: str, ttl_s: float, now: Callable[[], datetime]) -> None:
        self.org_id = org_id
        self.ttl = timedelta(seconds=ttl_s)
        self.now = now
        self._sessions: dict[str, Session] = {}
        self._refresh: dict[str, RefreshGrant] = {}

    def issue(self, *, user_id: str, client_id: str, refresh_token: str | None = None) -> Session:
        # Salesforce access tokens are the org id, "!", then an opaque part.
        token = f"{self.org_id[:15]}!{secrets.token_urlsafe(72)}"
        now = self.now()
        session = Session(token, user_id, client_id, now, now, refresh_token)
        self._sessions[token] = session
        return session

    def check(self, token: str) -> Session | None:
        session = self._sessions.get(token)
        if session is None:
            return None
        now = self.now()
        if now - session.last_used > self.ttl:
            del self._sessions[token]
            return None
        session.last_used = now
        return session

    def revoke(self, token: str) -> bool:
        if self._refresh.pop(token, None) is not None:  # revoking a refresh token ends the sessions it issued
            for key in [k for k, s in self._sessions.items() if s.refresh_token == token]:
                del self._sessions[key]
            return True
        return self._sessions.pop(token, None) is not None

    def mint_refresh_token(self, *, user_id: str, client_id: str) -> str:
        token = f"5Aep861{secrets.token_urlsafe(64)}"
        self._refresh[token] = RefreshGrant(user_id, client_id)
        return token

    def refresh_grant(self, token: str) -> RefreshGrant | None:
        return self._refresh.get(token)
