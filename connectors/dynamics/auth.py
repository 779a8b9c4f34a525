"""Entra ID client credentials through msal: tokens cached by msal and renewed before they expire.

msal talks through ``requests``; this machine (like many CI hosts) exports ``REQUESTS_CA_BUNDLE``, which would override
a ``verify`` given to msal. So msal gets its own session with ``trust_env = False`` and the connection's CA bundle.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import msal
import requests

from connectors.errors import AuthError, TransientError
from connectors.http.redact import Redactor
from connectors.http.token_cache import TokenCache

CACHE_PURPOSE = "msal_cache"
ENTRA_HOSTS = ("login.microsoftonline.com", "login.microsoftonline.us", "login.chinacloudapi.cn")


class MsalTokens:
    """With a ``cache``, msal's own token cache (serialised) is kept between processes, so a new process uses the
    access token an earlier one got until msal judges it due for renewal."""

    refreshable = True

    def __init__(self, *, connection: str, authority_url: str, tenant_id: str, client_id: str, client_secret: str,
                 scope: str, verify: str | bool, redactor: Redactor, timeout: float = 30.0,
                 cache: TokenCache | None = None) -> None:
        self.connection = connection
        self._scope, self._redact = scope, redactor
        self._session = requests.Session()
        self._session.trust_env = False
        self._session.verify = verify
        self._authority = f"{authority_url.rstrip('/')}/{tenant_id}"
        # Instance discovery asks login.microsoftonline.com whether the authority is known: only for Entra itself,
        # never for an overridden authority (a sovereign proxy, the sandbox).
        discover = any(host in authority_url for host in ENTRA_HOSTS)
        self._app: Any = None
        self._args: dict[str, Any] = {"client_credential": client_secret, "authority": self._authority,
                                      "http_client": self._session, "instance_discovery": discover,
                                      "timeout": timeout}
        self._client_id = client_id
        self._cache = cache
        self._credentials = (self._authority, client_id, client_secret, scope)
        self._msal_cache = msal.SerializableTokenCache()
        self._args["token_cache"] = self._msal_cache
        self._lock = threading.Lock()
        self.fetched = 0

    def token(self) -> str:
        with self._lock:
            return self._acquire()

    def refresh(self) -> None:
        """The API refused the token (revoked, clock skew): drop msal's cached one so the next is new."""
        with self._lock:
            if self._app is not None:
                cache = self._app.token_cache
                for item in list(cache.search(msal.TokenCache.CredentialType.ACCESS_TOKEN)):
                    cache.remove_at(item)
            self._acquire()

    def close(self) -> None:
        self._session.close()

    def _acquire(self) -> str:
        try:
            if self._app is None:  # built on first use: building a connector makes no request
                self._load_cache()
                self._app = msal.ConfidentialClientApplication(self._client_id, **self._args)
            result = self._app.acquire_token_for_client(scopes=[self._scope])
        except requests.RequestException as exc:
            raise TransientError(f"could not reach the Entra ID token endpoint {self._authority}: {type(exc).__name__}",
                                 connection=self.connection, url=self._authority) from None
        except msal.exceptions.MsalServiceError as exc:
            # msal raises this for an HTTP error status of the authority's metadata or token endpoint
            # ("HTTP Error: 503"); a 429 or 5xx is an outage to wait out, anything else a refused setting.
            status = _status_of(str(exc))
            if status == 429 or status >= 500:
                # msal would answer our retry from its throttle cache for seconds; our retry table already backs
                # off (honouring Retry-After), so the next attempt gets a fresh client that really asks again.
                self._app = None
                raise TransientError(f"the Entra ID endpoint answered HTTP {status}", connection=self.connection,
                                     url=self._authority, status=status) from None
            raise AuthError(self._redact(f"Entra ID refused the request ({exc}); check auth.tenant_id and "
                                         f"auth.authority_url")[:400], connection=self.connection) from None
        except ValueError as exc:  # msal refuses an authority it cannot validate
            raise AuthError(self._redact(f"the authority {self._authority} was refused: {exc}")[:400],
                            connection=self.connection) from None
        if "access_token" not in result:
            code = result.get("error", "error")
            text = str(result.get("error_description", "")).splitlines()[0] if result.get("error_description") else ""
            raise AuthError(self._redact(f"Entra ID refused the client credentials ({code}: {text}); check "
                                         f"auth.tenant_id, auth.client_id and auth.client_secret")[:500],
                            connection=self.connection, url=self._authority)
        if result.get("token_source") == "identity_provider":
            self.fetched += 1
        self._redact.add(str(result["access_token"]))
        self._save_cache(int(result.get("expires_in") or 0))
        return str(result["access_token"])

    def _load_cache(self) -> None:
        cached = self._cache.load(self.connection, CACHE_PURPOSE, self._credentials) if self._cache else None
        if cached and cached.get("msal"):
            self._msal_cache.deserialize(cached["msal"])

    def _save_cache(self, expires_in: int) -> None:
        if self._cache is None or not self._msal_cache.has_state_changed:
            return
        expires_at = datetime.now(UTC) + timedelta(seconds=expires_in) if expires_in > 0 else None
        self._cache.save(self.connection, CACHE_PURPOSE, self._credentials, {"msal": self._msal_cache.serialize()},
                         expires_at=expires_at)
        self._msal_cache.has_state_changed = False


def _status_of(message: str) -> int:
    """The status in msal's ``HTTP Error: 503``; 0 when the message carries none."""
    tail = message.rsplit(":", 1)[-1].strip()
    return int(tail) if tail.isdigit() else 0
