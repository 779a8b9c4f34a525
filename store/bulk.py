"""Appending many rows to a table fast, inside the caller's transaction: the KPI refresh writes millions.

Values pass through each column type's own bind processing (SQLAlchemy's, and crmhub's UtcDateTime), so a row reads
back exactly as one inserted through SQLAlchemy; then the driver takes them in bulk, without SQLAlchemy's per-row
statement work: SQLite's ``executemany``, PostgreSQL's ``COPY ... FROM STDIN`` in text format, rendered a slice of
rows at a time as one block of text (copy_text.py) rather than handed to the driver row by row, and sent by a
thread while the next slice is rendered.

The work is done column by column (a call's rows transposed once): a column's processing and rendering then run as
one loop over its values, and the columns that repeat few values (codes, dates, timestamps) are done once per value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack, closing
from typing import Any

from psycopg.copy import QueuedLibpqWriter
from sqlalchemy import Connection, Table

from store.copy_text import Memo, column_text, copy_block, numeric

Processor = Callable[[Any], Any]
SLICE = 5_000  # rows rendered and sent to COPY at a time


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
        # Numbers are not memoised: 0.0 == -0.0 == False as dict keys, and they rarely repeat anyway
        self._numeric = [numeric(table.c[c].type) for c in columns]
        self._postgresql = dialect.name == "postgresql"
        names = ", ".join(f'"{c}"' for c in columns)
        self._stack: ExitStack | None = None  # within ``with``
        self._copy: Any = None  # the open COPY, within ``with`` on PostgreSQL
        self._sql = (f'COPY "{table.name}" ({names}) FROM STDIN' if self._postgresql
                     else f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" for _ in columns)})')

    def __enter__(self) -> BulkWriter:
        """Within ``with``, one COPY stays open across write() calls (closed at the end): the server works through
        one call's rows while the caller makes the next ones."""
        self._stack = ExitStack()
        return self

    def __exit__(self, *exc: object) -> None:
        stack, self._stack, self._copy = self._stack, None, None
        if stack is not None:
            stack.__exit__(*exc)  # type: ignore[arg-type]  # (type, value, traceback) as given

    def write(self, rows: Iterable[tuple[Any, ...]]) -> int:
        """Append ``rows``; how many were written (within ``with`` on PostgreSQL: sent, checked at its end)."""
        listed = rows if isinstance(rows, list) else list(rows)
        if not listed:
            return 0
        width = len(self.columns)
        wrong = next((row for row in listed if len(row) != width), None)
        if wrong is not None:
            raise ValueError(f"{self.table.name}: a row of {len(wrong)} values for {width} columns: {wrong!r}")
        if self._postgresql and self._stack is not None:
            if self._copy is None:
                self._copy = self._open(self._stack)
            self._send(self._copy, listed)
            return len(listed)
        with ExitStack() as stack:
            if self._postgresql:
                self._send(self._open(stack), listed)
            else:
                cursor = stack.enter_context(closing(self._cursor()))
                cursor.executemany(self._sql, list(zip(*self._columns(listed), strict=True)))
        return len(listed)

    def _cursor(self) -> Any:
        return self.conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]  # open: in use

    def _open(self, stack: ExitStack) -> Any:
        """A COPY whose rows a thread sends while the next are rendered: the server's work overlaps ours."""
        cursor = stack.enter_context(closing(self._cursor()))
        return stack.enter_context(cursor.copy(self._sql, writer=QueuedLibpqWriter(cursor)))

    def _send(self, copy: Any, rows: list[tuple[Any, ...]]) -> None:
        for start in range(0, len(rows), SLICE):
            columns = self._columns(rows[start:start + SLICE])
            copy.write(copy_block([column_text(values, memo=not self._numeric[i])
                                   for i, values in enumerate(columns)]))

    def _columns(self, rows: list[tuple[Any, ...]]) -> list[list[Any]]:
        return [self._processed(i, list(values)) for i, values in enumerate(zip(*rows, strict=True))]

    def _processed(self, index: int, values: list[Any]) -> list[Any]:
        """A column's values through its type's bind processing (None stays None, as SQLAlchemy leaves it)."""
        process = self._processors[index]
        if process is None:
            return values
        if self._numeric[index]:
            return [None if v is None else process(v) for v in values]
        return list(map(Memo(process).__getitem__, values))
