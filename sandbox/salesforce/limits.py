"""Allocations over a rolling 24 hours (API requests, Bulk query jobs), counted per minute."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta

WINDOW = timedelta(hours=24)


class RollingAllocation:
    """``limit`` uses per rolling 24 hours. ``enforce`` False (the unlimited profile) still counts, never refuses."""

    def __init__(self, *, limit: int, enforce: bool, now: Callable[[], datetime]) -> None:
        self.limit = limit
        self.enforce = enforce
        self.now = now
        self._buckets: deque[tuple[datetime, int]] = deque()
        self._total = 0

    def _evict(self) -> None:
        horizon = self.now() - WINDOW
        while self._buckets and self._buckets[0][0] <= horizon:
            self._total -= self._buckets.popleft()[1]

    def used(self) -> int:
        self._evict()
        return self._total

    def remaining(self) -> int:
        return max(0, self.limit - self.used())

    def try_use(self, amount: int = 1) -> bool:
        """Count ``amount`` uses, or refuse (False, nothing counted) when that would exceed the allocation."""
        self._evict()
        if self.enforce and self._total + amount > self.limit:
            return False
        minute = self.now().replace(second=0, microsecond=0)
        if self._buckets and self._buckets[-1][0] == minute:
            self._buckets[-1] = (minute, self._buckets[-1][1] + amount)
        else:
            self._buckets.append((minute, amount))
        self._total += amount
        return True

    def header(self) -> str:
        """The ``Sforce-Limit-Info`` value: ``api-usage=18/15000``."""
        return f"api-usage={self.used()}/{self.limit}"
