"""Values on their way into Salesforce: JSON for Collections, CSV cells for Bulk 2.0, and Bulk's error text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from connectors.salesforce.values import rest_instant

BULK_NULL = "#N/A"  # an empty cell leaves a field unchanged; this sets it to null


def wire(value: Any) -> Any:
    if isinstance(value, datetime):
        return rest_instant(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def cell(value: Any) -> str:
    if value is None:
        return BULK_NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(wire(value))


def bulk_rows(key: str, items: Sequence[tuple[str, Mapping[str, Any]]]) -> tuple[list[str], list[list[str]]]:
    """One CSV for changes that may set different fields: a field a change does not set stays an empty cell."""
    columns = sorted({f for _, values in items for f in values if f != key})
    header = [key, *columns]
    rows = [[ident, *(cell(values[c]) if c in values else "" for c in columns)] for ident, values in items]
    return header, rows


def failure_of(text: str) -> tuple[str, str, tuple[str, ...]]:
    """``sf__Error`` is ``CODE:message:fields --``."""
    code, _, rest = text.partition(":")
    message, _, fields = rest.rpartition(":")
    if not message:
        message, fields = rest, ""
    names = tuple(f.strip() for f in fields.replace("--", "").split(",") if f.strip())
    return code.strip(), message.strip(), names
