"""One object type's records and the indexes its reads need: live ids, archived ids and (modified, id).

Memory matters at a million records, so a record is a slotted object whose stored properties are one tuple; an
edit replaces the tuple (copy-on-write), which is also how the previous version survives for search's lag.
"""

from __future__ import annotations

from sortedcontainers import SortedList

from sandbox.hubspot.schema import ObjectSchema

Values = tuple[str | None, ...]
Link = int | tuple[int, ...]  # one associated id (0: none) or several


class Rec:
    __slots__ = ("archived_at", "created", "id", "links", "merged_into", "modified", "person", "prev", "values")

    def __init__(self, rid: int, values: Values, created: int, modified: int, *, links: tuple[Link, ...] = (),
                 person: int = -1) -> None:
        self.id = rid
        self.values = values
        self.created = created
        self.modified = modified
        self.prev: tuple[Values, int] | None = None  # the version search still sees during the lag
        self.archived_at: int | None = None
        self.merged_into: int | None = None
        self.links = links
        self.person = person  # population key (contacts) or company key (companies); -1 when not drawn from it

    @property
    def live(self) -> bool:
        return self.archived_at is None and self.merged_into is None

    def get(self, column: int) -> str | None:
        return self.values[column] if column < len(self.values) else None


class Table:
    def __init__(self, schema: ObjectSchema) -> None:
        self.schema = schema
        self.recs: dict[int, Rec] = {}
        self.live: SortedList = SortedList()
        self.archived: SortedList = SortedList()
        self.by_modified: SortedList = SortedList()  # (modified ms, id) of live records
        self.merged: set[int] = set()
        self.purged: dict[int, int] = {}  # id -> when it was purged
        self.unique: dict[str, dict[str, int]] = {name: {} for name in schema.unique_props()}
        self.next_id = 1
        self.version = 0  # bumped on every change: search caches are valid for one version only
        self.max_modified = 0

    def load(self, recs: list[Rec]) -> None:
        """Bulk-insert seeded records (SortedList built in one sort, not a million inserts)."""
        for rec in recs:
            self.recs[rec.id] = rec
            self._index_unique(rec, rec.values)
        live = [r for r in recs if r.live]
        self.live = SortedList(r.id for r in live)
        self.by_modified = SortedList((r.modified, r.id) for r in live)
        self.archived = SortedList(r.id for r in recs if r.archived_at is not None)
        self.merged = {r.id for r in recs if r.merged_into is not None}
        if recs:
            self.next_id = max(self.next_id, max(r.id for r in recs) + 1)
            self.max_modified = max(self.max_modified, max(r.modified for r in recs))
        self.version += 1

    def allocate_id(self, gap: int = 0) -> int:
        rid = self.next_id + gap
        self.next_id = rid + 1
        return rid

    def insert(self, rec: Rec) -> None:
        self.recs[rec.id] = rec
        self.live.add(rec.id)
        self.by_modified.add((rec.modified, rec.id))
        self._index_unique(rec, rec.values)
        self._touched(rec.modified)

    def replace(self, rec: Rec, values: Values, modified: int, *, lag_ms: int) -> None:
        """New current version. The old one becomes ``prev`` only if search could already see it; otherwise the
        older ``prev`` stays, since that is still what search shows."""
        if rec.modified <= modified - lag_ms:
            rec.prev = (rec.values, rec.modified)
        self._unindex_unique(rec, rec.values)
        self.by_modified.remove((rec.modified, rec.id))
        rec.values, rec.modified = values, modified
        self.by_modified.add((modified, rec.id))
        self._index_unique(rec, values)
        self._touched(modified)

    def archive(self, rec: Rec, when: int) -> None:
        self._drop_live(rec)
        rec.archived_at = when
        self.archived.add(rec.id)
        self._touched(when)

    def mark_merged(self, rec: Rec, into: int, when: int) -> None:
        self._drop_live(rec)
        rec.merged_into = into
        self.merged.add(rec.id)
        self._touched(when)

    def purge(self, rec: Rec, when: int) -> None:
        if rec.live:
            self._drop_live(rec)
        self.archived.discard(rec.id)
        self.merged.discard(rec.id)
        del self.recs[rec.id]
        self.purged[rec.id] = when
        self._touched(when)

    def resolve(self, rid: int) -> Rec | None:
        """The live record behind ``rid``, following merges (a merged-away id answers with its survivor)."""
        rec = self.recs.get(rid)
        for _ in range(64):  # merge chains are short; the bound only guards against a cycle
            if rec is None or rec.merged_into is None:
                break
            rec = self.recs.get(rec.merged_into)
        return rec if rec is not None and rec.live else None

    def find_unique(self, prop: str, value: str) -> Rec | None:
        rid = self.unique.get(prop, {}).get(value.strip().lower())
        return self.recs.get(rid) if rid is not None else None

    def find_by_person(self, key: int) -> Rec | None:
        """The live record drawn from population entity ``key`` (admin use only: a scan)."""
        return next((r for r in self.recs.values() if r.person == key and r.live), None)

    def add_unique_index(self, prop: str) -> None:
        self.unique.setdefault(prop, {})

    def _drop_live(self, rec: Rec) -> None:
        self.live.discard(rec.id)
        self.by_modified.discard((rec.modified, rec.id))
        self._unindex_unique(rec, rec.values)

    def _index_unique(self, rec: Rec, values: Values) -> None:
        if not rec.live:
            return
        for prop, index in self.unique.items():
            column = self.schema.columns.get(prop)
            value = values[column] if column is not None and column < len(values) else None
            if value:
                index.setdefault(value.strip().lower(), rec.id)

    def _unindex_unique(self, rec: Rec, values: Values) -> None:
        for prop, index in self.unique.items():
            column = self.schema.columns.get(prop)
            value = values[column] if column is not None and column < len(values) else None
            if value and index.get(value.strip().lower()) == rec.id:
                del index[value.strip().lower()]

    def _touched(self, when: int) -> None:
        self.version += 1
        self.max_modified = max(self.max_modified, when)
