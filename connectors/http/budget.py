"""The API budget: calls counted, the CRM's own usage figures read, and a clean stop at a configured share."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from connectors.base import ApiUsage
from connectors.errors import BudgetExhausted


class Budget:
    """Thread-safe: every call of a connection goes through ``spend``; headers update ``observe``."""

    def __init__(self, *, connection: str, max_daily_share: float | None = None) -> None:
        self.connection = connection
        self.max_daily_share = max_daily_share
        self.usage = ApiUsage()
        self._lock = threading.Lock()

    def spend(self, n: int = 1) -> None:
        with self._lock:
            self.check()
            self.usage.calls += n

    def observe(self, *, daily_limit: int | None = None, daily_remaining: int | None = None) -> None:
        with self._lock:
            if daily_limit is not None:
                self.usage.daily_limit = daily_limit
            if daily_remaining is not None:
                self.usage.daily_remaining = daily_remaining
            self.usage.updated_at = datetime.now(UTC)

    def check(self) -> None:
        share = self.usage.used_share()
        if self.max_daily_share is not None and share is not None and share >= self.max_daily_share:
            raise BudgetExhausted(
                f"stopped at {share:.0%} of the daily API limit ({self.usage.daily_limit}); the budget allows "
                f"{self.max_daily_share:.0%}. The cursor is saved: the next run continues from here. Raise "
                f"budget.max_daily_share in crmhub.yaml to allow more.",
                connection=self.connection,
            )
