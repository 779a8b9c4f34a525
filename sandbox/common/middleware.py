"""ASGI middleware every sandbox wraps its API in: count API calls and fire injected faults.

Paths under ``/_admin`` are the test harness's, not the CRM's: they are neither counted nor faulted.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import Counter
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.common.faults import FaultBook

ADMIN_PREFIX = "/_admin"


class CallCounter:
    """API calls by endpoint name (the handler's name, so ``/contacts/123`` and ``/contacts/456`` count together)."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def add(self, key: str) -> None:
        with self._lock:
            self._counts[key] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            by = dict(sorted(self._counts.items()))
        return {"total": sum(by.values()), "by_endpoint": by}

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()


class DroppedConnection(Exception):
    """Raised after the response has started, so the server closes the socket mid-answer (a reset, to the client)."""


class SandboxMiddleware:
    def __init__(self, app: ASGIApp, *, calls: CallCounter, faults: FaultBook) -> None:
        self.app = app
        self.calls = calls
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        fired = self.faults.match(scope["method"], scope["path"])
        if fired is not None:
            if fired.delay_s:
                await asyncio.sleep(fired.delay_s)
            if fired.kind == "drop":
                self.calls.add("fault:drop")
                await send({"type": "http.response.start", "status": 200, "headers": []})
                raise DroppedConnection(scope["path"])
            if fired.kind == "status":
                self.calls.add(f"fault:{fired.status}")
                await _send_fault(send, fired.status, fired.body, fired.headers)
                return
        try:
            await self.app(scope, receive, send)
        finally:
            endpoint = scope.get("endpoint")
            self.calls.add(getattr(endpoint, "__name__", None) or f"{scope['method']} {scope['path']}")


async def _send_fault(send: Send, status: int, body: Any, headers: dict[str, str]) -> None:
    if isinstance(body, (dict, list)):
        payload = json.dumps(body).encode()
        content_type = "application/json"
    else:
        payload = str(body or "").encode()
        content_type = "text/plain"
    raw_headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(payload)).encode())]
    raw_headers += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    start: Message = {"type": "http.response.start", "status": status, "headers": raw_headers}
    await send(start)
    await send({"type": "http.response.body", "body": payload})
