"""The headers every response carries: a self-only Content-Security-Policy (the vendored scripts, no inline script,
no CDN), no framing, no MIME sniffing, no referrer beyond the origin; HSTS only over https (over plain http a
browser ignores it, and sending it from a loopback test server would pin a developer's localhost)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from starlette.datastructures import MutableHeaders

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
HEADERS: Mapping[str, str] = MappingProxyType({
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
})
HSTS = "max-age=31536000; includeSubDomains"


def apply(headers: MutableHeaders, *, https: bool) -> None:
    for name, value in HEADERS.items():
        headers[name] = value
    if https:
        headers["Strict-Transport-Security"] = HSTS
    headers.setdefault("Cache-Control", "no-store")  # pages and API answers carry one user's data
