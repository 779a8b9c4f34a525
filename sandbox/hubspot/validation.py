"""Property-value validation for writes, as HubSpot does it: per property, with HubSpot's error codes.

Values arrive as JSON strings, numbers, booleans or null; HubSpot stores them as strings, so each is normalised to
the string that will be read back (emails lower-cased, datetimes as ISO with milliseconds, dates as YYYY-MM-DD).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sandbox.hubspot.schema import ObjectSchema, PropertyDef
from sandbox.hubspot.timefmt import iso, iso_date, parse_date, parse_instant

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    message: str
    prop: str

    def to_json(self) -> dict[str, Any]:
        return {"message": self.message, "code": self.code, "context": {"propertyName": [self.prop]}}


def problems_message(problems: list[Problem]) -> str:
    """HubSpot's summary: ``Property values were not valid: [{"isValid":false,...}]``."""
    detail = [{"isValid": False, "message": p.message, "error": p.code, "name": p.prop,
               "localizedErrorMessage": p.message} for p in problems]
    return f"Property values were not valid: {json.dumps(detail, separators=(',', ':'))}"


def _as_text(raw: object) -> str | None:
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, str):
        return raw
    return None


def normalise(prop: PropertyDef, raw: object) -> tuple[str, Problem | None]:
    """The stored string for ``raw``, or the problem HubSpot would report. ``""`` clears a property."""
    text = _as_text(raw)
    if text is None:
        return "", Problem("INVALID_PROPERTY_VALUE", f"{json.dumps(raw)} is not a valid property value", prop.name)
    if text == "":
        return "", None
    if prop.name == "email":
        text = text.strip().lower()
        if not EMAIL_RE.match(text):
            return "", Problem("INVALID_EMAIL", f"Email address {text} is invalid", prop.name)
        return text, None
    if prop.type == "number":
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            return "", Problem("INVALID_INTEGER", f"{text} was not a valid number.", prop.name)
        return text.strip(), None
    if prop.type == "datetime":
        ms = parse_instant(text)
        if ms is None:
            return "", Problem("INVALID_DATETIME", f"{text} was not a valid datetime (ISO-8601 or epoch "
                                                   "milliseconds).", prop.name)
        return iso(ms), None
    if prop.type == "date":
        ms = parse_date(text)
        if ms is None:
            return "", Problem("INVALID_DATE", f"{text} is not a valid date: use YYYY-MM-DD or epoch milliseconds "
                                               "at midnight UTC.", prop.name)
        return iso_date(ms), None
    if prop.type == "bool":
        lowered = text.strip().lower()
        if lowered not in ("true", "false"):
            return "", Problem("INVALID_OPTION", f"{text} was not one of the allowed options: [true, false]",
                               prop.name)
        return lowered, None
    if prop.type == "enumeration":
        chosen = text.split(";") if prop.field_type == "checkbox" else [text]
        bad = [c for c in chosen if c not in prop.allowed]
        if bad:
            allowed = ", ".join(sorted(prop.allowed)[:20])
            return "", Problem("INVALID_OPTION", f"{bad[0]} was not one of the allowed options: [{allowed}]",
                               prop.name)
    return text, None


def check_properties(
    schema: ObjectSchema, props: Mapping[str, object], *, creating: bool
) -> tuple[dict[str, str], list[Problem]]:
    """Normalised values of the writable ``props`` and every problem found (all of them, not just the first)."""
    clean: dict[str, str] = {}
    problems: list[Problem] = []
    for name, raw in props.items():
        prop = schema.props.get(name)
        if prop is None:
            problems.append(Problem("PROPERTY_DOESNT_EXIST", f'Property "{name}" does not exist', name))
            continue
        if prop.read_only:
            problems.append(Problem("READ_ONLY_VALUE", f'"{name}" is a read only property; its value cannot be set.',
                                    name))
            continue
        value, problem = normalise(prop, raw)
        if problem is not None:
            problems.append(problem)
        else:
            clean[name] = value
    if creating:
        for name in schema.required:
            if not clean.get(name) and not any(p.prop == name for p in problems):
                problems.append(Problem("REQUIRED_PROPERTY", f'Property "{name}" is required', name))
    return clean, problems
