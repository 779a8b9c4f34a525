"""The activity log: seeded columns followed by activities logged while the sandbox runs, in id (= date) order.

Reads are position-based, as Marketo's paging tokens are: "activities after id N dated at least D". Activities
of deleted leads disappear with them, except the Delete Lead activity itself; with a retention set, activities
older than the horizon are purged, and a position whose unread activities were purged is stale.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from sandbox.marketo.activity_model import Activity
from sandbox.marketo.activity_types import CHANGE_DATA_VALUE, DELETE_LEAD
from sandbox.marketo.paging import Position
from sandbox.marketo.seeded import LeadContacts, decode
from sandbox.marketo.seeded_columns import SeededColumns

SCAN_BUDGET = 2_000_000  # rows one request may scan before answering with fewer results and moreResult


@dataclass(frozen=True, slots=True)
class Query:
    types: frozenset[int]
    lead_ids: tuple[int, ...] = ()
    change_fields: frozenset[int] | None = None  # leadchanges: Change Data Value only for these field ids


@dataclass
class Page:
    items: list[Activity]
    position: Position
    more: bool


class ActivityLog:
    def __init__(self, columns: SeededColumns, contacts: LeadContacts, hidden_leads: set[int]) -> None:
        self.cols = columns
        self.n = len(columns)
        self.contacts = contacts
        self.logged: list[Activity] = []
        self.logged_dates: list[int] = []
        self.logged_by_lead: dict[int, list[int]] = {}
        self.hidden_leads = set(hidden_leads)
        self.suppressed: set[int] = set()  # Delete Lead activities of purged leads
        self._hidden_arr: np.ndarray | None = None
        self.seeded_types = frozenset(int(x) for x in np.unique(columns.type)) if self.n else frozenset()

    # -- writes --------------------------------------------------------------------------------------------
    def log(self, activity: Activity) -> Activity:
        """Append ``activity`` (its id is assigned here); dates never go backwards."""
        activity.id = self.n + len(self.logged) + 1
        if self.logged_dates and activity.date < self.logged_dates[-1]:
            activity.date = self.logged_dates[-1]
        self.logged_by_lead.setdefault(activity.lead_id, []).append(len(self.logged))
        self.logged.append(activity)
        self.logged_dates.append(activity.date)
        return activity

    def hide_lead(self, lead_id: int) -> None:
        self.hidden_leads.add(lead_id)
        self._hidden_arr = None

    @property
    def last_id(self) -> int:
        return self.n + len(self.logged)

    # -- single reads --------------------------------------------------------------------------------------
    def get(self, activity_id: int) -> Activity | None:
        if 1 <= activity_id <= self.n:
            return self._decode(activity_id - 1)
        offset = activity_id - self.n - 1
        return self.logged[offset] if 0 <= offset < len(self.logged) else None

    def visible(self, activity: Activity, horizon: int) -> bool:
        if activity.date < horizon:
            return False
        if activity.type_id == DELETE_LEAD:
            return activity.id not in self.suppressed
        return activity.lead_id not in self.hidden_leads

    def _decode(self, row: int) -> Activity:
        c = self.cols
        return decode(row + 1, int(c.lead[row]), int(c.date[row]), int(c.type[row]), int(c.pav[row]),
                      int(c.variant[row]), self.contacts)

    # -- paging --------------------------------------------------------------------------------------------
    def start(self, since: int, horizon: int) -> Position:
        return Position(floor=max(since, horizon), after=0)

    def stale(self, pos: Position, horizon: int) -> bool:
        """True when activities after ``pos`` were purged unread (retention moved past them)."""
        if horizon <= pos.floor:
            return False
        lo = max(pos.after, int(np.searchsorted(self.cols.date, pos.floor, "left")))
        if lo < int(np.searchsorted(self.cols.date, horizon, "left")):
            return True
        first = max(pos.after - self.n, bisect.bisect_left(self.logged_dates, pos.floor))
        return first < bisect.bisect_left(self.logged_dates, horizon)

    def page(self, pos: Position, query: Query, *, batch: int, horizon: int) -> Page:
        floor = max(pos.floor, horizon)
        items: list[Activity] = []
        after = pos.after
        budget = SCAN_BUDGET
        if after < self.n:
            rows, after, budget = self._seeded_rows(after, floor, query, batch + 1, budget)
            items = [self._decode(r) for r in rows]
        if len(items) <= batch and budget > 0:
            logged, after = self._logged(after, floor, query, batch + 1 - len(items), horizon)
            items += logged
        if len(items) > batch:
            items = items[:batch]
            return Page(items, Position(pos.floor, items[-1].id), more=True)
        # Out of budget before the end of the log: fewer results, but more to read (as Marketo does).
        more = budget <= 0 and after < self.last_id
        return Page(items, Position(pos.floor, after), more=more)

    def _seeded_rows(self, after: int, floor: int, query: Query, want: int,
                     budget: int) -> tuple[list[int], int, int]:
        c = self.cols
        lo = max(after, int(np.searchsorted(c.date, floor, "left")))  # row index = id - 1
        if query.lead_ids:
            rows = np.concatenate([c.rows_of_lead(lead) for lead in query.lead_ids] or [np.zeros(0, np.int64)])
            rows = np.sort(rows[rows >= lo])
            picked = rows[self._mask(rows, query)][:want]
            return [int(r) for r in picked], (int(picked[-1]) + 1 if len(picked) == want else self.n), budget
        found: list[int] = []
        width = 4096
        while lo < self.n and len(found) < want and budget > 0:
            hi = min(self.n, lo + width)
            rows = np.arange(lo, hi)
            hits = rows[self._mask(rows, query)]
            found.extend(int(r) for r in hits[: want - len(found)])
            budget -= hi - lo
            lo = hi
            width = min(width * 4, 1 << 20)
        if len(found) == want:
            return found, found[-1] + 1, budget
        return found, lo, budget

    def _mask(self, rows: np.ndarray, query: Query) -> np.ndarray:
        c = self.cols
        types = c.type[rows]
        mask = np.isin(types, np.fromiter(query.types, np.int16))
        if self.hidden_leads:
            if self._hidden_arr is None:
                self._hidden_arr = np.fromiter(self.hidden_leads, np.int32)
            mask &= (types == DELETE_LEAD) | ~np.isin(c.lead[rows], self._hidden_arr)
        if self.suppressed:
            mask &= ~np.isin(rows + 1, np.fromiter(self.suppressed, np.int64))
        if query.change_fields is not None:
            fields = np.fromiter(query.change_fields, np.int32)
            mask &= (types != CHANGE_DATA_VALUE) | np.isin(c.pav[rows], fields)
        return mask

    def _logged(self, after: int, floor: int, query: Query, want: int,
                horizon: int) -> tuple[list[Activity], int]:
        start = max(after - self.n, bisect.bisect_left(self.logged_dates, floor))
        if query.lead_ids:
            offsets: Sequence[int] = sorted(o for lead in query.lead_ids for o in self.logged_by_lead.get(lead, ())
                                            if o >= start)
        else:
            offsets = range(start, len(self.logged))
        out: list[Activity] = []
        for offset in offsets:
            act = self.logged[offset]
            if self._matches(act, query, horizon):
                out.append(act)
                if len(out) == want:
                    return out, act.id
        return out, self.last_id

    def _matches(self, act: Activity, query: Query, horizon: int) -> bool:
        if act.type_id not in query.types or not self.visible(act, horizon):
            return False
        if query.change_fields is not None and act.type_id == CHANGE_DATA_VALUE:
            return act.primary_id in query.change_fields
        return True

    # -- windows (bulk export, truth) ----------------------------------------------------------------------
    def snapshot(self, start: int, end: int, *, horizon: int,
                 types: frozenset[int] | None = None) -> tuple[np.ndarray, list[Activity]]:
        """Seeded rows and logged activities visible and dated in ``[start, end]``: cheap to take, and safe to
        decode later from another thread (seeded rows never change; the logged list is copied)."""
        c = self.cols
        lo = int(np.searchsorted(c.date, max(start, horizon), "left"))
        hi = int(np.searchsorted(c.date, end, "right"))
        rows = np.arange(lo, hi)
        rows = rows[self._mask(rows, Query(types or self.seeded_types))] if len(rows) else rows
        first = bisect.bisect_left(self.logged_dates, max(start, horizon))
        last = bisect.bisect_right(self.logged_dates, end)
        logged = [a for a in self.logged[first:last]
                  if (types is None or a.type_id in types) and self.visible(a, horizon)]
        return rows, logged

    def decode_rows(self, rows: np.ndarray) -> Iterator[Activity]:
        for r in rows:
            yield self._decode(int(r))

    def count_visible(self, horizon: int) -> int:
        lo = int(np.searchsorted(self.cols.date, horizon, "left"))
        rows = np.arange(lo, self.n)
        seeded = int(self._mask(rows, Query(self.seeded_types)).sum()) if len(rows) else 0
        return seeded + sum(1 for a in self.logged if self.visible(a, horizon))
