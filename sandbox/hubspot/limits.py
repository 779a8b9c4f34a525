"""HubSpot's request limits for private apps, per token (or OAuth app):

- TEN_SECONDLY_ROLLING: ``ten_secondly_limit`` (190) requests in any 10 s; answered 429 without ``Retry-After``
  (the client must pace itself from the ``X-HubSpot-RateLimit-*`` headers, as with the real API);
- SECONDLY: search requests, ``search_per_second`` (5) in any second; 429 with ``Retry-After: 1``;
- DAILY: ``daily_limit`` (650,000) requests per UTC day; 429 without ``Retry-After``.

A refused request does not count. Every non-search answer carries the ``X-HubSpot-RateLimit-*`` headers; search
answers carry none, as HubSpot's do not. The ``unlimited`` profile refuses nothing and reports a full budget.
"""

from __future__ import annotations

import uuid
from collections import deque
from dataclasses import dataclass

from starlette.responses import JSONResponse

from sandbox.common.clock import Clock
from sandbox.hubspot.settings import Settings
from sandbox.hubspot.timefmt import DAY_MS, to_ms

WINDOW_MS = 10_000


@dataclass(slots=True)
class Admission:
    refused: JSONResponse | None
    headers: dict[str, str]


class RateLimits:
    def __init__(self, *, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock
        self._ten: dict[str, deque[int]] = {}
        self._second: dict[str, deque[int]] = {}
        self._daily: dict[str, tuple[int, int]] = {}  # key -> (UTC day number, requests that day)

    def admit(self, key: str, *, search: bool) -> Admission:
        s = self.settings
        now = to_ms(self.clock.now())
        ten = _window(self._ten.setdefault(key, deque()), now - WINDOW_MS)
        second = _window(self._second.setdefault(key, deque()), now - 1000)
        day, used = self._daily.get(key, (now // DAY_MS, 0))
        if day != now // DAY_MS:
            day, used = now // DAY_MS, 0
        if s.enforce_limits:
            if search and len(second) >= s.search_per_second:
                return Admission(_refusal("secondly", "SECONDLY", {"Retry-After": "1"}), {})
            if used >= s.daily_limit:
                return Admission(_refusal("daily", "DAILY", self._headers(len(ten), used)), {})
            if len(ten) >= s.ten_secondly_limit:
                return Admission(_refusal("ten_secondly_rolling", "TEN_SECONDLY_ROLLING",
                                          self._headers(len(ten), used)), {})
            ten.append(now)
            if search:
                second.append(now)
            used += 1
            self._daily[key] = (day, used)
        return Admission(None, {} if search else self._headers(len(ten), used))

    def used_today(self, key_prefix: str = "") -> int:
        today = to_ms(self.clock.now()) // DAY_MS
        return sum(n for k, (d, n) in self._daily.items() if d == today and k.startswith(key_prefix))

    def _headers(self, in_window: int, used_today: int) -> dict[str, str]:
        s = self.settings
        return {
            "X-HubSpot-RateLimit-Max": str(s.ten_secondly_limit),
            "X-HubSpot-RateLimit-Remaining": str(max(0, s.ten_secondly_limit - in_window)),
            "X-HubSpot-RateLimit-Interval-Milliseconds": str(WINDOW_MS),
            "X-HubSpot-RateLimit-Daily": str(s.daily_limit),
            "X-HubSpot-RateLimit-Daily-Remaining": str(max(0, s.daily_limit - used_today)),
        }


def _window(stamps: deque[int], horizon: int) -> deque[int]:
    while stamps and stamps[0] <= horizon:
        stamps.popleft()
    return stamps


def _refusal(limit: str, policy: str, headers: dict[str, str]) -> JSONResponse:
    body = {"status": "error", "message": f"You have reached your {limit} limit.", "errorType": "RATE_LIMIT",
            "correlationId": str(uuid.uuid4()), "policyName": policy}
    return JSONResponse(body, status_code=429, headers=headers)
