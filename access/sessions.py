"""When a signed-in session ends: after ``idle`` without a request, and ``absolute`` after sign-in whatever happens.

The web face keeps the times in its signed cookie and asks these rules on every request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class SessionRules:
    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)

    def __post_init__(self) -> None:
        if self.idle <= timedelta(0) or self.absolute < self.idle:
            raise ValueError(f"session rules: idle {self.idle} must be positive and at most absolute {self.absolute}")

    def is_live(self, *, signed_in_at: datetime, last_seen_at: datetime, now: datetime) -> bool:
        """True while the session may go on; a clock that went backwards ends it too (a cookie from the future)."""
        if last_seen_at > now or signed_in_at > last_seen_at:
            return False
        return now - last_seen_at <= self.idle and now - signed_in_at <= self.absolute
