"""HubSpot credentials: a private-app token, or OAuth access tokens refreshed from a refresh token."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx

from connectors.errors import AuthError, TransientError
from connectors.http.token_cache import TokenCache

CACHE_PURPOSE = "oauth"
# What each refusal of HubSpot's token endpoint (HTTP 400, ``{"status": NAME, "message": ...}``) asks a person to fix.
TOKEN_REFUSALS: dict[str, str] = {
    "BAD_CLIENT_ID": "HubSpot does not know the app's client id; check auth.client_id (the app's Auth settings)",
    "BAD_CLIENT_SECRET": "HubSpot refused the app's client secret; check auth.client_secret (the app's Auth "
                         "settings; a rotated secret must be updated here too)",
    "BAD_REFRESH_TOKEN": "HubSpot refused the refresh token: it is wrong, expired or revoked (the app was "
                         "uninstalled from the account); re-authorise the app and update auth.refresh_token",
    "BAD_REDIRECT_URI": "HubSpot refused the redirect URI: it does not match the app's redirect URL; check the "
                        "app's Auth settings",
    "BAD_GRANT_TYPE": "HubSpot refused the grant type of the token request",
}


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

    With a ``cache``, the issued access token (and its expiry) outlives the process: the next process uses it
    instead of asking the token endpoint again. The refresh token is a configured credential like the client
    secret, so it is never cached; a refresh token HubSpot returns in place of it is used for the rest of the
    process, and a refusal of that one falls back once to the configured one."""

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
        if cached and cached.get("access_token"):
            self._access = str(cached["access_token"])
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
            raise TransientError(f"could not reach the OAuth token endpoint {self._url}: {type(exc).__name__}",
                                 connection=self.connection, url=self._url) from None
        if resp.status_code == 429 or resp.status_code >= 500:
            # An outage of the token endpoint says nothing about the refresh token: retry, never re-authorise.
            raise TransientError(f"the OAuth token endpoint answered HTTP {resp.status_code}",
                                 connection=self.connection, url=self._url, status=resp.status_code)
        rotated = self._refresh != self._configured_refresh
        if resp.status_code != 200 and rotated and _status(resp) == "BAD_REFRESH_TOKEN":
            # A refresh token HubSpot returned earlier in this process was refused: fall back to the configured one.
            self._refresh = self._configured_refresh
            self._fetch()
            return
        if resp.status_code != 200:
            raise AuthError(refusal(resp), connection=self.connection, url=self._url, status=resp.status_code)
        body = resp.json()
        self._access = body["access_token"]
        self._refresh = body.get("refresh_token", self._refresh)
        self._expires = self._clock() + timedelta(seconds=int(body.get("expires_in", 1800)))
        self.refreshes += 1
        if self._cache is not None:
            # Only what HubSpot issued: the credentials that obtained it are fingerprinted by the cache, never kept.
            # The entry's expiry is left to token(), which reads it on this connector's clock.
            self._cache.save(self.connection, CACHE_PURPOSE, self._credentials,
                             {"access_token": self._access, "expires_at": self._expires.isoformat()},
                             expires_at=None)


def _status(resp: httpx.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return ""
    return str(body.get("status") or "") if isinstance(body, dict) else ""


def refusal(resp: httpx.Response) -> str:
    """The token endpoint's refusal as what to fix, naming the setting; HubSpot's own name for it in brackets.

    HubSpot's message is left out: it can quote the request, and the request carries the secrets."""
    status = _status(resp)
    advice = TOKEN_REFUSALS.get(status)
    if advice is None:
        return (f"HubSpot's token endpoint refused the request ({status or f'HTTP {resp.status_code}'}); check "
                f"auth.client_id, auth.client_secret and auth.refresh_token")
    return f"{advice} ({status})"
