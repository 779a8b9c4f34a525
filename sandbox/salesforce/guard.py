"""What every REST/Bulk request goes through before its handler, in Salesforce's order of refusals:

HTTPS only (403 UNSUPPORTED_CLIENT) -> URI and header size (414 / 431) -> API version (404) -> session
(401 INVALID_SESSION_ID) -> the daily request allocation (403 REQUEST_LIMIT_EXCEEDED). Every answer to an
authenticated request carries ``Sforce-Limit-Info``.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from sandbox.salesforce.coerce import CoercionError
from sandbox.salesforce.errors import ApiError, error_response
from sandbox.salesforce.org import Org
from sandbox.salesforce.soql.errors import SoqlError
from sandbox.salesforce.writes import RequestError


@dataclass(frozen=True, slots=True)
class Call:
    user_id: str
    version: str  # "62.0"

    @property
    def base(self) -> str:
        return f"/services/data/v{self.version}"


Handler = Callable[[Request, Call], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() in ("bearer", "oauth") and token.strip() else None


def transport_refusal(org: Org, request: Request) -> Response | None:
    """Refusals made before Salesforce even reads the request (shared with the OAuth endpoint)."""
    if request.url.scheme != "https":
        return error_response(403, "UNSUPPORTED_CLIENT", "HTTPS Required")
    uri = len(request.scope.get("raw_path", b"")) + 1 + len(request.scope.get("query_string", b""))
    limit = org.settings.max_uri_bytes
    if uri > limit:
        return PlainTextResponse("414 URI Too Long", status_code=414)
    head = uri + sum(len(k) + len(v) + 4 for k, v in request.scope.get("headers", []))
    if head > limit:
        return PlainTextResponse("431 Request Header Fields Too Large", status_code=431)
    return None


def api(org: Org) -> Callable[[Handler], Endpoint]:
    """Wrap a handler ``(request, call) -> response``; the wrapper keeps its name (the API call-count key)."""

    def wrap(handler: Handler) -> Endpoint:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            refused = transport_refusal(org, request)
            if refused is not None:
                return refused
            org.store.settle()
            version = request.path_params.get("version", "")
            if version not in org.versions():
                return error_response(404, "NOT_FOUND", "The requested resource does not exist")
            token = bearer_token(request)
            session = org.sessions.check(token) if token else None
            if session is None:
                return error_response(401, "INVALID_SESSION_ID", "Session expired or invalid")
            if not org.api_usage.try_use():
                response: Response = error_response(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
            else:
                response = await _run(handler, request, Call(session.user_id, version))
            response.headers["Sforce-Limit-Info"] = org.api_usage.header()
            return response
        return endpoint
    return wrap


async def _run(handler: Handler, request: Request, call: Call) -> Response:
    try:
        return await handler(request, call)
    except ApiError as exc:
        return exc.response()
    except SoqlError as exc:
        return error_response(400, exc.code, exc.message)
    except RequestError as exc:
        return error_response(exc.status, exc.code, exc.message)
    except CoercionError as exc:
        return error_response(400, "JSON_PARSER_ERROR", str(exc))
