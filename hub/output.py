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


class Output:
    def __init__(self, *, as_json: bool, redactor: Redactor | None = None) -> None:
        self.as_json = as_json
        self.redact = redactor or Redactor()
        self.console = Console(stderr=as_json)  # with --json, stdout carries only the JSON document
        self.err = Console(stderr=True)

    def json(self, payload: Any) -> None:
        text = json.dumps(payload, indent=2, default=_default, sort_keys=False)
        sys.stdout.write(self.redact(text) + "\n")

    def error(self, message: str) -> None:
        self.err.print(f"[bold red]error:[/] {self.redact(message)}", highlight=False)

    def warning(self, message: str) -> None:
        self.err.print(f"[bold yellow]warning:[/] {self.redact(message)}", highlight=False)

    def info(self, message: str) -> None:
        if not self.as_json:
            self.console.print(self.redact(message), highlight=False)

    def table(self, title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        if self.as_json:
            return
        table = Table(title=title, title_justify="left")
        for col in columns:
            table.add_column(col, justify="right" if col.startswith(("#", "n_")) else "left")
        for row in rows:
            table.add_row(*(self.redact(_cell(c)) for c in row))
        self.console.print(table)


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
