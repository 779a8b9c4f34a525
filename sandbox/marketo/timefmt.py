"""Datetimes as Marketo writes and reads them.

Marketo renders UTC with a ``Z`` and no milliseconds. It reads ISO-8601 with an offset; a datetime without one is
taken in the subscription's time zone (US Central here), which is why Marketo's docs insist on a full datetime
with its zone. Daily quotas reset at midnight US Central.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

CENTRAL = ZoneInfo("America/Chicago")
_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?$"
)


def iso(ts: float) -> str:
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str, *, allow_millis: bool = True) -> datetime | None:
    """An aware UTC datetime, or ``None`` when ``text`` is not ISO-8601."""
    match = _ISO.match(text.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, frac, zone = match.groups()
    if frac is not None and not allow_millis:
        return None
    try:
        naive = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
                         int((frac or "0").ljust(6, "0")[:6]))
    except ValueError:
        return None
    if zone is None:
        return naive.replace(tzinfo=CENTRAL).astimezone(UTC)
    if zone == "Z":
        return naive.replace(tzinfo=UTC)
    sign = 1 if zone[0] == "+" else -1
    digits = zone[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return (naive - sign * offset).replace(tzinfo=UTC)


def central_day(moment: datetime) -> date:
    return moment.astimezone(CENTRAL).date()
