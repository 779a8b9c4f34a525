"""One sObject's committed rows, kept compact (a list per record) and indexed by (SystemModstamp, Id)."""

from __future__ import annotations

from typing import Any

from sortedcontainers import SortedList

from sandbox.salesforce.fields import ObjectDef


class Table:
    """Rows are lists in the order of the object's stored fields; datetimes are canonical UTC text, so the
    ``by_modstamp`` index sorts by instant and ties break on Id exactly as ``ORDER BY SystemModstamp, Id``."""

    def __init__(self, obj: ObjectDef) -> None:
        self.obj = obj
        self.columns: dict[str, int] = {f.name: i for i, f in enumerate(obj.stored)}
        self.width = len(self.columns)
        self.rows: dict[str, list[Any]] = {}
        self.by_modstamp: SortedList = SortedList()
        self.recycle: SortedList = SortedList()  # (deletedDate, id) of soft-deleted rows still in the Recycle Bin
        self.delete_log: SortedList = SortedList()  # (deletedDate, id) of every delete, for sobjects/{name}/deleted
        self.deleted_at: dict[str, str] = {}
        self.next_n = 0
        self.ix_id = self.columns["Id"]
        self.ix_deleted = self.columns["IsDeleted"]
        self.ix_modstamp = self.columns["SystemModstamp"]

    def redefine(self, obj: ObjectDef) -> None:
        """A new definition of the same object: added stored fields become trailing columns, null in every row."""
        added = [f.name for f in obj.stored if f.name not in self.columns]
        self.obj = obj
        for name in added:
            self.columns[name] = len(self.columns)
        self.width = len(self.columns)
        for row in self.rows.values():
            row.extend([None] * (self.width - len(row)))

    def new_row(self) -> list[Any]:
        return [None] * self.width

    def row_from(self, values: dict[str, Any]) -> list[Any]:
        row = self.new_row()
        for name, value in values.items():
            row[self.columns[name]] = value
        return row

    def load(self, rows: list[list[Any]]) -> None:
        """Bulk-load seeded rows (ids ascending): one sort for the index instead of a million inserts."""
        for row in rows:
            self.rows[row[self.ix_id]] = row
        self.by_modstamp = SortedList((row[self.ix_modstamp], row[self.ix_id]) for row in rows)

    def put(self, row: list[Any]) -> None:
        record_id = row[self.ix_id]
        old = self.rows.get(record_id)
        if old is not None:
            self.by_modstamp.discard((old[self.ix_modstamp], record_id))
        self.rows[record_id] = row
        self.by_modstamp.add((row[self.ix_modstamp], record_id))

    def remove(self, record_id: str) -> list[Any] | None:
        row = self.rows.pop(record_id, None)
        if row is not None:
            self.by_modstamp.discard((row[self.ix_modstamp], record_id))
            deleted_at = self.deleted_at.get(record_id)
            if deleted_at is not None:
                self.recycle.discard((deleted_at, record_id))
        return row

    def get(self, row: list[Any], name: str) -> Any:
        return row[self.columns[name]]

    def is_live(self, row: list[Any]) -> bool:
        return not row[self.ix_deleted]

    def live_count(self) -> int:
        return len(self.rows) - len(self.recycle)
