"""The SQL statements an engine or connection runs inside a block, to pin which work a code path skips."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, event


@contextmanager
def statements(target: Engine | Connection) -> Iterator[list[str]]:
    """Yields a list that fills with each statement's SQL text (one entry per execute or executemany)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(target, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(target, "before_cursor_execute", record)


def touching(seen: list[str], verb: str, table: str) -> list[str]:
    """The statements among ``seen`` that ``verb`` (SELECT, INSERT, UPDATE) ``table``."""
    verb = verb.upper()
    marks = {"SELECT": f"FROM {table}", "INSERT": f"INSERT INTO {table}", "UPDATE": f"UPDATE {table}"}
    return [s for s in seen if s.upper().startswith(verb) and marks[verb].upper() in s.upper()]
