"""Everything every REST and Bulk call goes through: size limits, ``_method=GET``, auth, limits, the envelope.

Order, as Marketo: 414/413 at the front door (HTTP status, plain text), then the access token (600/601/602),
concurrency (615), rate (606) and quota (607), then the operation. Operations are plain functions of a ``Call``
that return the ``result`` part (or a whole ``Response`` for file downloads) and raise ``MarketoError``.
The call-count key is the operation's function name (``get_leads``, ``sync_leads`` ...).
"""

from __future__ import annotations

import asyncio
import json
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import MultiDict
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from sandbox.common.clock import Clock
from sandbox.marketo.auth import TokenStore
from sandbox.marketo.config import Settings
from sandbox.marketo.envelope import (
    INVALID_CONTENT_TYPE,
    INVALID_JSON,
    METHOD_NOT_SUPPORTED,
    MarketoError,
    RequestIds,
    failure,
    json_response,
    success,
)
from sandbox.marketo.limits import Limits

MAX_URI = 8 * 1024
MAX_BODY = 1024 * 1024
ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


class HttpError(Exception):
    """A plain-text HTTP error outside the envelope (the bulk file endpoints answer 404 this way)."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status = status
        self.text = text


@dataclass
class Reply:
    """What an operation returns when it needs more than ``result``: paging members, or no result at all."""

    result: list[Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Call:
    request: Request
    params: MultiDict
    body: bytes
    now: datetime
    request_id: str

    @property
    def now_ts(self) -> int:
        return int(self.now.timestamp())

    def path(self, name: str) -> str:
        return str(self.request.path_params[name])

    def json(self) -> Any:
        content_type = self.request.headers.get("content-type", "")
        if "json" not in content_type.lower():
            raise MarketoError.of(INVALID_CONTENT_TYPE)
        try:
            return json.loads(self.body or b"null")
        except (ValueError, UnicodeDecodeError) as exc:
            raise MarketoError.of(INVALID_JSON) from exc

    def list_param(self, name: str) -> list[str]:
        """Comma-separated and repeated forms both (``activityTypeIds=1,2`` or ``activityTypeIds=1&...=2``)."""
        out: list[str] = []
        for raw in self.params.getlist(name):
            out += [part.strip() for part in raw.split(",") if part.strip()]
        return out


Operation = Callable[[Call], "list[Any] | Reply | Response"]


class Api:
    def __init__(self, *, settings: Settings, clock: Clock, limits: Limits, tokens: TokenStore) -> None:
        self.settings = settings
        self.clock = clock
        self.limits = limits
        self.tokens = tokens
        self.ids = RequestIds()

    def route(self, path: str, operations: dict[str, Operation]) -> Route:
        async def dispatch(request: Request) -> Response:
            return await self._run(request, operations)

        dispatch.__name__ = next(iter(operations.values())).__name__
        return Route(path, dispatch, methods=ALL_METHODS)

    def not_found_route(self) -> Route:
        async def unknown_resource(request: Request) -> Response:
            now = self.clock.now()
            return json_response(failure(self.ids.next(now), MarketoError("610", "Requested resource not found")))

        return Route("/{path:path}", unknown_resource, methods=ALL_METHODS)

    async def _run(self, request: Request, operations: dict[str, Operation]) -> Response:
        now = self.clock.now()
        request_id = self.ids.next(now)
        raw_uri = request.scope.get("raw_path", b"") + b"?" + request.scope.get("query_string", b"")
        if len(raw_uri) > MAX_URI:
            return PlainTextResponse("414 Request-URI Too Long", status_code=414)
        body = await request.body()
        if len(body) > MAX_BODY:
            return PlainTextResponse("413 Request Entity Too Large", status_code=413)
        params = MultiDict(request.query_params.multi_items())
        method = request.method
        if method == "POST" and params.get("_method", "").upper() == "GET":
            method = "GET"
            form = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
            params = MultiDict([*params.multi_items(), *form])
            body = b""
        operation = operations.get(method)
        if operation is not None:
            request.scope["endpoint"] = operation  # the call-count key is the operation, not the dispatcher
        call = Call(request, params, body, now, request_id)
        try:
            if operation is None:
                raise MarketoError.of(METHOD_NOT_SUPPORTED)
            self.tokens.check(request)
            self.limits.admit()
            try:
                if self.settings.latency_ms:
                    await asyncio.sleep(self.settings.latency_ms / 1000)
                outcome = operation(call)
            finally:
                self.limits.release()
        except MarketoError as exc:
            self.limits.record(error_code=exc.code)
            return json_response(failure(request_id, exc))
        except HttpError as exc:
            return PlainTextResponse(exc.text, status_code=exc.status)
        except Exception:  # an unhandled failure is Marketo's 611, and the sandbox keeps serving
            traceback.print_exc(file=sys.stderr)
            self.limits.record(error_code="611")
            return json_response(failure(request_id, MarketoError("611", "System error")))
        self.limits.record(error_code=None)
        if isinstance(outcome, Response):
            return outcome
        if isinstance(outcome, Reply):
            return json_response(success(request_id, outcome.result, **outcome.extra))
        return json_response(success(request_id, outcome))
