"""Service protection limits, per user over a sliding window, with the platform's 429 errors and headers.

Per user and 300 s window: 6,000 requests (``0x80072322``), 1,200,000 ms of combined execution time
(``0x80072321``), and 52 requests in flight at once (``0x80072326``). A rejected request gets 429 with ``Retry-After``
in whole seconds: the wait until enough of the window has slid by. Every answer carries
``x-ms-ratelimit-burst-remaining-xrm-requests`` (requests left) and ``x-ms-ratelimit-time-remaining-xrm-requests``
(execution seconds left, written like ``1,199.46``). A ``$batch`` is one request but all of its execution time.
Window time comes from the harness clock, so tests can slide it forward instead of waiting.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any

from sandbox.dynamics import errors


@dataclass
class _Usage:
    requests: deque[float] = field(default_factory=deque)  # start times
    executions: deque[tuple[float, float]] = field(default_factory=deque)  # (end time, milliseconds)
    execution_ms: float = 0.0
    in_flight: int = 0


@dataclass(frozen=True)
class Limits:
    requests: int
    execution_ms: int
    concurrent: int
    window_s: float
    enforced: bool
    latency_ms: float = 0.0  # simulated server time per request: makes concurrency and execution time observable


class ServiceProtection:
    def __init__(self, *, limits: Limits, now: Callable[[], datetime]) -> None:
        self.limits = limits
        self.now = now
        self._users: dict[str, _Usage] = {}

    def _usage(self, user: str, t: float) -> _Usage:
        usage = self._users.setdefault(user, _Usage())
        horizon = t - self.limits.window_s
        while usage.requests and usage.requests[0] <= horizon:
            usage.requests.popleft()
        while usage.executions and usage.executions[0][0] <= horizon:
            usage.execution_ms -= usage.executions.popleft()[1]
        return usage

    def admit(self, user: str) -> None:
        """Count a request in, or raise the 429 the platform would send."""
        t = self.now().timestamp()
        usage = self._usage(user, t)
        limits = self.limits
        if limits.enforced:
            if usage.in_flight >= limits.concurrent:
                raise self._reject(errors.CONCURRENCY_LIMIT,
                                   f"Number of concurrent requests exceeded the limit of {limits.concurrent}.", 1)
            if len(usage.requests) >= limits.requests:
                wait = usage.requests[len(usage.requests) - limits.requests] + limits.window_s - t
                raise self._reject(
                    errors.REQUESTS_LIMIT,
                    f"Number of requests exceeded the limit of {limits.requests} over time window of "
                    f"{limits.window_s:g} seconds.", wait)
            if usage.execution_ms >= limits.execution_ms:
                raise self._reject(
                    errors.EXECUTION_LIMIT,
                    f"Combined execution time of incoming requests exceeded limit of {limits.execution_ms:,} "
                    f"milliseconds over time window of {limits.window_s:g} seconds. Decrease number of concurrent "
                    "requests or reduce the duration of requests and try again later.", self._execution_wait(usage, t))
        usage.requests.append(t)
        usage.in_flight += 1

    def _execution_wait(self, usage: _Usage, t: float) -> float:
        excess = usage.execution_ms - self.limits.execution_ms
        freed = 0.0
        for end, ms in usage.executions:
            freed += ms
            if freed > excess:
                return end + self.limits.window_s - t
        return self.limits.window_s

    def finish(self, user: str, execution_ms: float) -> None:
        t = self.now().timestamp()
        usage = self._usage(user, t)
        usage.in_flight = max(0, usage.in_flight - 1)
        usage.executions.append((t, execution_ms))
        usage.execution_ms += execution_ms

    def headers(self, user: str) -> dict[str, str]:
        usage = self._usage(user, self.now().timestamp())
        requests_left = max(0, self.limits.requests - len(usage.requests))
        seconds_left = max(0.0, (self.limits.execution_ms - usage.execution_ms) / 1000)
        return {
            "x-ms-ratelimit-burst-remaining-xrm-requests": str(requests_left),
            "x-ms-ratelimit-time-remaining-xrm-requests": f"{seconds_left:,.2f}",
            "x-ms-dop-hint": "4",
        }

    def _reject(self, code: str, message: str, wait_s: float) -> errors.DataverseError:
        retry_after = max(1, math.ceil(wait_s))
        return errors.DataverseError(429, code, message, {"Retry-After": str(retry_after)})

    def usage(self) -> dict[str, dict[str, float]]:
        t = self.now().timestamp()
        return {user: {"requests": len(self._usage(user, t).requests),
                       "execution_ms": round(self._usage(user, t).execution_ms, 3),
                       "in_flight": self._usage(user, t).in_flight} for user in list(self._users)}

    def configure(self, changes: dict[str, Any]) -> Limits:
        """Change limits at run time (the admin's lever; unknown names raise)."""
        known = {f.name for f in fields(Limits)}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"unknown limit(s) {sorted(unknown)}; known: {sorted(known)}")
        self.limits = replace(self.limits, **changes)
        return self.limits

    def reset(self) -> None:
        """Forget every window (an admin lever for tests; in-flight requests still finish normally)."""
        for usage in self._users.values():
            usage.requests.clear()
            usage.executions.clear()
            usage.execution_ms = 0.0
