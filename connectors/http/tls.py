"""Telling a refused certificate from an unreachable host.

Every HTTP library crmhub uses (urllib3 under the HubSpot SDK, requests, httpx, msal) wraps the ``ssl`` module's
verification error in its own connection error, which the retry table would treat as a network error and retry
for a minute. A certificate that does not verify against the configured CA bundle fails the same way every time:
it is a setting to fix, so it must fail at once, naming ``ca_bundle`` and the host.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from connectors.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where a connector connects and which CA bundle it trusts (``None``: the system's trust store)."""

    url: str
    ca_bundle: str | None

    @property
    def host(self) -> str:
        parts = urlsplit(self.url)
        return parts.netloc or self.url


def cert_verify_failure(exc: BaseException) -> str | None:
    """The ``ssl`` verification message behind ``exc`` (searched through causes, contexts, urllib3's ``reason``
    and exception arguments), or ``None`` when the failure is not a refused certificate."""
    seen: set[int] = set()
    pending: list[object] = [exc]
    while pending:
        item = pending.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, ssl.SSLCertVerificationError):
            return str(item.verify_message or item.reason or item)
        pending += [item.__cause__, item.__context__, getattr(item, "reason", None), *item.args]
    return None


def tls_error(target: Endpoint, detail: str, *, connection: str | None) -> ConfigError:
    trusted = f"ca_bundle {target.ca_bundle}" if target.ca_bundle else "the system's CA certificates (no ca_bundle)"
    return ConfigError(f"TLS: certificate verify failed for {target.host} ({detail}); the server's certificate "
                       f"is not signed by {trusted} — set the connection's ca_bundle to the CA that signed it",
                       connection=connection, url=target.url)
