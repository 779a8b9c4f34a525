"""Appending many rows to a table fast, inside the caller's transaction: the KPI refresh writes millions.

Values pass through each column type's own bind processing (SQLAlchemy's, and crmhub's UtcDateTime), so a row reads
back exactly as one inserted through SQLAlchemy; then the driver takes them in bulk, without SQLAlchemy's per-row
statement work: SQLite's ``executemany``, PostgreSQL's ``COPY ... FROM STDIN`` (psycopg's binary-free text copy).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table

Processor = Callable[[Any], Any]


class BulkWriter:
    """Rows (tuples in ``columns``' order) appended to ``table`` on ``conn``, in its transaction."""

    def __init__(self, conn: Connection, table: Table, columns: Sequence[str]) -> None:
        unknown = [c for c in columns if c not in table.c]
        if unknown:
            raise ValueError(f"{table.name} has no column {', '.join(unknown)}")
        self.conn, self.table, self.columns = conn, table, tuple(columns)
        dialect = conn.dialect
        self._processors: list[Processor | None] = [
            table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
        self._postgresql = dialect.name == "postgresql"
        names = ", ".join(f'"{c}"' for c in columns)
        self._sql = (f'COPY "{table.name}" ({names}) FROM STDIN' if self._postgresql
                     else f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" for _ in columns)})')

    def write(self, rows: Iterable[tuple[Any, ...]]) -> int:
        """Append ``rows``; how many were written."""
        processors = [(i, p) for i, p in enumerate(self._processors) if p is not None]
        if processors:
            rows = (_processed(row, processors) for row in rows)
        cursor: Any = self.conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]  # open: in use
        n = 0
        try:
            if self._postgresql:
                with cursor.copy(self._sql) as copy:
                    for row in rows:
                        copy.write_row(row)
                        n += 1
            else:
                listed = list(rows)
                cursor.executemany(self._sql, listed)
                n = len(listed)
        finally:
            cursor.close()
        return n


def _processed(row: tuple[Any, ...], processors: list[tuple[int, Processor]]) -> tuple[Any, ...]:
    values = list(row)
    for i, process in processors:
        if values[i] is not None:
            values[i] = process(values[i])
    return tuple(values)
