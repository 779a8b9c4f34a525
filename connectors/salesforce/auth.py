"""Salesforce OAuth: the four flows of a connected app, each a form posted to ``{login_url}/services/oauth2/token``.

Access tokens have no fixed life (a session times out after a period without use), so a token is fetched on the
first call and again whenever Salesforce answers 401 INVALID_SESSION_ID. With a token cache, the first login of a
process reuses the session an earlier process cached (a timed-out one costs one 401 and a fresh login); every later
login of the process is a real one, since it follows a refused session.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import jwt
import requests

from connectors.errors import AuthError, TransientError
from connectors.http.redact import Redactor
from connectors.http.token_cache import TokenCache

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
CACHE_PURPOSE = "session"


@dataclass(frozen=True, slots=True)
class Session:
    access_token: str
    instance_url: str


def password_form(client_id: str, client_secret: str, username: str, password: str,
                  security_token: str) -> Callable[[], dict[str, str]]:
    # Outside a trusted IP range Salesforce wants the user's security token appended to the password.
    return lambda: {"grant_type": "password", "client_id": client_id, "client_secret": client_secret,
                    "username": username, "password": password + security_token}


def client_credentials_form(client_id: str, client_secret: str) -> Callable[[], dict[str, str]]:
    return lambda: {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret}


def refresh_token_form(client_id: str, client_secret: str, refresh_token: str) -> Callable[[], dict[str, str]]:
    return lambda: {"grant_type": "refresh_token", "client_id": client_id, "client_secret": client_secret,
                    "refresh_token": refresh_token}


def jwt_form(client_id: str, username: str, private_key: str, audience: str,
             clock: Callable[[], float] = time.time) -> Callable[[], dict[str, str]]:
    """A fresh assertion per login: Salesforce refuses one whose ``exp`` has passed (three minutes at most)."""
    def form() -> dict[str, str]:
        claims = {"iss": client_id, "sub": username, "aud": audience, "exp": int(clock()) + 180}
        return {"grant_type": JWT_GRANT, "assertion": jwt.encode(claims, private_key, algorithm="RS256")}

    return form


def jwt_audience(login_url: str) -> str:
    """``aud`` names Salesforce's authorization server, not the host posted to: login.salesforce.com for
    production (My Domain included), test.salesforce.com for sandbox orgs; any other host (a proxy, the
    crmhub sandbox) is its own audience."""
    parts = urlsplit(login_url)
    host = (parts.hostname or "").lower()
    if host == "test.salesforce.com" or host.endswith(".sandbox.my.salesforce.com"):
        return "https://test.salesforce.com"
    if host.endswith("salesforce.com"):
        return "https://login.salesforce.com"
    return f"{parts.scheme}://{parts.netloc}"


class OAuthLogin:
    def __init__(self, *, connection: str, login_url: str, form: Callable[[], dict[str, str]],
                 http: requests.Session, redactor: Redactor, instance_url: str | None, timeout: float,
                 cache: TokenCache | None = None, credentials: Sequence[str] = ()) -> None:
        self.connection = connection
        self.token_url = f"{login_url.rstrip('/')}/services/oauth2/token"
        self._form, self._http, self._redact = form, http, redactor
        self._instance_override = instance_url.rstrip("/") if instance_url else None
        self._timeout = timeout
        self._cache, self._credentials = cache, (self.token_url, *credentials)
        self._cache_tried = cache is None
        self.logins = 0

    def login(self) -> Session:
        if not self._cache_tried:
            self._cache_tried = True
            cached = self._cache.load(self.connection, CACHE_PURPOSE, self._credentials) if self._cache else None
            if cached and cached.get("access_token") and cached.get("instance_url"):
                self._redact.add(cached["access_token"])
                return Session(cached["access_token"], self._instance_override or cached["instance_url"])
        self._cache_tried = True
        session = self._post()
        if self._cache is not None:
            self._cache.save(self.connection, CACHE_PURPOSE, self._credentials,
                             {"access_token": session.access_token, "instance_url": session.instance_url},
                             expires_at=None)
        return session

    def _post(self) -> Session:
        try:
            resp = self._http.post(self.token_url, data=self._form(), timeout=self._timeout)
        except requests.RequestException as exc:
            raise TransientError(
                f"could not reach the Salesforce token endpoint {self.token_url}: {type(exc).__name__}",
                connection=self.connection, url=self.token_url) from None
        if resp.status_code >= 500:
            raise TransientError(f"the token endpoint answered {resp.status_code}", connection=self.connection,
                                 url=self.token_url, status=resp.status_code)
        try:
            body = resp.json()
        except ValueError:
            body = {}
        if resp.status_code != 200 or "access_token" not in body:
            reason = f"{body.get('error', 'refused')}: {body.get('error_description', resp.reason)}"
            raise AuthError(self._redact(f"Salesforce refused the credentials ({reason}); check the connection's "
                                         f"auth settings and the connected app")[:500],
                            connection=self.connection, url=self.token_url, status=resp.status_code)
        self._redact.add(body["access_token"])
        self.logins += 1
        # A proxy or a My Domain override wins over what the token endpoint says.
        return Session(body["access_token"], self._instance_override or str(body["instance_url"]).rstrip("/"))
