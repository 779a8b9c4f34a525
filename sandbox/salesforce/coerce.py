"""Field values from JSON or CSV into the stored form, and the per-field checks Salesforce makes on save."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sandbox.salesforce.fields import ID_TYPES, NUMBER_TYPES, STRING_TYPES, FieldDef
from sandbox.salesforce.soql.filters import normalize_id
from sandbox.salesforce.timefmt import fmt_datetime, parse_date, parse_datetime

# Salesforce's own check is lenient; this matches what it accepts closely enough (one @, a dotted domain).
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")
_TYPE_NAME = {"double": "double", "currency": "double", "percent": "double", "int": "int", "boolean": "boolean",
              "date": "date", "datetime": "dateTime"}
UNCHANGED = object()  # an empty CSV cell: Bulk API leaves the field as it is ("#N/A" sets null)


class CoercionError(Exception):
    """The value cannot be read as the field's type (REST: the whole request fails; Bulk: the row fails)."""


@dataclass(frozen=True, slots=True)
class RecordError:
    status_code: str
    message: str
    fields: list[str]

    def json(self) -> dict[str, Any]:
        return {"statusCode": self.status_code, "message": self.message, "fields": self.fields}

    def bulk(self) -> str:
        """The ``sf__Error`` cell: ``CODE:message:Field1,Field2 --``."""
        return f"{self.status_code}:{self.message}:{','.join(self.fields) + ' ' if self.fields else ''}--"


class RecordsRefused(Exception):
    """An operation on several records (a lead conversion, a merge) refused as a whole, with the reasons."""

    def __init__(self, errors: list[RecordError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


def coerce(f: FieldDef, raw: Any, *, from_csv: bool = False) -> Any:
    if from_csv:
        if raw == "":
            return UNCHANGED
        if raw == "#N/A":
            return None
    if raw is None:
        return None
    t = f.type
    if t in STRING_TYPES or t in ID_TYPES:
        if isinstance(raw, bool):
            return "true" if raw else "false"
        if isinstance(raw, (int, float)):
            return str(raw)
        if isinstance(raw, str):
            return raw
        raise CoercionError(f"Cannot deserialize instance of string from {_json_kind(raw)} value {raw!r}")
    if t in NUMBER_TYPES:
        value: float
        if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
            raise CoercionError(f"Cannot deserialize instance of {_TYPE_NAME[t]} from {_json_kind(raw)} value {raw!r}")
        try:
            value = float(raw)
        except ValueError as exc:
            raise CoercionError(f"Cannot deserialize instance of {_TYPE_NAME[t]} from VALUE_STRING value {raw} or "
                                "request may be missing a required field") from exc
        if value != value or value in (float("inf"), float("-inf")):
            raise CoercionError(f"Cannot deserialize instance of {_TYPE_NAME[t]} from VALUE_STRING value {raw}")
        return int(value) if t == "int" else value
    if t == "boolean":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.lower() in ("true", "false", "1", "0"):
            return raw.lower() in ("true", "1")
        raise CoercionError(f"Cannot deserialize instance of boolean from {_json_kind(raw)} value {raw}")
    if t == "date":
        if isinstance(raw, str):
            d = parse_date(raw[:10]) if len(raw) >= 10 and (len(raw) == 10 or raw[10] == "T") else None
            if d is not None:
                return d.isoformat()
        raise CoercionError(f"Cannot deserialize instance of date from {_json_kind(raw)} value {raw}")
    if t == "datetime":
        parsed = parse_datetime(raw) if isinstance(raw, str) else None
        if parsed is None:
            raise CoercionError(f"Cannot deserialize instance of datetime from {_json_kind(raw)} value {raw}")
        return fmt_datetime(parsed)
    raise CoercionError(f"field {f.name} of type {t} cannot be written")


def _json_kind(raw: Any) -> str:
    if isinstance(raw, str):
        return "VALUE_STRING"
    if isinstance(raw, bool):
        return "VALUE_TRUE" if raw else "VALUE_FALSE"
    if isinstance(raw, (int, float)):
        return "VALUE_NUMBER_INT" if isinstance(raw, int) else "VALUE_NUMBER_FLOAT"
    return "START_OBJECT" if isinstance(raw, dict) else "START_ARRAY"


def check_value(f: FieldDef, value: Any) -> RecordError | None:
    """Per-field checks on a value being written (untouched fields are not re-checked, as in Salesforce)."""
    if value is None:
        return None
    label = f.api_label
    if isinstance(value, str) and f.length and len(value) > f.length and f.type not in ID_TYPES:
        shown = value if len(value) <= 40 else value[:37] + "..."
        return RecordError("STRING_TOO_LONG", f"{label}: data value too large: {shown} (max length={f.length})",
                           [f.name])
    if f.type == "email" and not _EMAIL.match(value):
        return RecordError("INVALID_EMAIL_ADDRESS", f"{label}: invalid email address: {value}", [f.name])
    if f.type == "picklist" and f.restricted and value not in f.picklist:
        return RecordError("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                           f"{label}: bad value for restricted picklist field: {value}", [f.name])
    if f.type in NUMBER_TYPES and f.precision:
        digits = len(str(int(abs(value))))
        if digits > f.precision - f.scale:
            return RecordError("NUMBER_OUTSIDE_VALID_RANGE",
                               f"{label}: value outside of valid range on numeric field: {value}", [f.name])
    if f.type == "reference" and normalize_id(value) is None:
        return RecordError("MALFORMED_ID", f"{label}: id value of incorrect type: {value}", [f.name])
    return None


def round_number(f: FieldDef, value: Any) -> Any:
    if isinstance(value, float) and f.type in ("currency", "double", "percent"):
        return round(value, f.scale)
    return value
