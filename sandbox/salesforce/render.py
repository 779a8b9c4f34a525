"""Records as the APIs write them: REST JSON (attributes, nested parents) and Bulk 2.0 CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from sandbox.salesforce.fields import FieldDef
from sandbox.salesforce.paths import Path
from sandbox.salesforce.store import Store
from sandbox.salesforce.table import Table
from sandbox.salesforce.timefmt import bulk_datetime

DELIMITERS = {"COMMA": ",", "TAB": "\t", "PIPE": "|", "SEMICOLON": ";", "CARET": "^", "BACKQUOTE": "`"}
LINE_ENDINGS = {"LF": "\n", "CRLF": "\r\n"}


def attributes(obj: str, record_id: str, version: str) -> dict[str, str]:
    return {"type": obj, "url": f"/services/data/v{version}/sobjects/{obj}/{record_id}"}


class JsonRenderer:
    def __init__(self, *, store: Store, version: str) -> None:
        self.store = store
        self.version = version

    def record(self, table: Table, row: list[Any], paths: list[Path]) -> dict[str, Any]:
        out: dict[str, Any] = {"attributes": attributes(table.obj.name, row[table.ix_id], self.version)}
        context: dict[int, tuple[Table, list[Any]]] = {id(out): (table, row)}
        for path in paths:
            self._put(out, path, context)
        return out

    def _put(self, out: dict[str, Any], path: Path, context: dict[int, tuple[Table, list[Any]]]) -> None:
        node = out
        for step in path.steps:
            if step.rel not in node:
                table, row = context[id(node)]
                found = self.store.lookup(step.ref(row))
                if found is None or found[1][found[0].ix_deleted]:
                    node[step.rel] = None
                    return
                parent_table, parent_row = found
                child: dict[str, Any] = {"attributes": attributes(parent_table.obj.name, parent_row[parent_table.ix_id],
                                                                 self.version)}
                context[id(child)] = found
                node[step.rel] = child
            if node[step.rel] is None:
                return
            node = node[step.rel]
        table, row = context[id(node)]
        node[path.names[-1]] = path.terminal(table, row)


def csv_value(f: FieldDef, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if f.type == "datetime" and isinstance(value, str):
        return bulk_datetime(value)
    return str(value)


class CsvWriter:
    """Bulk 2.0 CSV: every value quoted, nulls empty, the chosen delimiter and line ending."""

    def __init__(self, *, delimiter: str = "COMMA", line_ending: str = "LF") -> None:
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, delimiter=DELIMITERS[delimiter], lineterminator=LINE_ENDINGS[line_ending],
                                 quoting=csv.QUOTE_ALL)

    def row(self, values: list[str]) -> None:
        self.writer.writerow(values)

    def text(self) -> str:
        return self.buffer.getvalue()
