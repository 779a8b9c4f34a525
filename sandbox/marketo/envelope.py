"""Marketo's response envelope: ``requestId``, ``success``, ``result``/``errors`` — always HTTP 200.

Errors are codes as quoted strings (``"606"``), as the real service sends them. Request ids look like the real
ones (``"e42b#14272d07d78"``: a counter and the epoch milliseconds, both in hex).
"""

from __future__ import annotations

import itertools
import json
from datetime import datetime
from typing import Any

from starlette.responses import Response

# Response-level errors every endpoint family shares; record-level reasons use the same (code, message) shape.
ACCESS_TOKEN_MISSING = ("600", "Access token not specified")
ACCESS_TOKEN_INVALID = ("601", "Access token invalid")
ACCESS_TOKEN_EXPIRED = ("602", "Access token expired")
METHOD_NOT_SUPPORTED = ("605", "HTTP Method not supported")
DAILY_QUOTA = ("607", "Daily quota reached")
INVALID_JSON = ("609", "Invalid JSON")
NOT_FOUND = ("610", "Requested resource not found")
INVALID_CONTENT_TYPE = ("612", "Invalid Content Type")
CONCURRENCY = ("615", "Concurrent access limit reached")


class MarketoError(Exception):
    """A response-level error: the call failed as a whole (``success: false``)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code} {message}")
        self.code = code
        self.message = message

    @classmethod
    def of(cls, pair: tuple[str, str]) -> MarketoError:
        return cls(*pair)


def rate_limited(limit: int, window_s: int) -> MarketoError:
    return MarketoError("606", f"Max rate limit '{limit}' exceeded with in '{window_s}' secs")


def missing(param: str) -> MarketoError:
    return MarketoError("1002", f"Missing value for the required parameter '{param}'")


def blank(param: str) -> MarketoError:
    return MarketoError("701", f"{param} cannot be blank")


def invalid(message: str) -> MarketoError:
    return MarketoError("1003", message)


def bad_type(value: object, type_name: str) -> MarketoError:
    return MarketoError("1001", f"Invalid value '{value}'. Required of type '{type_name}'")


class RequestIds:
    def __init__(self) -> None:
        self._counter = itertools.count(0x1000)

    def next(self, now: datetime) -> str:
        return f"{next(self._counter) & 0xFFFFF:x}#{int(now.timestamp() * 1000):x}"


def json_response(body: dict[str, Any], status: int = 200) -> Response:
    payload = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    return Response(payload, status_code=status, media_type="application/json;charset=UTF-8")


def success(request_id: str, result: list[Any] | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"requestId": request_id}
    if result is not None:
        body["result"] = result
    body["success"] = True
    body.update({k: v for k, v in extra.items() if v is not None})
    return body


def failure(request_id: str, error: MarketoError) -> dict[str, Any]:
    return {"requestId": request_id, "success": False, "errors": [{"code": error.code, "message": error.message}]}


def reason(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}
