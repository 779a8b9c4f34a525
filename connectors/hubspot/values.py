"""HubSpot's wire values: every property a string, instants as ISO-8601 or epoch milliseconds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from connectors.base import Record


def parse_instant(value: Any) -> datetime:
    """ISO-8601 (any offset, or Z) or epoch milliseconds -> aware UTC. Raises ValueError on anything else."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()}")
        return value.astimezone(UTC)
    text = str(value).strip()
    if text.isdigit():
        return datetime.fromtimestamp(int(text) / 1000, UTC)
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"instant without a UTC offset: {text!r}")
    return parsed.astimezone(UTC)


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
