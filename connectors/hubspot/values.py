"""HubSpot's wire values: every property a string, instants as ISO-8601 or epoch milliseconds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from connectors.base import Record
from connectors.instants import parse_instant as instant


def parse_instant(value: Any) -> datetime:
    """Epoch milliseconds (HubSpot's older properties) or ``connectors.instants.parse_instant``'s ISO forms."""
    text = value if isinstance(value, datetime) else str(value).strip()
    if isinstance(text, str) and text.isdigit():
        return datetime.fromtimestamp(int(text) / 1000, UTC)
    return instant(text)


def epoch_ms(value: datetime) -> str:
    return str(int(value.timestamp() * 1000))


def flatten(obj: dict[str, Any]) -> Record:
    """One CRM object -> a flat record of native names (properties first, then the envelope's own fields)."""
    record: Record = dict(obj.get("properties") or {})
    record["id"] = str(obj["id"])
    for key in ("createdAt", "updatedAt", "archived", "archivedAt"):
        if key in obj:
            record[key] = obj[key]
    return record
