"""Microsoft Entra ID on the sandbox host: client-credentials tokens, the discovery documents msal reads, and
bearer checks for the Web API.

``msal.ConfidentialClientApplication(client_id, client_credential=secret, authority=f"{url}/{tenant}")`` fetches
``/{tenant}/v2.0/.well-known/openid-configuration`` and then posts to the token endpoint it names. msal validates
authorities against ``login.microsoftonline.com/common/discovery/instance`` unless told otherwise; this host serves
that document too, so ``instance_discovery=f"{url}/common/discovery/instance"`` works offline (or pass
``instance_discovery=False``). Tokens are JWTs whose expiry follows the harness clock; an expired or foreign token
gets the Web API's bare 401 with a ``WWW-Authenticate: Bearer`` challenge.
"""

from __future__ import annotations

import base64
import secrets
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt

from sandbox.dynamics.config import Settings

GENERIC_TENANTS = ("common", "organizations", "consumers")


class EntraError(Exception):
    def __init__(self, status: int, error: str, code: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.code = code
        self.description = description

    def body(self, now: datetime) -> dict[str, Any]:
        trace, correlation = str(uuid.uuid4()), str(uuid.uuid4())
        stamp = now.strftime("%Y-%m-%d %H:%M:%SZ")
        return {
            "error": self.error,
            "error_description": f"AADSTS{self.code}: {self.description} Trace ID: {trace} Correlation ID: "
                                 f"{correlation} Timestamp: {stamp}",
            "error_codes": [self.code], "timestamp": stamp, "trace_id": trace, "correlation_id": correlation,
            "error_uri": f"https://login.microsoftonline.com/error?code={self.code}",
        }


class Unauthorized(Exception):
    """A Web API request without a usable bearer token: 401 with a challenge, no body."""

    def __init__(self, description: str | None) -> None:
        super().__init__(description or "no token")
        self.description = description


class EntraId:
    def __init__(self, *, settings: Settings, now: Callable[[], datetime], app_user: str) -> None:
        self.settings = settings
        self.now = now
        self.app_user = app_user
        self._key = secrets.token_bytes(32)
        self.issued = 0

    # ---- token endpoint -------------------------------------------------------------------------------------
    def token(self, tenant: str, body: bytes, authorization: str | None, base: str) -> dict[str, Any]:
        s = self.settings
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        if tenant.lower() in GENERIC_TENANTS:
            raise EntraError(400, "invalid_request", 50059, "No tenant-identifying information found in either the "
                             "request or implied by any provided credentials.")
        if tenant.lower() != s.tenant_id:
            raise self.unknown_tenant(tenant)
        grant = form.get("grant_type")
        if not grant:
            raise _missing("grant_type")
        if grant != "client_credentials":
            raise EntraError(400, "unsupported_grant_type", 70003,
                             f"The app requested an unsupported grant type '{grant}'.")
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if authorization and authorization.lower().startswith("basic "):
            decoded = base64.b64decode(authorization[6:]).decode()
            client_id, _, secret = decoded.partition(":")
        if not client_id:
            raise _missing("client_id")
        if client_id != s.client_id:
            raise EntraError(400, "unauthorized_client", 700016,
                             f"Application with identifier '{client_id}' was not found in the directory "
                             f"'{tenant}'. This can happen if the application has not been installed by the "
                             "administrator of the tenant or consented to by any user in the tenant. You may have "
                             "sent your authentication request to the wrong tenant.")
        if not secret:
            raise EntraError(401, "invalid_client", 7000216, "'client_assertion', 'client_secret' or 'request' is "
                             "required for the 'client_credentials' grant type.")
        if not secrets.compare_digest(secret, s.client_secret):
            raise EntraError(401, "invalid_client", 7000215,
                             "Invalid client secret provided. Ensure the secret being sent in the request is the "
                             f"client secret value, not the client secret ID, for a secret added to app "
                             f"'{client_id}'.")
        resource = self._resource(form.get("scope"), base, tenant)
        issued = self.now()
        ttl = s.token_ttl_s
        claims = {
            "aud": resource, "iss": f"https://sts.windows.net/{s.tenant_id}/", "iat": int(issued.timestamp()),
            "nbf": int(issued.timestamp()), "exp": int(issued.timestamp()) + ttl, "appid": client_id,
            "appidacr": "1", "idtyp": "app", "oid": str(uuid.uuid5(uuid.NAMESPACE_URL, client_id)), "tid": s.tenant_id,
            "ver": "1.0", "uti": secrets.token_urlsafe(16),
        }
        self.issued += 1
        return {"token_type": "Bearer", "expires_in": ttl, "ext_expires_in": ttl,
                "access_token": jwt.encode(claims, self._key, algorithm="HS256")}

    def _resource(self, scope: str | None, base: str, tenant: str) -> str:
        if not scope:
            raise _missing("scope")
        scopes = scope.split()
        if len(scopes) != 1 or not scopes[0].endswith("/.default"):
            raise EntraError(400, "invalid_scope", 1002012,
                             f"The provided value for scope {scope} is not valid. Client credential flows must have "
                             "a scope value with /.default suffixed to the resource identifier (application ID URI).")
        resource = scopes[0][: -len("/.default")].rstrip("/")
        if urlsplit(resource).netloc.lower() != urlsplit(base).netloc.lower():
            raise EntraError(400, "invalid_resource", 500011,
                             f"The resource principal named {resource} was not found in the tenant named {tenant}. "
                             "This can happen if the application has not been installed by the administrator of the "
                             "tenant or consented to by any user in the tenant. You might have sent your "
                             "authentication request to the wrong tenant.")
        return resource

    def unknown_tenant(self, tenant: str) -> EntraError:
        return EntraError(400, "invalid_request", 90002,
                          f"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are "
                          "signing into the correct cloud. Check with your subscription administrator, this may "
                          "happen if there are no active subscriptions for the tenant.")

    # ---- discovery --------------------------------------------------------------------------------------------
    def openid_configuration(self, tenant: str, base: str) -> dict[str, Any]:
        if tenant.lower() not in (*GENERIC_TENANTS, self.settings.tenant_id):
            error = self.unknown_tenant(tenant)
            raise EntraError(400, "invalid_tenant", error.code, error.description)
        issuer_tenant = "{tenantid}" if tenant.lower() in GENERIC_TENANTS else self.settings.tenant_id
        root = f"{base}/{tenant}"
        return {
            "token_endpoint": f"{root}/oauth2/v2.0/token",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "jwks_uri": f"{root}/discovery/v2.0/keys", "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"], "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": f"{base}/{issuer_tenant}/v2.0", "request_uri_parameter_supported": False,
            "userinfo_endpoint": "https://graph.microsoft.com/oidc/userinfo",
            "authorization_endpoint": f"{root}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{root}/oauth2/v2.0/devicecode", "http_logout_supported": True,
            "frontchannel_logout_supported": True, "end_session_endpoint": f"{root}/oauth2/v2.0/logout",
            "claims_supported": ["sub", "iss", "cloud_instance_name", "cloud_instance_host_name",
                                 "cloud_graph_host_name", "msgraph_host", "aud", "exp", "iat", "auth_time", "acr",
                                 "nonce", "tid", "ver"],
            "tenant_region_scope": "EU", "cloud_instance_name": "microsoftonline.com",
            "cloud_graph_host_name": "graph.windows.net", "msgraph_host": "graph.microsoft.com",
            "rbac_url": "https://pas.windows.net",
        }

    def instance_discovery(self, authorization_endpoint: str | None, base: str) -> dict[str, Any]:
        if not authorization_endpoint:
            raise _missing("authorization_endpoint")
        parts = urlsplit(authorization_endpoint)
        ours = urlsplit(base)
        # msal drops the port when it builds this URL, so the instance is known by its host name
        if parts.hostname is None or parts.hostname.lower() != (ours.hostname or "").lower():
            raise EntraError(400, "invalid_instance", 50049, "Unknown or invalid instance.")
        tenant = (parts.path.strip("/").split("/") or ["common"])[0] or "common"
        return {
            "tenant_discovery_endpoint": f"{base}/{tenant}/v2.0/.well-known/openid-configuration",
            "api-version": "1.1",
            "metadata": [{"preferred_network": ours.netloc, "preferred_cache": ours.netloc,
                          "aliases": [ours.netloc]}],
        }

    # ---- bearer check -------------------------------------------------------------------------------------
    def authenticate(self, authorization: str | None, base: str) -> str:
        """The calling user's systemuserid, or Unauthorized."""
        if not authorization or not authorization.lower().startswith("bearer "):
            raise Unauthorized(None)
        try:
            claims = jwt.decode(authorization[7:].strip(), self._key, algorithms=["HS256"],
                                options={"verify_exp": False, "verify_aud": False, "verify_iat": False,
                                         "verify_nbf": False})
        except jwt.PyJWTError as exc:
            raise Unauthorized("Error identified in Payload provided by the user. The token could not be "
                               "validated.") from exc
        if claims.get("exp", 0) <= self.now().timestamp():
            raise Unauthorized("IDX10223: Lifetime validation failed. The token is expired.")
        if urlsplit(str(claims.get("aud", ""))).netloc.lower() != urlsplit(base).netloc.lower():
            raise Unauthorized("IDX10214: Audience validation failed.")
        if claims.get("tid") != self.settings.tenant_id or claims.get("appid") != self.settings.client_id:
            raise Unauthorized("The token was issued for another tenant or application.")
        return self.app_user

    def challenge(self, error: Unauthorized, base: str) -> str:
        where = f"authorization_uri={base}/{self.settings.tenant_id}/oauth2/authorize, resource_id={base}/"
        if error.description:
            return f'Bearer error=invalid_token, error_description="{error.description}", {where}'
        return f"Bearer {where}"


def _missing(parameter: str) -> EntraError:
    return EntraError(400, "invalid_request", 900144,
                      f"The request body must contain the following parameter: '{parameter}'.")
