"""Server-side query cursors (query locators): 15 minutes without use and they expire; ten per user at most,
opening an eleventh releases the oldest; a cursor read to its end is released."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sandbox.common.sfids import sfdc_id
from sandbox.salesforce.paths import Path


@dataclass
class Cursor:
    id: str
    user_id: str
    obj: str
    ids: list[str]
    paths: list[Path]
    batch: int
    endpoint: str  # "query" or "queryAll": where nextRecordsUrl points
    last_used: datetime


class QueryCursors:
    def __init__(self, *, ttl_s: float, max_per_user: int, now: Callable[[], datetime]) -> None:
        self.ttl = timedelta(seconds=ttl_s)
        self.max_per_user = max_per_user
        self.now = now
        self._cursors: dict[str, Cursor] = {}
        self._numbers = itertools.count(1)

    def open(self, *, user_id: str, obj: str, ids: list[str], paths: list[Path], batch: int, endpoint: str) -> Cursor:
        mine = sorted((c for c in self._cursors.values() if c.user_id == user_id), key=lambda c: c.last_used)
        for stale in mine[:max(0, len(mine) - self.max_per_user + 1)]:
            del self._cursors[stale.id]
        cursor = Cursor(sfdc_id("01g", next(self._numbers)), user_id, obj, ids, paths, batch, endpoint, self.now())
        self._cursors[cursor.id] = cursor
        return cursor

    def get(self, locator: str, user_id: str) -> Cursor | None:
        cursor = self._cursors.get(locator)
        if cursor is None or cursor.user_id != user_id:
            return None
        if self.now() - cursor.last_used > self.ttl:
            del self._cursors[locator]
            return None
        cursor.last_used = self.now()
        return cursor

    def release(self, locator: str) -> None:
        self._cursors.pop(locator, None)
