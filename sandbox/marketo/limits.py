"""Marketo's call limits: 10 concurrent requests (615), 100 calls per sliding 20 s (606), a daily quota (607).

As in Marketo, a call that returns an error counts against neither the rate limit nor the daily quota, and the
day is a US Central day. The same books feed ``stats/usage.json`` and ``stats/errors.json``.
"""

from __future__ import annotations

from collections import Counter, deque
from datetime import date, timedelta

from sandbox.common.clock import Clock
from sandbox.marketo.config import Settings
from sandbox.marketo.envelope import CONCURRENCY, DAILY_QUOTA, MarketoError, rate_limited
from sandbox.marketo.timefmt import central_day


class Limits:
    def __init__(self, *, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock
        self.in_flight = 0
        self._window: deque[float] = deque()
        self.calls: dict[date, int] = {}
        self.errors: dict[date, Counter[str]] = {}

    def admit(self) -> None:
        """Take a concurrency slot, or raise the limit the call runs into. Pair with ``release``."""
        s = self.settings
        if s.limits_enabled and self.in_flight >= s.max_concurrency:
            raise MarketoError.of(CONCURRENCY)
        if s.limits_enabled:
            now = self.clock.now()
            self._trim(now.timestamp())
            if len(self._window) >= s.rate_limit:
                raise rate_limited(s.rate_limit, s.rate_window_s)
            if self.calls.get(central_day(now), 0) >= s.daily_quota:
                raise MarketoError.of(DAILY_QUOTA)
        self.in_flight += 1

    def release(self) -> None:
        self.in_flight -= 1

    def record(self, *, error_code: str | None) -> None:
        now = self.clock.now()
        day = central_day(now)
        if error_code is None:
            self._window.append(now.timestamp())
            self.calls[day] = self.calls.get(day, 0) + 1
        else:
            self.errors.setdefault(day, Counter())[error_code] += 1

    def _trim(self, now: float) -> None:
        edge = now - self.settings.rate_window_s
        while self._window and self._window[0] <= edge:
            self._window.popleft()

    def today(self) -> date:
        return central_day(self.clock.now())

    def last_days(self, count: int) -> list[date]:
        today = self.today()
        return [today - timedelta(days=i) for i in range(count)]
