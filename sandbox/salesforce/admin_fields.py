"""Setup → Object Manager, for tests and the demo: add a custom field to an sObject, or change a custom field's type.

Like a real org: only custom fields (``__c``) can be added (lookups and picklists too) or retyped; a retype
converts the stored values that read as the new type and clears the others (Salesforce warns that a type change
can lose data); SystemModstamp does not move. Describe, SOQL and writes see the change at once.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sandbox.salesforce.coerce import CoercionError, coerce
from sandbox.salesforce.errors import ApiError
from sandbox.salesforce.fields import FieldDef, ObjectDef
from sandbox.salesforce.objects_custom import FIELD_TYPES, custom_field
from sandbox.salesforce.org import Org


def _field(name: str, ftype: str, label: str | None) -> FieldDef:
    if ftype not in FIELD_TYPES:
        raise ApiError(400, "INVALID_TYPE", f"type {ftype!r} is not one of {', '.join(FIELD_TYPES)}")
    extra: dict[str, Any] = dict(FIELD_TYPES[ftype])
    if ftype == "boolean":
        extra |= {"nillable": False, "default": False}
    return FieldDef(name, ftype, label=label or "", **extra)


def _swap(org: Org, old: ObjectDef, new: ObjectDef, convert: dict[str, FieldDef] | None = None) -> None:
    """Put the new definition everywhere the org looks it up, widening or converting stored rows."""
    org.catalog.replace_object(new)
    table = org.store.tables[old.name]
    table.redefine(new)
    for name, f in (convert or {}).items():
        ix = table.columns[name]
        for row in table.rows.values():
            row[ix] = _converted(f, row[ix])


def _converted(f: FieldDef, value: Any) -> Any:
    if value is None:
        return None
    try:
        return coerce(f, value if f.type == "boolean" or isinstance(value, str) else str(value))
    except (CoercionError, ValueError, TypeError):
        return None


def add_field(org: Org, obj: ObjectDef, body: dict[str, Any]) -> dict[str, Any]:
    """``body`` as ``objects_custom.custom_field`` reads it: lookups (``"type": "reference"``) and picklists too."""
    name = str(body.get("name") or "")
    if obj.field(name) is not None:
        raise ApiError(400, "DUPLICATE_DEVELOPER_NAME", f"{obj.name} already has a field named {name}")
    f = custom_field(body, owner_label=obj.label_plural)
    if f.type == "reference" and org.catalog.get(f.reference_to[0]) is None:
        raise ApiError(400, "INVALID_FIELD", f"{name}: reference_to names no object of this org: {f.reference_to[0]!r}")
    _swap(org, obj, replace(obj, fields=(*obj.fields, f)))
    return {"object": obj.name, "field": name, "type": f.type}


def change_type(org: Org, obj: ObjectDef, name: str, body: dict[str, Any]) -> dict[str, Any]:
    old = obj.field(name)
    if old is None:
        raise ApiError(404, "INVALID_FIELD", f"No such column '{name}' on entity '{obj.name}'")
    if not old.custom or old.calculated:
        raise ApiError(400, "CANNOT_CHANGE_FIELD_TYPE", f"{obj.name}.{old.name}: only a custom, non-formula "
                       "field's type can change")
    new = replace(_field(old.name, str(body.get("type") or ""), old.label), external_id=False)
    fields = tuple(new if f is old else f for f in obj.fields)
    _swap(org, obj, replace(obj, fields=fields), convert={old.name: new})
    return {"object": obj.name, "field": old.name, "old_type": old.type, "new_type": new.type}
