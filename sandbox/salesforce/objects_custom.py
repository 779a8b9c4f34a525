"""Custom objects: how an admin's definition becomes an ``ObjectDef``, and the four this org's admins created.

A custom object carries what Salesforce gives every one: Id, OwnerId (not on the detail side of a master-detail,
whose records the master controls), IsDeleted, Name (text or Auto Number), the created/modified stamps and
SystemModstamp. Its custom fields end in ``__c``; a lookup's relationship name ends in ``__r``. A master-detail
field is required, cascades the master's delete to its details, and cannot be re-parented; a lookup does not
cascade (this sandbox leaves its value in place when the target goes, where Salesforce's default clears it). Key
prefixes are ``a00``, ``a01``… in creation order, as an org hands them out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from sandbox.salesforce.errors import ApiError
from sandbox.salesforce.fields import FieldDef, ObjectDef, auto_number, flag, ref, system_fields, text

# Types an admin can give a custom field, with their default length/precision/scale (lookups and picklists apart).
FIELD_TYPES: dict[str, dict[str, int]] = {
    "string": {"length": 255}, "textarea": {"length": 32768}, "email": {"length": 80}, "phone": {"length": 40},
    "url": {"length": 255}, "double": {"precision": 18, "scale": 2}, "currency": {"precision": 18, "scale": 2},
    "percent": {"precision": 5, "scale": 2}, "int": {"precision": 9}, "boolean": {}, "date": {}, "datetime": {},
}
RELATIONSHIPS = ("lookup", "master_detail")
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def custom_prefix(n: int) -> str:
    """The n-th custom object's key prefix: a00, a01, … a0z, a10, …"""
    return "a" + _BASE62[n // 62 % 62] + _BASE62[n % 62]


def _require_custom_name(name: str, what: str) -> None:
    if not name.endswith("__c") or len(name) <= 3 or not name[:-3].replace("_", "").isalnum() or "__" in name[:-3]:
        raise ApiError(400, "INVALID_NAME", f"a custom {what}'s API name is letters, digits and single "
                       f"underscores ending in __c, got {name!r}")


def custom_field(spec: Mapping[str, Any], *, owner_label: str = "") -> FieldDef:
    """A custom field from an admin's definition: ``{"name", "type", "label"?, "required"?, "length"?,
    "precision"?, "scale"?, "values"? (picklist), "reference_to"?, "relationship"? (lookup | master_detail),
    "child_relationship"?}``."""
    name = str(spec.get("name") or "")
    _require_custom_name(name, "field")
    ftype = str(spec.get("type") or "string")
    label = str(spec.get("label") or "")
    required = bool(spec.get("required", False))
    if ftype == "reference":
        target = str(spec.get("reference_to") or "")
        relationship = str(spec.get("relationship") or "lookup")
        if not target or relationship not in RELATIONSHIPS:
            raise ApiError(400, "INVALID_FIELD", f"{name}: a reference needs reference_to (an object) and a "
                           f"relationship of {' or '.join(RELATIONSHIPS)}")
        master = relationship == "master_detail"
        child = str(spec.get("child_relationship") or f"{owner_label.replace(' ', '_') or name[:-3]}s__r")
        return ref(name, target, rel=name[:-3] + "__r", child=child, label=label, nillable=not (master or required),
                   updateable=not master, cascade_delete=master)
    if ftype == "picklist":
        values = tuple(str(v) for v in spec.get("values") or ())
        if not values:
            raise ApiError(400, "INVALID_FIELD", f"{name}: a picklist needs its values")
        return FieldDef(name, "picklist", label=label, length=255, picklist=values, nillable=not required,
                        restricted=bool(spec.get("restricted", False)))
    if ftype not in FIELD_TYPES:
        raise ApiError(400, "INVALID_TYPE", f"{name}: type {ftype!r} is not one of "
                       f"{', '.join((*FIELD_TYPES, 'picklist', 'reference'))}")
    extra: dict[str, Any] = dict(FIELD_TYPES[ftype])
    for key in ("length", "precision", "scale"):
        if key in spec:
            extra[key] = int(spec[key])
    if ftype == "boolean":
        return flag(name, label=label)
    return FieldDef(name, ftype, label=label, nillable=not required, **extra)


def custom_object(spec: Mapping[str, Any], *, prefix: str) -> ObjectDef:
    """An admin's custom object: ``{"name": "X__c", "label", "plural_label"?, "name_field"?: {"label"?,
    "auto_number"?: "TE-{00000}"}, "fields": [custom_field specs]}``."""
    name = str(spec.get("name") or "")
    _require_custom_name(name, "object")
    label = str(spec.get("label") or name[:-3].replace("_", " "))
    plural = str(spec.get("plural_label") or label + "s")
    raw_fields = spec.get("fields") or []
    if not isinstance(raw_fields, Sequence):
        raise ApiError(400, "INVALID_FIELD", f"{name}: fields is a list of field definitions")
    fields = [custom_field(f, owner_label=plural) for f in raw_fields]
    seen: set[str] = set()
    for f in fields:
        if f.name.lower() in seen:
            raise ApiError(400, "DUPLICATE_DEVELOPER_NAME", f"{name} defines {f.name} twice")
        seen.add(f.name.lower())
    detail = any(f.cascade_delete for f in fields)
    name_spec = spec.get("name_field") or {}
    name_label = str(name_spec.get("label") or f"{label} Name")
    name_field = (auto_number("Name", str(name_spec["auto_number"]), label=name_label, name_field=True)
                  if name_spec.get("auto_number") else text("Name", 80, label=name_label, name_field=True))
    return ObjectDef(name, prefix, label, plural, (*system_fields(owner=not detail), name_field, *fields))


def object_spec(name: str, label: str, plural: str, fields: list[dict[str, Any]], *,
                auto: str = "") -> dict[str, Any]:
    """An admin's definition of a custom object (the shape ``custom_object`` and ``POST /_admin/objects`` take)."""
    return {"name": name, "label": label, "plural_label": plural, "fields": fields,
            "name_field": {"auto_number": auto} if auto else {}}


def lookup(name: str, target: str, child: str, *, master: bool = False, label: str = "",
           required: bool = False) -> dict[str, Any]:
    """A lookup (or master-detail) field's definition; a required lookup is one a record cannot be saved without."""
    return {"name": name, "type": "reference", "reference_to": target, "label": label, "required": required,
            "relationship": "master_detail" if master else "lookup", "child_relationship": child}


# The seed's non-standard models, as this org's admins built them (Setup → Object Manager).
SEEDED: tuple[dict[str, Any], ...] = (
    object_spec("Training_Program__c", "Training Program", "Training Programs", [
        {"name": "Program_Type__c", "type": "picklist", "label": "Program Type",
         "values": ["Onboarding", "Product", "Skills", "Partner", "Customer"]},
        {"name": "Status__c", "type": "picklist", "label": "Status",
         "values": ["Planned", "Active", "Completed", "Retired"]},
        {"name": "Start_Date__c", "type": "date", "label": "Start Date"},
        {"name": "End_Date__c", "type": "date", "label": "End Date"},
        {"name": "Duration_Hours__c", "type": "double", "label": "Duration (hours)", "precision": 5, "scale": 1},
        {"name": "Description__c", "type": "textarea", "label": "Description"},
    ]),
    object_spec("Training_Enrollment__c", "Training Enrollment", "Training Enrollments", [
        lookup("Training_Program__c", "Training_Program__c", "Training_Enrollments__r", master=True,
               label="Training Program"),
        lookup("User__c", "User", "Training_Enrollments__r", label="Enrolled User"),
        {"name": "Status__c", "type": "picklist", "label": "Status", "values": ["Enrolled", "Completed", "Dropped"]},
        {"name": "Enrolled_On__c", "type": "date", "label": "Enrolled On"},
        {"name": "Completed_On__c", "type": "date", "label": "Completed On"},
        {"name": "Score__c", "type": "double", "label": "Score", "precision": 5, "scale": 1},
    ], auto="TE-{00000}"),
    object_spec("Coaching_Session__c", "Coaching Session", "Coaching Sessions", [
        lookup("Coach__c", "User", "Coaching_Sessions_Given__r", label="Coach"),
        lookup("Rep__c", "User", "Coaching_Sessions_Received__r", label="Rep"),
        lookup("Opportunity__c", "Opportunity", "Coaching_Sessions__r", label="Opportunity"),
        {"name": "Held_At__c", "type": "datetime", "label": "Held At"},
        {"name": "Duration_Minutes__c", "type": "double", "label": "Duration (minutes)", "precision": 4, "scale": 0},
        {"name": "Topic__c", "type": "string", "label": "Topic", "length": 255},
        {"name": "Rating__c", "type": "double", "label": "Rating", "precision": 2, "scale": 0},
    ], auto="CS-{00000}"),
    object_spec("Assessment__c", "Assessment", "Assessments", [
        lookup("User__c", "User", "Assessments__r", label="User"),
        lookup("Training_Program__c", "Training_Program__c", "Assessments__r", label="Training Program"),
        {"name": "Skill__c", "type": "picklist", "label": "Skill",
         "values": ["Discovery", "Negotiation", "Product Knowledge", "Forecasting", "Objection Handling"]},
        {"name": "Score__c", "type": "double", "label": "Score", "precision": 5, "scale": 1},
        {"name": "Max_Score__c", "type": "double", "label": "Max Score", "precision": 5, "scale": 1},
        {"name": "Passed__c", "type": "boolean", "label": "Passed"},
        {"name": "Taken_On__c", "type": "date", "label": "Taken On"},
    ]),
)


def seeded_objects(specs: Sequence[Mapping[str, Any]]) -> tuple[ObjectDef, ...]:
    """The org's custom objects, prefixed in the order its admins created them."""
    return tuple(custom_object(spec, prefix=custom_prefix(i)) for i, spec in enumerate(specs))


def with_field(obj: ObjectDef, f: FieldDef) -> ObjectDef:
    return replace(obj, fields=(*obj.fields, f))
