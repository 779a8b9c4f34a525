"""Salesforce's wire values: instants, SOQL literals, REST records flattened, Bulk CSV cells typed as REST has them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from connectors.base import Record
from connectors.instants import parse_instant as parse_instant  # re-exported: the connector's own name

NUMBER_TYPES = frozenset({"double", "currency", "percent"})



def soql_instant(value: datetime) -> str:
    """A SOQL datetime literal: unquoted, UTC, milliseconds (SystemModstamp's precision, so keysets are exact)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def rest_instant(value: datetime) -> str:
    """The REST rendering, so records read through Bulk hash the same as those read through REST."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}+0000"


def soql_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def flatten(obj: dict[str, Any], prefix: str = "") -> Record:
    """A REST record -> native names; relationship objects become ``Owner.Name`` keys (as Bulk CSV headers are).

    Records come from JSON, whose objects decode to plain dicts: an exact type test costs less than an
    ``isinstance(..., Mapping)`` on every field (an abstract-class check), and top-level names need no prefix."""
    out: Record = {}
    for key, value in obj.items():
        if type(value) is dict:
            if key != "attributes":
                out.update(flatten(value, f"{prefix}{key}."))
        elif key != "attributes":
            out[prefix + key if prefix else key] = value
    return out


def _text(text: str) -> str | None:
    return text or None


def _boolean(text: str) -> bool | None:
    return text.lower() == "true" if text else None


def _int(text: str) -> int | None:
    return int(float(text)) if text else None


def _float(text: str) -> float | None:
    return float(text) if text else None


def _datetime(text: str) -> str | None:
    if not text:
        return None
    if len(text) == 24 and text.endswith("Z"):  # 2024-05-01T12:00:00.000Z: the common case, without parsing
        return text[:-1] + "+0000"
    return rest_instant(parse_instant(text))


def cell_reader(sf_type: str | None) -> Callable[[str], Any]:
    """How to read a Bulk CSV cell so it equals what REST sends: nulls are empty cells, everything else is text."""
    if sf_type == "boolean":
        return _boolean
    if sf_type == "int":
        return _int
    if sf_type in NUMBER_TYPES:
        return _float
    if sf_type == "datetime":
        return _datetime
    return _text
