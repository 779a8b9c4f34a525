"""The admin routes every sandbox shares: health, API call counts, fault rules and the clock."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sandbox.common.clock import Clock
from sandbox.common.faults import FaultBook
from sandbox.common.middleware import CallCounter


@dataclass
class Harness:
    """What the test harness can see and steer in any sandbox."""

    name: str
    clock: Clock = field(default_factory=Clock)
    calls: CallCounter = field(default_factory=CallCounter)
    faults: FaultBook = field(default_factory=FaultBook)


def harness_routes(h: Harness) -> list[Route]:
    async def health(_: Request) -> JSONResponse:
        return JSONResponse({"ok": True, "sandbox": h.name, "now": h.clock.now().isoformat()})

    async def calls(request: Request) -> JSONResponse:
        if request.method == "DELETE":
            h.calls.reset()
        return JSONResponse(h.calls.snapshot())

    async def faults(request: Request) -> JSONResponse:
        if request.method == "DELETE":
            h.faults.replace([])
        elif request.method in ("POST", "PUT"):
            body = await request.json()
            rules = body.get("rules", []) if isinstance(body, dict) else body
            try:
                (h.faults.replace if request.method == "PUT" else h.faults.add)(list(rules))
            except (ValueError, TypeError) as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse({"rules": h.faults.describe()})

    async def clock(request: Request) -> JSONResponse:
        if request.method == "POST":
            body = await request.json()
            h.clock.advance(float(body.get("advance_seconds", 0)))
        return JSONResponse({"now": h.clock.now().isoformat()})

    return [
        Route("/_admin/health", health, methods=["GET"]),
        Route("/_admin/calls", calls, methods=["GET", "DELETE"]),
        Route("/_admin/faults", faults, methods=["GET", "POST", "PUT", "DELETE"]),
        Route("/_admin/clock", clock, methods=["GET", "POST"]),
    ]
