"""Marketo's identity service: client-credentials tokens that expire (602) or are unknown (601).

Asking for a token while the current one is still valid returns the same token with its remaining lifetime, as
the real identity endpoint does.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox.common.clock import Clock
from sandbox.marketo.config import Settings
from sandbox.marketo.envelope import (
    ACCESS_TOKEN_EXPIRED,
    ACCESS_TOKEN_INVALID,
    ACCESS_TOKEN_MISSING,
    MarketoError,
)

# Marketo stopped accepting ``?access_token=`` on this date; only the Authorization header works after it.
QUERY_TOKEN_CUTOFF = datetime(2026, 7, 31, 7, tzinfo=UTC)


@dataclass
class Token:
    value: str
    client_id: str
    expires_at: float


class TokenStore:
    def __init__(self, *, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock
        self._tokens: dict[str, Token] = {}
        self._current: Token | None = None

    def issue(self) -> Token:
        now = self.clock.now().timestamp()
        if self._current is not None and self._current.expires_at > now:
            return self._current
        token = Token(f"{uuid.uuid4()}:sj", self.settings.client_id, now + self.settings.token_ttl_s)
        self._tokens[token.value] = token
        self._current = token
        return token

    def check(self, request: Request) -> None:
        value = _bearer(request)
        if value is None and self.clock.now() < QUERY_TOKEN_CUTOFF:
            value = request.query_params.get("access_token")
        if not value:
            raise MarketoError.of(ACCESS_TOKEN_MISSING)
        token = self._tokens.get(value)
        if token is None:
            raise MarketoError.of(ACCESS_TOKEN_INVALID)
        if token.expires_at <= self.clock.now().timestamp():
            raise MarketoError.of(ACCESS_TOKEN_EXPIRED)

    def expire_all(self) -> None:
        for token in self._tokens.values():
            token.expires_at = 0
        self._current = None


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def identity_endpoint(tokens: TokenStore, settings: Settings) -> Callable[[Request], Awaitable[Response]]:
    async def identity_token(request: Request) -> Response:
        params = dict(request.query_params)
        if request.method == "POST":
            form = await request.form()
            params.update({k: str(v) for k, v in form.items()})
        grant = params.get("grant_type")
        if not grant:
            return JSONResponse({"error": "invalid_request", "error_description": "Missing grant type"}, 400)
        if grant != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type",
                                 "error_description": f"Unsupported grant type: {grant}"}, 400)
        if params.get("client_id") != settings.client_id or params.get("client_secret") != settings.client_secret:
            return JSONResponse({"error": "invalid_client", "error_description": "Bad client credentials"}, 401)
        token = tokens.issue()
        remaining = max(0, math.floor(token.expires_at - tokens.clock.now().timestamp()))
        return JSONResponse({"access_token": token.value, "token_type": "bearer", "expires_in": remaining,
                             "scope": settings.api_user})

    return identity_token
