"""People's edits and creates on objects the admin edits table does not list: any custom object, from its fields.

A person fills a custom object's required fields and its name, points each lookup at a live record of its target,
and edits the custom fields a form shows (text, numbers, dates, picklists, checkboxes; never lookups or Auto
Numbers), with values of the field's type and within its precision.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sandbox.salesforce.fields import FieldDef, ObjectDef
from sandbox.salesforce.org import Org
from sandbox.salesforce.timefmt import fmt_datetime

Gen = Callable[[random.Random], Any]
_TEXT = ("Blue", "Harbor", "Summit", "Nimbus", "Vertex", "Cedar", "Quartz", "Lumen", "Atlas", "Orbit")


def _number(f: FieldDef) -> Gen:
    digits = max(1, (f.precision or 9) - f.scale)
    top = min(10 ** min(digits, 6) - 1, 100_000)
    if f.type == "int":
        return lambda r: r.randint(0, top)
    return lambda r: round(r.uniform(0, top), f.scale)


def value_for(org: Org, f: FieldDef) -> Gen | None:
    """A generator of plausible values for ``f``, or None when people do not type it (lookups, read-only)."""
    today = org.now()
    if not f.createable or f.type in ("id", "reference") or f.auto_number:
        return None
    if f.type == "picklist":
        return lambda r: r.choice(f.picklist)
    if f.type == "boolean":
        return lambda r: r.random() < 0.5
    if f.type in ("double", "currency", "percent", "int"):
        return _number(f)
    if f.type == "date":
        return lambda r: (today + timedelta(days=r.randint(-200, 60))).date().isoformat()
    if f.type == "datetime":
        return lambda r: fmt_datetime(today - timedelta(hours=r.randint(1, 2000)))
    if f.type == "email":
        return lambda r: f"{r.choice(_TEXT).lower()}{r.randint(1, 999)}@example.com"
    if f.type in ("string", "textarea", "url", "phone"):
        width = max(1, min(f.length, 40))
        return lambda r: f"{r.choice(_TEXT)} {r.randint(1, 9999)}"[:width]
    return None


def custom_edits(org: Org, obj: ObjectDef) -> list[tuple[str, Gen]]:
    out = []
    for f in obj.api_fields:
        gen = value_for(org, f) if f.custom and f.updateable else None
        if gen is not None:
            out.append((f.name, gen))
    return out


def custom_create(org: Org, obj: ObjectDef, rnd: random.Random, n: int,
                  live_ids: Callable[[str], list[str]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in obj.api_fields:
        if f.type == "reference" and f.createable and f.custom:
            ids = live_ids(f.reference_to[0])
            if ids and (not f.nillable or rnd.random() < 0.8):
                values[f.name] = rnd.choice(ids)
        elif f.name == "Name" and not f.auto_number:
            values[f.name] = f"New {obj.label} {n + 1}"
        elif f.custom:
            gen = value_for(org, f)
            if gen is not None:
                values[f.name] = gen(rnd)
    return values
