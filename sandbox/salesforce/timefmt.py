"""Salesforce's time formats. Datetimes are stored as their canonical UTC text, which sorts like the instant."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$"
)


def fmt_datetime(dt: datetime) -> str:
    """``2024-05-01T12:00:00.000+0000``: the REST API's rendering, and the stored form."""
    return dt.astimezone(UTC).isoformat(timespec="milliseconds")[:-6] + "+0000"


def parse_datetime(text: str) -> datetime | None:
    """An ISO-8601 datetime with an explicit zone (``Z``, ``+01:00``, ``+0100``); None when it is not one."""
    m = _ISO.match(text.strip())
    if not m:
        return None
    year, month, day, hour, minute, second, frac, zone = m.groups()
    try:
        base = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=UTC)
    except ValueError:
        return None
    if frac:
        base += timedelta(microseconds=int(frac[:6].ljust(6, "0")))
    if zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        base -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return base


def parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if len(text.strip()) == 10 else None
    except ValueError:
        return None


def stored_to_datetime(stored: str) -> datetime:
    return datetime.strptime(stored[:19], "%Y-%m-%dT%H:%M:%S").replace(
        tzinfo=UTC, microsecond=int(stored[20:23]) * 1000)


def bulk_datetime(stored: str) -> str:
    """Bulk API 2.0 CSV writes datetimes with a ``Z``: ``2024-05-01T12:00:00.000Z``."""
    return stored[:23] + "Z"


def floor_minute(dt: datetime) -> datetime:
    return dt.replace(second=0, microsecond=0)


def day_start(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)
