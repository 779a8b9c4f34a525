"""One way to print: Rich for people, JSON for scripts (``--json``), errors on stderr with secrets scrubbed."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from connectors.http.redact import Redactor

# Piped or redirected output is read by a program or kept in a log: a line cut at Rich's 80-column default for
# non-terminals would split an error message or a table row. Tables get this much room; text is never wrapped.
UNBOUNDED_WIDTH = 100_000


class Output:
    def __init__(self, *, as_json: bool, redactor: Redactor | None = None) -> None:
        self.as_json = as_json
        self.redact = redactor or Redactor()
        self.console = Console(stderr=as_json)  # with --json, stdout carries only the JSON document
        self.err = Console(stderr=True)
        self._unbounded = Console(stderr=as_json, width=UNBOUNDED_WIDTH)  # where self.console goes, when no terminal

    def json(self, payload: Any) -> None:
        """One JSON document on stdout; every document says ``ok`` first (a command that succeeds without saying so
        is ``ok: true``), so scripts test one key whatever the command."""
        if isinstance(payload, dict) and "ok" not in payload:
            payload = {"ok": True, **payload}
        text = json.dumps(payload, indent=2, default=_default, sort_keys=False)
        sys.stdout.write(self.redact(text) + "\n")

    def error(self, message: str) -> None:
        self.note(f"[bold red]error:[/] {self.redact(message)}")

    def note(self, message: str) -> None:
        """A line for people on stderr, even under ``--json`` (stdout then carries only the JSON document)."""
        _print_text(self.err, self.redact(message))

    def warning(self, message: str) -> None:
        self.err.print(f"[bold yellow]warning:[/] {self.redact(message)}", highlight=False)

    def info(self, message: str) -> None:
        if not self.as_json:
            _print_text(self.console, self.redact(message))

    def table(self, title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], *,
              numeric: Sequence[str] = ()) -> None:
        """Columns named ``#…`` or ``n_…``, and those in ``numeric``, are right-justified."""
        if self.as_json:
            return
        table = Table(title=title, title_justify="left")
        for col in columns:
            table.add_column(col, justify="right" if col.startswith(("#", "n_")) or col in numeric else "left")
        for row in rows:
            table.add_row(*(self.redact(_cell(c)) for c in row))
        # Console.print(width=) only narrows: a console of its own gives a table all the room it needs.
        (self.console if self.console.is_terminal else self._unbounded).print(table)


def _print_text(console: Console, text: str) -> None:
    """Wrapped to a terminal's width; never wrapped nor cropped when not a terminal."""
    console.print(text, highlight=False, soft_wrap=not console.is_terminal)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return str(value)


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
