"""Is the value in the CRM the one crmhub sent? Each CRM hands values back in its own types (HubSpot strings,
Salesforce doubles, Dataverse ints), and versions as instants in several spellings; compare what they mean."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any


def same_value(crm: Any, sent: Any) -> bool:
    """``"73"`` / ``73.0`` equal ``73``; an empty text equals nothing; texts compare without surrounding blanks."""
    if _blank(crm) or _blank(sent):
        return _blank(crm) and _blank(sent)
    a, b = _number(crm), _number(sent)
    if a is not None and b is not None:
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)
    return str(crm).strip() == str(sent).strip()


def same_values(crm: Mapping[str, Any], sent: Mapping[str, Any]) -> bool:
    return all(same_value(crm.get(name), value) for name, value in sent.items())


def instant(value: Any) -> datetime | None:
    """An ISO 8601 instant (``Z``, ``+00:00`` or ``+0000``) or epoch milliseconds -> aware UTC; else None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else None
    text = str(value).strip()
    if text.isdigit():
        return datetime.fromtimestamp(int(text) / 1000, UTC)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else None


def same_instant(a: Any, b: Any) -> bool:
    x, y = instant(a), instant(b)
    return x is not None and x == y


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None
