"""Instants on the wire -> aware UTC datetimes: the one parser every connector's ``values.parse_instant`` uses.

A time without an offset is refused, never read as UTC: each CRM would interpret it in some zone of its own (the
Marketo subscription's, the Dataverse user's), so guessing would shift a cursor by hours.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def parse_instant(value: Any) -> datetime:
    """ISO-8601 with ``Z`` or any offset (``+00:00`` and Salesforce's ``+0000``), or an aware datetime -> UTC."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()}")
        return value.astimezone(UTC)
    parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"instant without a UTC offset: {value!r}")
    return parsed.astimezone(UTC)
