"""Who is calling: a private-app token, or an OAuth access token obtained from ``POST /oauth/v1/token``.

Rate limits are counted per private-app token, and per OAuth app (client id) for OAuth tokens: refreshing a token
does not buy a fresh budget.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse

from sandbox.common.clock import Clock
from sandbox.hubspot.errors import ApiError
from sandbox.hubspot.settings import Settings
from sandbox.hubspot.timefmt import to_ms

NO_CREDENTIALS = ("Authentication credentials not found. This API supports OAuth 2.0 authentication and you can "
                  "find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview")
SCOPES = ("oauth", "crm.objects.contacts.read", "crm.objects.contacts.write", "crm.objects.companies.read",
          "crm.objects.companies.write", "crm.objects.deals.read", "crm.objects.deals.write",
          "crm.objects.owners.read", "crm.schemas.contacts.read", "crm.schemas.contacts.write", "tickets",
          "crm.objects.quotes.read", "crm.objects.goals.read", "crm.objects.feedback_submissions.read",
          "crm.schemas.custom.read", "crm.schemas.custom.write", "crm.objects.custom.read",
          "crm.objects.custom.write")


@dataclass(frozen=True, slots=True)
class Principal:
    rate_key: str


@dataclass(frozen=True, slots=True)
class IssuedToken:
    expires_ms: int
    client_id: str


class Auth:
    def __init__(self, *, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock
        self.issued: dict[str, IssuedToken] = {}
        self.refresh_revoked = False

    def authenticate(self, request: Request) -> Principal:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise ApiError(401, NO_CREDENTIALS, "INVALID_AUTHENTICATION")
        if secrets.compare_digest(token, self.settings.token):
            return Principal(rate_key=f"private-app:{token}")
        issued = self.issued.get(token)
        if issued is None:
            raise ApiError(401, NO_CREDENTIALS, "INVALID_AUTHENTICATION")
        overdue_ms = to_ms(self.clock.now()) - issued.expires_ms
        if overdue_ms >= 0:
            minutes = overdue_ms // 60_000
            raise ApiError(401, f"The OAuth token used to make this call expired {minutes} minute(s) ago.",
                           "EXPIRED_AUTHENTICATION")
        return Principal(rate_key=f"oauth-app:{issued.client_id}")

    async def token(self, request: Request) -> JSONResponse:
        """``POST /oauth/v1/token`` with a form body (grant_type=refresh_token).

        Each refusal is HubSpot's own 400 answer, checked in HubSpot's order: the grant type, the app (client id,
        then its secret), the redirect URI when one is sent (it must be the app's), then the refresh token
        (unknown, or revoked: the app was uninstalled from the account)."""
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8", "replace")).items()}
        s = self.settings
        if form.get("grant_type") != "refresh_token":
            return _oauth_error("BAD_GRANT_TYPE", "grant_type must be refresh_token (authorization codes are not "
                                                  "issued by this sandbox)")
        if form.get("client_id") != s.client_id:
            return _oauth_error("BAD_CLIENT_ID", "missing or unknown client id")
        if form.get("client_secret") != s.client_secret:
            return _oauth_error("BAD_CLIENT_SECRET", "missing or invalid client secret")
        if "redirect_uri" in form and form["redirect_uri"] != s.redirect_uri:
            return _oauth_error("BAD_REDIRECT_URI", "redirect_uri does not match the redirect URL of the app")
        if form.get("refresh_token") != s.refresh_token or self.refresh_revoked:
            return _oauth_error("BAD_REFRESH_TOKEN", "missing or invalid refresh token")
        access = "CN" + secrets.token_urlsafe(48)
        self.issued[access] = IssuedToken(to_ms(self.clock.now()) + s.access_token_ttl_s * 1000, s.client_id)
        return JSONResponse({"token_type": "bearer", "refresh_token": s.refresh_token, "access_token": access,
                             "expires_in": s.access_token_ttl_s})

    def revoke_refresh_token(self, revoked: bool) -> JSONResponse:
        """``POST /_admin/oauth/revoke``: what uninstalling the app does — the refresh token and every access token
        issued from it stop working; ``{"revoked": false}`` installs the app again."""
        self.refresh_revoked = revoked
        if revoked:
            self.issued.clear()
        return JSONResponse({"revoked": revoked})

    def token_info(self, token: str) -> JSONResponse:
        """``GET /oauth/v1/access-tokens/{token}``: what the token may do and for how long."""
        issued = self.issued.get(token)
        remaining = (issued.expires_ms - to_ms(self.clock.now())) // 1000 if issued else -1
        if issued is None or remaining <= 0:
            return _oauth_error("BAD_ACCESS_TOKEN", "missing or unknown access token", status_code=404)
        return JSONResponse({
            "token": token, "user": "sandbox-admin@crmhub-demo.example", "hub_domain": "crmhub-sandbox.example",
            "scopes": list(SCOPES), "hub_id": self.settings.portal_id, "app_id": 1_234_567,
            "expires_in": remaining, "user_id": 9_000_001, "token_type": "access",
        })


def _oauth_error(status: str, message: str, *, status_code: int = 400) -> JSONResponse:
    # The OAuth endpoints' envelope: the error's name in "status" (not "error" as on the CRM APIs), a correlationId.
    return JSONResponse({"status": status, "message": message, "correlationId": str(uuid.uuid4())},
                        status_code=status_code)
