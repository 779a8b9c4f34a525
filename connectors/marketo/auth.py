"""Marketo access tokens: client credentials against the instance's identity service, renewed before they lapse
and whenever the API answers 601 (invalid) or 602 (expired)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import httpx

from connectors.errors import AuthError, TransientError
from connectors.http.redact import Redactor
from connectors.http.token_cache import TokenCache

CACHE_PURPOSE = "access_token"
EARLY_S = 5.0  # renew this long before expiry: a token used at its last second comes back as 602


class IdentityTokens:
    """With a ``cache``, a token another process fetched is used until it lapses (Marketo tokens live an hour)."""

    refreshable = True

    def __init__(self, *, connection: str, identity_url: str, client_id: str, client_secret: str,
                 http: httpx.Client, redactor: Redactor, cache: TokenCache | None = None) -> None:
        self.connection = connection
        self._url = identity_url.rstrip("/") + "/oauth/token"
        self._id, self._secret = client_id, client_secret
        self._http, self._redact = http, redactor
        self._access: str | None = None
        self._expires = 0.0
        self._lock = threading.Lock()
        self._cache, self._cache_read = cache, cache is None
        self._credentials = (self._url, client_id, client_secret)
        self.fetches = 0

    def token(self) -> str:
        with self._lock:
            if not self._cache_read:
                self._from_cache()
            if self._access is None or time.monotonic() >= self._expires - EARLY_S:
                self._fetch()
            return self._access  # type: ignore[return-value]

    def refresh(self, stale: str | None = None) -> None:
        """Renew unless another thread already replaced the token the API refused."""
        with self._lock:
            if stale is None or stale == self._access:
                self._fetch()

    def _from_cache(self) -> None:
        self._cache_read = True
        cached = self._cache.load(self.connection, CACHE_PURPOSE, self._credentials) if self._cache else None
        if cached and cached.get("access_token") and cached.get("expires_at"):
            left = (datetime.fromisoformat(cached["expires_at"]) - datetime.now(UTC)).total_seconds()
            if left > EARLY_S:
                self._access = str(cached["access_token"])
                self._redact.add(self._access)
                self._expires = time.monotonic() + left

    def _fetch(self) -> None:
        params = {"grant_type": "client_credentials", "client_id": self._id, "client_secret": self._secret}
        try:
            resp = self._http.get(self._url, params=params)
        except httpx.HTTPError as exc:
            raise TransientError(f"could not reach Marketo's identity service {self._url}: {type(exc).__name__}",
                                 connection=self.connection) from None
        if resp.status_code in (400, 401, 403):
            detail = self._redact(resp.text[:200])
            raise AuthError(f"Marketo's identity service refused the client credentials ({detail}); check "
                            f"auth.client_id and auth.client_secret (Admin > LaunchPoint > the API service)",
                            connection=self.connection, status=resp.status_code)
        if resp.status_code >= 500:
            raise TransientError(f"Marketo's identity service answered HTTP {resp.status_code}",
                                 connection=self.connection, status=resp.status_code)
        body = resp.json()
        self._access = str(body["access_token"])
        self._redact.add(self._access)
        lifetime = float(body.get("expires_in", 3599))
        self._expires = time.monotonic() + lifetime
        self.fetches += 1
        if self._cache is not None:
            expires_at = datetime.now(UTC) + timedelta(seconds=lifetime)
            self._cache.save(self.connection, CACHE_PURPOSE, self._credentials,
                             {"access_token": self._access, "expires_at": expires_at.isoformat()},
                             expires_at=expires_at)
