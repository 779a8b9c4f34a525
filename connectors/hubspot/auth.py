"""HubSpot credentials: a private-app token, or OAuth access tokens refreshed from a refresh token."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx

from connectors.errors import AuthError, TransientError
from connectors.http.token_cache import TokenCache

CACHE_PURPOSE = "oauth"


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
    """Access tokens live 30 minutes; refresh a minute early and whenever HubSpot says a token expired.

    With a ``cache``, the access token and the latest refresh token (HubSpot may rotate it) outlive the process:
    the next process starts from them instead of asking the token endpoint again."""

    refreshable = True

    def __init__(self, *, connection: str, token_url: str, client_id: str, client_secret: str, refresh_token: str,
                 verify: str | bool, clock: Callable[[], datetime], timeout: float = 30.0,
                 cache: TokenCache | None = None) -> None:
        self.connection = connection
        self._url, self._id, self._secret, self._refresh = token_url, client_id, client_secret, refresh_token
        self._configured_refresh = refresh_token
        self._verify, self._clock, self._timeout = verify, clock, timeout
        self._cache, self._cache_read = cache, cache is None
        self._credentials = (token_url, client_id, client_secret, refresh_token)
        self._access: str | None = None
        self._expires = datetime.min.replace(tzinfo=UTC)
        self._lock = threading.Lock()
        self.refreshes = 0

    def token(self) -> str:
        with self._lock:
            if not self._cache_read:
                self._from_cache()
            if self._access is None or self._clock() >= self._expires - timedelta(seconds=60):
                self._fetch()
            return self._access  # type: ignore[return-value]

    def _from_cache(self) -> None:
        self._cache_read = True
        cached = self._cache.load(self.connection, CACHE_PURPOSE, self._credentials) if self._cache else None
        if cached:
            self._refresh = str(cached.get("refresh_token") or self._refresh)
            self._access = cached.get("access_token")
            self._expires = datetime.fromisoformat(cached["expires_at"]) if cached.get("expires_at") else self._expires

    def refresh(self) -> None:
        with self._lock:
            self._fetch()

    def _fetch(self) -> None:
        form = {"grant_type": "refresh_token", "client_id": self._id, "client_secret": self._secret,
                "refresh_token": self._refresh}
        try:
            resp = httpx.post(self._url, data=form, verify=self._verify, timeout=self._timeout)
        except httpx.HTTPError as exc:
            raise TransientError(f"could not reach the OAuth token endpoint: {type(exc).__name__}",
                                 connection=self.connection, url=self._url) from None
        if resp.status_code == 429 or resp.status_code >= 500:
            # An outage of the token endpoint says nothing about the refresh token: retry, never re-authorise.
            raise TransientError(f"the OAuth token endpoint answered HTTP {resp.status_code}",
                                 connection=self.connection, url=self._url, status=resp.status_code)
        if resp.status_code != 200 and self._refresh != self._configured_refresh:
            # A cached (rotated) refresh token was refused: fall back to the configured one once.
            self._refresh = self._configured_refresh
            if self._cache is not None:
                self._cache.drop(self.connection, CACHE_PURPOSE)
            self._fetch()
            return
        if resp.status_code != 200:
            raise AuthError("the OAuth refresh token was refused; re-authorise the app and update "
                            "auth.refresh_token", connection=self.connection, url=self._url, status=resp.status_code)
        body = resp.json()
        self._access = body["access_token"]
        self._refresh = body.get("refresh_token", self._refresh)
        self._expires = self._clock() + timedelta(seconds=int(body.get("expires_in", 1800)))
        self.refreshes += 1
        if self._cache is not None:
            # No expiry on the entry: the refresh token outlives the access token; token() checks the latter.
            self._cache.save(self.connection, CACHE_PURPOSE, self._credentials,
                             {"access_token": self._access, "refresh_token": self._refresh,
                              "expires_at": self._expires.isoformat()}, expires_at=None)
