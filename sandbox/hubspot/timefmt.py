"""HubSpot's time formats: instants are epoch milliseconds inside the sandbox and ISO-8601 with ms and ``Z`` outside."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY_MS = 86_400_000


def to_ms(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: every sandbox instant is timezone-aware UTC")
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def iso(ms: int) -> str:
    """``2024-03-05T10:11:12.345Z`` (integer arithmetic: a float timestamp would lose the last millisecond)."""
    seconds, millis = divmod(ms, 1000)
    return f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(seconds))}.{millis:03d}Z"


def iso_date(ms: int) -> str:
    return f"{_EPOCH + timedelta(milliseconds=ms):%Y-%m-%d}"


def parse_instant(text: str) -> int | None:
    """Epoch milliseconds from an epoch-ms string, an ISO datetime (offset or ``Z``) or an ISO date; None if neither."""
    text = text.strip()
    if not text:
        return None
    if text.lstrip("-").isdigit():
        return int(text)
    try:
        if len(text) == 10:
            return to_ms(datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC))
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:  # HubSpot reads an offset-less datetime as UTC
        moment = moment.replace(tzinfo=UTC)
    return to_ms(moment)


def parse_date(text: str) -> int | None:
    """Midnight UTC of a date property value (``YYYY-MM-DD`` or epoch ms); None unless it is exactly a midnight."""
    ms = parse_instant(text)
    if ms is None or ms % DAY_MS:
        return None
    return ms
