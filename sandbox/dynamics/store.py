"""The organisation's rows in memory, with the indexes the queries and change tracking need.

Every table keeps three ``SortedList`` indexes of plain ints: the primary key in SQL Server order, (modifiedon, key)
and (versionnumber, key). ``versionnumber`` is one counter for the whole organisation, bumped by every write, so
``W/"<versionnumber>"`` etags and delta tokens come from the same clock. Deleted rows leave a tombstone that change
tracking reports as ``$deletedEntity``. Activities are mirrored into ``activitypointer`` in the same step, with the
same version, as the platform's pointer view would show them.

Change sets need all-or-nothing writes: ``transaction()`` journals the first image of every row it touches and puts
them back if the block raises.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sortedcontainers import SortedList

from sandbox.dynamics import errors
from sandbox.dynamics.catalog import Catalog
from sandbox.dynamics.guids import GuidFactory, from_sql_key, sql_key
from sandbox.dynamics.schema import Table
from sandbox.dynamics.tables import TABLES

SHIFT = 128
POINTER = "activitypointer"
POINTER_STATUS: dict[object, int] = {0: 1, 1: 2, 2: 3, 3: 4}  # activitypointer's own status reason for each state


@dataclass(frozen=True, slots=True)
class Ref:
    """A lookup value: the target table and the target id."""

    logical: str
    id: str


@dataclass(slots=True)
class Tombstone:
    version: int
    id: str
    at: int
    row: list[Any]
    tracked: bool  # False for purged rows: gone without a trace in change tracking


@dataclass
class TableState:
    table: Table
    rows: dict[str, list[Any]] = field(default_factory=dict)
    pk: SortedList = field(default_factory=SortedList)
    by_modified: SortedList = field(default_factory=SortedList)
    by_version: SortedList = field(default_factory=SortedList)
    tombstones: list[Tombstone] = field(default_factory=list)
    deleted: dict[str, Tombstone] = field(default_factory=dict)
    keys: dict[str, dict[tuple[Any, ...], str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.keys = {k.name: {} for k in self.table.keys}
        c = self.table.col
        self.i_mod, self.i_ver, self.i_pk = c[self.table.stamp], c["versionnumber"], c[self.table.primary_id]


def _norm(value: Any) -> Any:
    # alternate keys match the way SQL Server's case-insensitive collation compares
    return value.casefold().rstrip() if isinstance(value, str) else value


class Store:
    def __init__(self, *, seed: int, first_version: int = 1_000_000) -> None:
        self.guids = GuidFactory(seed)
        self.version = first_version
        self.catalog = Catalog(TABLES.values())
        self.tables: dict[str, TableState] = {name: TableState(t) for name, t in TABLES.items()}
        self.refs: dict[str, set[tuple[str, str]]] = {}
        self._journal: dict[tuple[str, str], list[Any] | None] | None = None
        self._tomb_marks: dict[str, int] = {}
        # Updates per row through the Web API (not admin edits): proves a write applied exactly once.
        self.saves: dict[tuple[str, str], int] = {}
        self._saves_in_txn: list[tuple[str, str]] = []

    # ---- schema changes (custom tables) ---------------------------------------------------------------------
    def add_table(self, table: Table) -> None:
        """A table a maker created: empty, and served from now on."""
        self.catalog.put(table)
        self.tables[table.logical] = TableState(table)

    def alter_table(self, table: Table) -> None:
        """A new definition of an existing table (a column added): its rows and tombstones take the new layout."""
        old = self.tables[table.logical]
        moved = [(table.col[name], old.table.col[name]) for name in table.columns if name in old.table.col]

        def remap(row: list[Any]) -> list[Any]:
            out = table.new_row()
            for i, j in moved:
                out[i] = row[j]
            return out

        self.catalog.put(table)
        st = TableState(table)
        self.tables[table.logical] = st
        self._bulk_index(st, [remap(r) for r in old.rows.values()])
        renewed = {id(t): Tombstone(t.version, t.id, t.at, remap(t.row), t.tracked) for t in old.deleted.values()}
        st.deleted = {rid: renewed[id(t)] for rid, t in old.deleted.items()}
        st.tombstones = [renewed.get(id(t)) or Tombstone(t.version, t.id, t.at, remap(t.row), t.tracked)
                         for t in old.tombstones]

    # ---- reads -------------------------------------------------------------------------------------------
    def state(self, logical: str) -> TableState:
        return self.tables[logical]

    def get(self, logical: str, record_id: str) -> list[Any] | None:
        return self.tables[logical].rows.get(record_id.lower())

    def find_by_key(self, logical: str, key_name: str, values: tuple[Any, ...]) -> str | None:
        return self.tables[logical].keys[key_name].get(tuple(_norm(v) for v in values))

    # ---- index maintenance (every mutation goes through these two) ---------------------------------------
    def _put(self, st: TableState, row: list[Any]) -> None:
        record_id = row[st.i_pk]
        k = sql_key(record_id)
        st.rows[record_id] = row
        st.pk.add(k)
        st.by_modified.add((row[st.i_mod] << SHIFT) | k)
        st.by_version.add((row[st.i_ver] << SHIFT) | k)
        for key in st.table.keys:
            values = tuple(row[st.table.col[a]] for a in key.attributes)
            if None not in values:
                st.keys[key.name][tuple(_norm(v) for v in values)] = record_id
        if st.table.logical == POINTER:
            return
        for c in st.table.ref_columns:
            if row[c] is not None:
                self.refs.setdefault(row[c], set()).add((st.table.logical, record_id))
        if st.table.is_activity:
            self._put(self.tables[POINTER], self._pointer_row(st.table, row))

    def _remove(self, st: TableState, record_id: str) -> list[Any] | None:
        row = st.rows.pop(record_id, None)
        if row is None:
            return None
        k = sql_key(record_id)
        st.pk.remove(k)
        st.by_modified.remove((row[st.i_mod] << SHIFT) | k)
        st.by_version.remove((row[st.i_ver] << SHIFT) | k)
        for key in st.table.keys:
            values = tuple(row[st.table.col[a]] for a in key.attributes)
            if None not in values:
                st.keys[key.name].pop(tuple(_norm(v) for v in values), None)
        if st.table.logical == POINTER:
            return row
        for c in st.table.ref_columns:
            if row[c] is not None and row[c] in self.refs:
                self.refs[row[c]].discard((st.table.logical, record_id))
        if st.table.is_activity:
            self._remove(self.tables[POINTER], record_id)
        return row

    def _pointer_row(self, source: Table, row: list[Any]) -> list[Any]:
        pointer = self.catalog[POINTER]
        out = pointer.new_row()
        for name, i in pointer.col.items():
            j = source.col.get(name)
            if j is not None:
                out[i] = row[j]
        out[pointer.col["activitytypecode"]] = source.logical
        state = out[pointer.col["statecode"]]
        out[pointer.col["statuscode"]] = POINTER_STATUS.get(state) if state is not None else None
        return out

    # ---- journaled mutations ------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing writes (a change set): on an exception every touched row is put back as it was."""
        if self._journal is not None:
            yield
            return
        self._journal = {}
        self._saves_in_txn = []
        self._tomb_marks = {name: len(st.tombstones) for name, st in self.tables.items()}
        try:
            yield
        except BaseException:
            self._rollback()
            raise
        finally:
            self._journal = None

    def _touch(self, logical: str, record_id: str) -> None:
        if self._journal is not None and (logical, record_id) not in self._journal:
            row = self.tables[logical].rows.get(record_id)
            self._journal[(logical, record_id)] = list(row) if row is not None else None

    def count_save(self, logical: str, record_id: str) -> None:
        self.saves[(logical, record_id)] = self.saves.get((logical, record_id), 0) + 1
        if self._journal is not None:  # a change set rolled back takes its saves with it
            self._saves_in_txn.append((logical, record_id))

    def _rollback(self) -> None:
        assert self._journal is not None
        for key in self._saves_in_txn:
            self.saves[key] -= 1
        for (logical, record_id), original in reversed(list(self._journal.items())):
            st = self.tables[logical]
            self._remove(st, record_id)
            if original is not None:
                self._forget_deletion(st, record_id)
                self._put(st, original)
        for name, mark in self._tomb_marks.items():
            st = self.tables[name]
            for tomb in st.tombstones[mark:]:
                if st.deleted.get(tomb.id) is tomb:
                    del st.deleted[tomb.id]
            del st.tombstones[mark:]

    def next_version(self) -> int:
        self.version += 1
        return self.version

    def insert(self, logical: str, row: list[Any]) -> list[Any]:
        """Add a complete row (id, stamps and version already set by the caller)."""
        st = self.tables[logical]
        record_id = row[st.i_pk]
        # activities share one key space (the activitypointer table underneath them all)
        taken = st.rows if not st.table.is_activity else self.tables[POINTER].rows
        if record_id in taken:
            raise errors.DataverseError(412, errors.DUPLICATE, "A record with matching key values already exists.")
        self._check_keys(st, row, record_id)
        self._touch(logical, record_id)
        self._forget_deletion(st, record_id)
        self._put(st, row)
        return row

    def _forget_deletion(self, st: TableState, record_id: str) -> None:
        st.deleted.pop(record_id, None)
        if st.table.is_activity:
            self.tables[POINTER].deleted.pop(record_id, None)

    def replace(self, logical: str, row: list[Any]) -> list[Any]:
        """Swap in a new image of an existing row (the caller bumped its version and modifiedon)."""
        st = self.tables[logical]
        record_id = row[st.i_pk]
        self._check_keys(st, row, record_id)
        self._touch(logical, record_id)
        self._remove(st, record_id)
        self._put(st, row)
        return row

    def remove(self, logical: str, record_id: str, *, at: int, tracked: bool) -> Tombstone | None:
        st = self.tables[logical]
        self._touch(logical, record_id)
        row = self._remove(st, record_id)
        if row is None:
            return None
        tomb = Tombstone(self.next_version(), record_id, at, row, tracked)
        st.deleted[record_id] = tomb
        if tracked:
            st.tombstones.append(tomb)
        if st.table.is_activity and logical != POINTER:
            pointer = self.tables[POINTER]
            ptomb = Tombstone(tomb.version, record_id, at, self._pointer_row(st.table, row), tracked)
            pointer.deleted[record_id] = ptomb
            if tracked:
                pointer.tombstones.append(ptomb)
        return tomb

    def _check_keys(self, st: TableState, row: list[Any], record_id: str) -> None:
        for key in st.table.keys:
            values = tuple(row[st.table.col[a]] for a in key.attributes)
            if None in values:
                continue
            holder = st.keys[key.name].get(tuple(_norm(v) for v in values))
            if holder is not None and holder != record_id:
                labels = ", ".join(st.table.by_name[a].label for a in key.attributes)
                raise errors.DataverseError(
                    412, errors.DUPLICATE,
                    f"A record that has the attribute values {labels} already exists. The entity key {key.label} "
                    "Key requires that this set of attributes contains unique values. Select unique values and try "
                    "again.",
                )

    def referencing(self, record_id: str) -> list[tuple[str, str]]:
        return sorted(self.refs.get(record_id, ()))

    # ---- bulk load (seeding) ----------------------------------------------------------------------------
    def load(self, rows_by_table: dict[str, list[list[Any]]]) -> None:
        """Seed rows in one go: versions follow modifiedon (ties by key), then the indexes are built once."""
        stamped: list[tuple[int, int, str, list[Any]]] = []
        for logical, rows in rows_by_table.items():
            st = self.tables[logical]
            for row in rows:
                stamped.append((row[st.i_mod], sql_key(row[st.i_pk]), logical, row))
        stamped.sort(key=lambda item: (item[0], item[1]))
        for _, _, logical, row in stamped:
            row[self.tables[logical].i_ver] = self.next_version()
        for logical, rows in rows_by_table.items():
            st = self.tables[logical]
            self._bulk_index(st, rows)
            if st.table.is_activity:
                self._bulk_index(self.tables[POINTER], [self._pointer_row(st.table, r) for r in rows])

    def _bulk_index(self, st: TableState, rows: list[list[Any]]) -> None:
        keys = [sql_key(r[st.i_pk]) for r in rows]
        st.rows.update((r[st.i_pk], r) for r in rows)
        st.pk.update(keys)
        st.by_modified.update((r[st.i_mod] << SHIFT) | k for r, k in zip(rows, keys, strict=True))
        st.by_version.update((r[st.i_ver] << SHIFT) | k for r, k in zip(rows, keys, strict=True))
        for key in st.table.keys:
            index = st.keys[key.name]
            cols = [st.table.col[a] for a in key.attributes]
            for r in rows:
                values = tuple(r[c] for c in cols)
                if None not in values:
                    index.setdefault(tuple(_norm(v) for v in values), r[st.i_pk])
        if st.table.logical == POINTER:
            return
        lookups = st.table.ref_columns
        for r in rows:
            for c in lookups:
                if r[c] is not None:
                    self.refs.setdefault(r[c], set()).add((st.table.logical, r[st.i_pk]))


def id_of(key: int) -> str:
    """The record id in an index entry (the low 128 bits)."""
    return from_sql_key(key & ((1 << SHIFT) - 1))
