"""``/services/oauth2/token`` (password, client credentials, refresh token, JWT bearer) and ``/revoke``.

The sandbox is its own login host: ``instance_url`` is its own https URL (from the request's Host). JWT
assertions must be RS256-signed by the key whose public half is ``jwt_public_key_file``; ``aud`` may be
``https://login.salesforce.com``, ``https://test.salesforce.com`` or the sandbox's own URL.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.salesforce.guard import transport_refusal
from sandbox.salesforce.org import Org

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
LOGIN_AUDIENCES = ("https://login.salesforce.com", "https://test.salesforce.com")


class OAuthError(Exception):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error, self.description, self.status = error, description, status

    def response(self) -> JSONResponse:
        return JSONResponse({"error": self.error, "error_description": self.description}, status_code=self.status)


def load_public_key(path: str) -> Any:
    data = Path(path).read_bytes()
    if b"BEGIN CERTIFICATE" in data:
        return x509.load_pem_x509_certificate(data).public_key()
    return serialization.load_pem_public_key(data)


async def _params(request: Request) -> dict[str, str]:
    body = (await request.body()).decode("utf-8", errors="replace")
    params = {k: v[0] for k, v in parse_qs(body).items()}
    for key, value in request.query_params.items():
        params.setdefault(key, value)
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("basic "):  # client_secret_basic
        try:
            client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        except ValueError:
            client_id, secret = "", ""
        params.setdefault("client_id", client_id)
        params.setdefault("client_secret", secret)
    return params


class TokenEndpoint:
    def __init__(self, org: Org) -> None:
        self.org = org
        key_file = org.settings.jwt_public_key_file
        self.public_key = load_public_key(key_file) if key_file else None

    def _client(self, params: dict[str, str], *, secret_required: bool) -> None:
        s = self.org.settings
        if params.get("client_id") != s.client_id:
            raise OAuthError("invalid_client_id", "client identifier invalid")
        if (secret_required or "client_secret" in params) and params.get("client_secret") != s.client_secret:
            raise OAuthError("invalid_client", "invalid client credentials")

    def _user_id(self, username: str) -> str | None:
        users = self.org.catalog.get("User")
        assert users is not None
        found = self.org.writer.find_by("User", users.by_lower["username"], username)
        return found[0] if found else None

    def grant(self, params: dict[str, str], instance_url: str) -> dict[str, Any]:
        s = self.org.settings
        grant_type = params.get("grant_type", "")
        scope, refresh_token = None, None
        if grant_type == "password":
            self._client(params, secret_required=True)
            user_id = self._user_id(params.get("username", "")) if params.get("username", "").lower() == \
                s.username.lower() else None
            if user_id is None or params.get("password") != s.password + s.security_token:
                raise OAuthError("invalid_grant", "authentication failure")
        elif grant_type == "client_credentials":
            self._client(params, secret_required=True)
            user_id, scope = self.org.store.integration_user_id, "api"
        elif grant_type == "refresh_token":
            self._client(params, secret_required=False)
            refresh = self.org.sessions.refresh_grant(params.get("refresh_token", ""))
            if refresh is None or refresh.client_id != params.get("client_id"):
                raise OAuthError("invalid_grant", "expired access/refresh token")
            user_id, scope, refresh_token = refresh.user_id, "api refresh_token", params["refresh_token"]
        elif grant_type == JWT_GRANT:
            user_id, scope = self._jwt(params.get("assertion", ""), instance_url), "api"
        else:
            raise OAuthError("unsupported_grant_type", "grant type not supported")
        return self._token(user_id, params.get("client_id") or s.client_id, instance_url, scope, refresh_token)

    def _jwt(self, assertion: str, instance_url: str) -> str:
        if self.public_key is None:
            raise OAuthError("invalid_client", "no certificate is configured for the JWT bearer flow "
                             "(option jwt_public_key_file)")
        try:
            if jwt.get_unverified_header(assertion).get("alg") != "RS256":
                raise OAuthError("invalid_grant", "invalid assertion")
            claims = jwt.decode(assertion, self.public_key, algorithms=["RS256"],
                                options={"verify_exp": False, "verify_aud": False, "verify_iat": False,
                                         "verify_nbf": False, "require": ["iss", "sub", "aud", "exp"]})
        except jwt.PyJWTError as exc:
            raise OAuthError("invalid_grant", "invalid assertion") from exc
        if claims["iss"] != self.org.settings.client_id:
            raise OAuthError("invalid_client_id", "client identifier invalid")
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if not any(a.rstrip("/") in (*LOGIN_AUDIENCES, instance_url) for a in audiences):
            raise OAuthError("invalid_grant", "audience is invalid")
        if float(claims["exp"]) <= self.org.now().timestamp():  # the sandbox clock, not the machine's
            raise OAuthError("invalid_grant", "invalid assertion")
        user_id = self._user_id(str(claims["sub"]))
        if user_id is None:
            raise OAuthError("invalid_grant", "user hasn't approved this consumer")
        return user_id

    def _token(self, user_id: str, client_id: str, instance_url: str, scope: str | None,
               refresh_token: str | None = None) -> dict[str, Any]:
        session = self.org.sessions.issue(user_id=user_id, client_id=client_id, refresh_token=refresh_token)
        issued_at = str(int(session.issued_at.timestamp() * 1000))
        identity = f"{instance_url}/id/{self.org.org_id}/{user_id}"
        signature = base64.b64encode(hmac.new(self.org.settings.client_secret.encode(),
                                              (identity + issued_at).encode(), hashlib.sha256).digest()).decode()
        out: dict[str, Any] = {"access_token": session.token, "instance_url": instance_url, "id": identity,
                               "token_type": "Bearer", "issued_at": issued_at, "signature": signature}
        if scope:
            out["scope"] = scope
        return out


def routes(org: Org) -> list[Route]:
    endpoint = TokenEndpoint(org)

    async def oauth_token(request: Request) -> Response:
        if request.url.scheme != "https":
            return JSONResponse({"error": "invalid_request", "error_description": "HTTPS required"}, status_code=400)
        refused = transport_refusal(org, request)
        if refused is not None:
            return refused
        org.store.settle()
        try:
            return JSONResponse(endpoint.grant(await _params(request), f"https://{request.headers.get('host', '')}"))
        except OAuthError as exc:
            return exc.response()

    async def oauth_revoke(request: Request) -> Response:
        refused = transport_refusal(org, request)
        if refused is not None:
            return refused
        token = (await _params(request)).get("token", "")
        if not org.sessions.revoke(token):
            return JSONResponse({"error": "unsupported_token_type", "error_description": "this token type is not "
                                 "supported"}, status_code=400)
        return Response(status_code=200)

    return [Route("/services/oauth2/token", oauth_token, methods=["POST"]),
            Route("/services/oauth2/revoke", oauth_revoke, methods=["POST"])]
