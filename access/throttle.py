"""Failed sign-ins counted per username in the store, so every process of ``crmhub serve`` counts them together:
after ``failures`` within ``window`` the username is locked for ``lock``, whatever the password; a completed sign-in
deletes its row. Unknown usernames are counted like known ones, so the lock tells nobody which exist."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, or_, select
from sqlalchemy.exc import IntegrityError

from access.errors import SignInThrottled
from store.tables import sign_in_throttle

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class ThrottleRules:
    failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lock: timedelta = timedelta(minutes=15)


def key_of(username: str) -> str:
    """The row's key: the username as sign-in reads it (trimmed, lower case), cut to the column's 100 characters."""
    return username.strip().lower()[:100]


class Throttle:
    def __init__(self, engine: Engine, *, clock: Clock, rules: ThrottleRules | None = None) -> None:
        self.engine, self.clock, self.rules = engine, clock, rules or ThrottleRules()

    def check(self, username: str) -> None:
        """SignInThrottled while the username is locked."""
        now = self.clock()
        with self.engine.connect() as conn:
            until = conn.execute(select(sign_in_throttle.c.locked_until)
                                 .where(sign_in_throttle.c.username == key_of(username))).scalar_one_or_none()
        if until is not None and until > now:
            minutes = math.ceil((until - now).total_seconds() / 60)
            raise SignInThrottled(f"too many failed sign-ins for this username: try again in {minutes} minute"
                                  f"{'s' if minutes != 1 else ''} (or ask an admin to check the account)",
                                  retry_after_seconds=math.ceil((until - now).total_seconds()))

    def failed(self, username: str) -> None:
        """Counts one failure; the one that reaches the limit locks the username. Two processes inserting the first
        row at once: the loser's transaction is retried, and then finds the row to count on."""
        for attempt in (1, 2):
            try:
                self._count(key_of(username))
                return
            except IntegrityError:
                if attempt == 2:
                    raise

    def succeeded(self, username: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(sign_in_throttle).where(sign_in_throttle.c.username == key_of(username)))

    def _count(self, key: str) -> None:
        now, table = self.clock(), sign_in_throttle
        with self.engine.begin() as conn:
            # Rows whose window and lock are both over are forgotten (this username's too: it starts again at 1).
            conn.execute(delete(table).where(table.c.window_start <= now - self.rules.window,
                                             or_(table.c.locked_until.is_(None), table.c.locked_until <= now)))
            counted = conn.execute(table.update().where(table.c.username == key)
                                   .values(failures=table.c.failures + 1)).rowcount
            if not counted:
                conn.execute(table.insert().values(username=key, failures=1, window_start=now))
            conn.execute(table.update().where(table.c.username == key, table.c.failures >= self.rules.failures,
                                              or_(table.c.locked_until.is_(None), table.c.locked_until <= now))
                         .values(locked_until=now + self.rules.lock))
