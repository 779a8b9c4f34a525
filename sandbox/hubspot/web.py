"""What every API route shares: authentication, rate limits, HubSpot-shaped errors, and request parsing helpers.

Handlers keep their own names (``functools.wraps``): the shared middleware counts calls by handler name.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.hubspot.auth import Auth
from sandbox.hubspot.errors import ApiError
from sandbox.hubspot.limits import RateLimits
from sandbox.hubspot.timefmt import iso
from sandbox.hubspot.types import ObjectTypes

Handler = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True, slots=True)
class Guard:
    auth: Auth
    limits: RateLimits

    def route(self, path: str, handler: Handler, methods: list[str], *, search: bool = False) -> Route:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            try:
                principal = self.auth.authenticate(request)
            except ApiError as exc:
                return exc.response()
            admission = self.limits.admit(principal.rate_key, search=search)
            if admission.refused is not None:
                return admission.refused
            try:
                response = await handler(request)
            except ApiError as exc:
                response = exc.response()
            for name, value in admission.headers.items():
                response.headers[name] = value
            return response

        return Route(path, endpoint, methods=methods)


def object_type(request: Request, types: ObjectTypes, param: str = "object_type") -> str:
    raw = request.path_params[param]
    resolved = types.resolve(raw)
    if resolved is None:
        raise ApiError(400, f"Unable to infer object type from: {raw}")
    return resolved


def writable(otype: str, read_only: bool) -> None:
    """Goal targets and survey responses are read-only through HubSpot's API: no write scope exists for them."""
    if read_only:
        raise ApiError(403, "This app hasn't been granted all required scopes to make this call: "
                            f"{otype} can only be read through the API (there is no write scope for them).",
                       "MISSING_SCOPES")


async def json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        raise ApiError(400, "Invalid input JSON: a request body was expected, but none found")
    try:
        body = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ApiError(400, f"Invalid input JSON on line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    if not isinstance(body, dict):
        raise ApiError(400, "Invalid input JSON: expected an object")
    return body


def int_param(raw: object, *, name: str, default: int, minimum: int = 0, maximum: int | None = None) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(str(raw))
    except ValueError as exc:
        raise ApiError(400, f"Invalid value for {name}: {raw!r} is not an integer") from exc
    if value < minimum:
        raise ApiError(400, f"{name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ApiError(400, f"{name} must be at most {maximum}, got {value}")
    return value


def bool_param(raw: str | None) -> bool:
    if raw is None:
        return False
    if raw.lower() not in ("true", "false"):
        raise ApiError(400, f"Invalid boolean value {raw!r}: expected true or false")
    return raw.lower() == "true"


def inputs_of(body: dict[str, Any], *, maximum: int) -> list[dict[str, Any]]:
    inputs = body.get("inputs")
    if not isinstance(inputs, list) or not all(isinstance(i, dict) for i in inputs):
        raise ApiError(400, "Invalid input JSON: 'inputs' must be a list of objects")
    if len(inputs) > maximum:
        raise ApiError(400, f"Batch input is limited to {maximum} inputs; {len(inputs)} were sent")
    return inputs


def encode_after(position: int) -> str:
    """An opaque ``after`` token (HubSpot's are opaque too: clients must pass them back, not compute them)."""
    return base64.urlsafe_b64encode(str(position).encode()).decode()


def decode_after(token: str | None) -> int:
    if not token:
        return 0
    try:
        text = base64.urlsafe_b64decode(token.encode() + b"=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text.isdigit():
        raise ApiError(400, f"Invalid value for after: {token!r} is not a paging token this endpoint issued")
    return int(text)


def batch_answer(started: int, finished: int, results: list[Any], errors: list[dict[str, Any]],
                 ok_status: int = 200) -> JSONResponse:
    """``{"status":"COMPLETE","results",…}``: ``ok_status`` when nothing failed, else 207 with the errors."""
    body: dict[str, Any] = {"status": "COMPLETE", "results": results}
    if errors:
        body.update(numErrors=len(errors), errors=errors)
    body.update(startedAt=iso(started), completedAt=iso(finished))
    return JSONResponse(body, status_code=207 if errors else ok_status)
