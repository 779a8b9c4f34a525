"""The org's data: committed tables, writes that commit late, the Recycle Bin and the delete log.

Every request first calls ``settle()``: late writes whose commit time has come become visible, the Recycle Bin
empties itself of rows older than its retention, and the Bulk job engine moves its jobs on. Doing that work
lazily at the next request is indistinguishable, to a client, from a background process doing it on time.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sandbox.common.sfids import sfdc_id
from sandbox.salesforce.catalog import Catalog
from sandbox.salesforce.fields import ObjectDef
from sandbox.salesforce.settings import Settings
from sandbox.salesforce.table import Table
from sandbox.salesforce.timefmt import fmt_datetime

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
PERSON_OBJECTS = ("Contact", "Lead")


@dataclass(frozen=True, slots=True)
class RowWrite:
    obj: str
    row: list[Any]


@dataclass(frozen=True, slots=True)
class Deleted:
    obj: str
    id: str
    deleted_at: str


def record_number(record_id: str) -> int:
    n = 0
    for char in record_id[5:15]:
        n = n * 62 + _BASE62.index(char)
    return n


class Store:
    def __init__(self, *, catalog: Catalog, settings: Settings, now: Callable[[], datetime]) -> None:
        self.catalog = catalog
        self.settings = settings
        self.now = now
        self.tables = {o.name: Table(o) for o in catalog.objects}
        self.population_size = 0
        self.extra_person_keys: dict[str, int] = {}  # records linked to a person but not numbered by their key
        self.formula_revision: dict[str, int] = {}
        self.integration_user_id = ""
        self.settle_hooks: list[Callable[[], None]] = []
        self._pending: list[tuple[datetime, int, list[RowWrite]]] = []
        self._pending_rows: dict[str, list[Any]] = {}
        self._pending_count: dict[str, int] = {}
        self._cancelled: set[str] = set()
        self._seq = itertools.count()
        # Updates per record through the public API (not admin edits): proves a write applied exactly once.
        self.saves: dict[tuple[str, str], int] = {}

    def add_object(self, obj: ObjectDef) -> Table:
        """A custom object an admin just created: an empty table, known to the catalog."""
        self.catalog.add_object(obj)
        table = self.tables[obj.name] = Table(obj)
        return table

    # ---- time and ids -------------------------------------------------------------------------------------
    def stamp(self) -> str:
        return fmt_datetime(self.now())

    def new_id(self, obj: str) -> str:
        table = self.tables[obj]
        n = table.next_n
        table.next_n += 1
        return sfdc_id(table.obj.key_prefix, n)

    def person_key(self, obj: str, record_id: str) -> int | None:
        if record_id in self.extra_person_keys:
            return self.extra_person_keys[record_id]
        if obj in PERSON_OBJECTS:
            n = record_number(record_id)
            return n if n < self.population_size else None
        return None

    # ---- reads --------------------------------------------------------------------------------------------
    def committed(self, obj: str, record_id: str) -> list[Any] | None:
        return self.tables[obj].rows.get(record_id)

    def current(self, obj: str, record_id: str) -> list[Any] | None:
        """What a writer sees: its own uncommitted write if one is pending, else the committed row."""
        pending = self._pending_rows.get(record_id)
        return pending if pending is not None else self.tables[obj].rows.get(record_id)

    def pending_count(self, obj: str) -> int:
        prefix = self.tables[obj].obj.key_prefix
        return sum(1 for rid in self._pending_rows if rid.startswith(prefix))

    def is_pending(self, record_id: str) -> bool:
        return record_id in self._pending_rows

    def lookup(self, record_id: str | None) -> tuple[Table, list[Any]] | None:
        """The committed row behind any id, whatever its object (for relationship traversal)."""
        if not record_id:
            return None
        obj = self.catalog.by_id(record_id)
        if obj is None:
            return None
        table = self.tables[obj.name]
        row = table.rows.get(record_id)
        return (table, row) if row is not None else None

    # ---- writes -------------------------------------------------------------------------------------------
    def commit(self, writes: list[RowWrite], *, stamped: datetime) -> None:
        """Apply now, or at ``stamped + late_commit_s`` when commits are configured to land late."""
        lag = self.settings.late_commit_s
        if lag <= 0:
            for w in writes:
                self.tables[w.obj].put(w.row)
            return
        visible_at = stamped + timedelta(seconds=lag)
        for w in writes:
            rid = w.row[self.tables[w.obj].ix_id]
            self._pending_rows[rid] = w.row
            self._pending_count[rid] = self._pending_count.get(rid, 0) + 1
        heapq.heappush(self._pending, (visible_at, next(self._seq), writes))

    def settle(self) -> None:
        now = self.now()
        while self._pending and self._pending[0][0] <= now:
            _, _, writes = heapq.heappop(self._pending)
            for w in writes:
                table = self.tables[w.obj]
                rid = w.row[table.ix_id]
                left = self._pending_count.get(rid, 1) - 1
                if rid not in self._cancelled:
                    table.put(w.row)
                if left <= 0:
                    self._pending_count.pop(rid, None)
                    self._cancelled.discard(rid)
                    if self._pending_rows.get(rid) is w.row:
                        del self._pending_rows[rid]
                else:
                    self._pending_count[rid] = left
        self._expire_deletes(now)
        for hook in self.settle_hooks:
            hook()

    def _expire_deletes(self, now: datetime) -> None:
        purge_before = fmt_datetime(now - timedelta(days=self.settings.recycle_bin_days))
        forget_before = fmt_datetime(now - timedelta(days=self.settings.deleted_retention_days))
        for table in self.tables.values():
            while table.recycle and table.recycle[0][0] < purge_before:
                table.remove(table.recycle[0][1])
            while table.delete_log and table.delete_log[0][0] < forget_before:
                _, rid = table.delete_log.pop(0)
                table.deleted_at.pop(rid, None)

    # ---- deletes ------------------------------------------------------------------------------------------
    def delete(self, obj: str, ids: Iterable[str], *, mode: str, actor: str) -> list[Deleted]:
        """Delete ``ids`` and, as Salesforce does, their cascade children. ``mode``: ``soft`` (to the Recycle Bin:
        IsDeleted, visible to queryAll), ``hard`` (skips the bin) or ``purge`` (delete if needed, then empty the
        bin of these rows: only sobjects/{name}/deleted, or their absence, shows them)."""
        stamp = self.stamp()
        targets = self._with_cascades(obj, set(ids), include_deleted=mode != "soft")
        out: list[Deleted] = []
        for target_obj, target_ids in targets.items():
            table = self.tables[target_obj]
            # Objects without a Recycle Bin (territory associations, quotas, setup objects) lose the row at once.
            how = "hard" if mode == "soft" and not table.obj.recycle_bin else mode
            for rid in sorted(target_ids):
                out.append(self._delete_one(table, rid, mode=how, stamp=stamp, actor=actor))
        return out

    def _delete_one(self, table: Table, rid: str, *, mode: str, stamp: str, actor: str) -> Deleted:
        if self._pending_count.get(rid):
            self._cancelled.add(rid)
            pending = self._pending_rows.pop(rid, None)
            if pending is not None:
                table.put(pending)  # a delete commits the record's pending write first
        row = table.rows[rid]
        deleted_at = table.deleted_at.get(rid)
        if deleted_at is None:
            deleted_at = stamp
            table.deleted_at[rid] = stamp
            table.delete_log.add((stamp, rid))
        if mode == "soft":
            if row[table.ix_deleted]:
                return Deleted(table.obj.name, rid, deleted_at)
            new = list(row)
            new[table.ix_deleted] = True
            new[table.ix_modstamp] = stamp
            if "LastModifiedById" in table.columns:
                new[table.columns["LastModifiedById"]] = actor
            table.put(new)
            table.recycle.add((deleted_at, rid))
        else:
            table.remove(rid)
        return Deleted(table.obj.name, rid, deleted_at)

    def _with_cascades(self, obj: str, ids: set[str], *, include_deleted: bool) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {obj: set(ids)}
        frontier = [(obj, set(ids))]
        while frontier:
            parent, parent_ids = frontier.pop()
            for rel in self.catalog.cascades(parent):
                child = self.tables[rel.child.name]
                if not child.rows:
                    continue
                ix = child.columns[rel.field.name]
                found = {rid for rid, row in child.rows.items()
                         if row[ix] in parent_ids and (include_deleted or not row[child.ix_deleted])}
                found -= out.get(rel.child.name, set())
                if found:
                    out.setdefault(rel.child.name, set()).update(found)
                    frontier.append((rel.child.name, found))
        return out

    def trim_delete_log(self, obj: str, ids: Iterable[str]) -> list[str]:
        """Salesforce's background process purges delete-log entries when the log grows past a limit: the deletes
        of ``ids`` vanish from ``sobjects/{obj}/deleted`` (only their absence still shows them)."""
        table = self.tables[obj]
        wanted = set(ids)
        gone = [(at, rid) for at, rid in table.delete_log if rid in wanted]
        for entry in gone:
            table.delete_log.remove(entry)
        return [rid for _, rid in gone]

    def empty_recycle_bin(self, obj: str, ids: Iterable[str] | None = None) -> list[str]:
        table = self.tables[obj]
        wanted = set(ids) if ids is not None else None
        purged = [rid for _, rid in list(table.recycle) if wanted is None or rid in wanted]
        for rid in purged:
            table.remove(rid)
        return purged
