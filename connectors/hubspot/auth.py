"""HubSpot credentials: a private-app token, or OAuth access tokens refreshed from a refresh token."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx

from connectors.errors import AuthError


class StaticToken:
    """A private-app token cannot be refreshed: a 401 means it is wrong or revoked."""

    refreshable = False

    def __init__(self, token: str) -> None:
        self._token = token

    def token(self) -> str:
        return self._token

    def refresh(self) -> None:
        raise AuthError("a private-app token cannot be refreshed")


class OAuthRefresh:
    """Access tokens live 30 minutes; refresh a minute early and whenever HubSpot says a token expired."""

    refreshable = True

    def __init__(self, *, connection: str, token_url: str, client_id: str, client_secret: str, refresh_token: str,
                 verify: str | bool, clock: Callable[[], datetime], timeout: float = 30.0) -> None:
        self.connection = connection
        self._url, self._id, self._secret, self._refresh = token_url, client_id, client_secret, refresh_token
        self._verify, self._clock, self._timeout = verify, clock, timeout
        self._access: str | None = None
        self._expires = datetime.min.replace(tzinfo=UTC)
        self._lock = threading.Lock()
        self.refreshes = 0

    def token(self) -> str:
        with self._lock:
            if self._access is None or self._clock() >= self._expires - timedelta(seconds=60):
                self._fetch()
            return self._access  # type: ignore[return-value]

    def refresh(self) -> None:
        with self._lock:
            self._fetch()

    def _fetch(self) -> None:
        form = {"grant_type": "refresh_token", "client_id": self._id, "client_secret": self._secret,
                "refresh_token": self._refresh}
        try:
            resp = httpx.post(self._url, data=form, verify=self._verify, timeout=self._timeout)
        except httpx.HTTPError as exc:
            raise AuthError(f"could not reach the OAuth token endpoint: {type(exc).__name__}",
                            connection=self.connection, url=self._url) from None
        if resp.status_code != 200:
            raise AuthError("the OAuth refresh token was refused; re-authorise the app and update "
                            "auth.refresh_token", connection=self.connection, url=self._url, status=resp.status_code)
        body = resp.json()
        self._access = body["access_token"]
        self._refresh = body.get("refresh_token", self._refresh)
        self._expires = self._clock() + timedelta(seconds=int(body.get("expires_in", 1800)))
        self.refreshes += 1
