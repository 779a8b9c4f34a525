"""The Custom Object Metadata API's operations: sync a type, add or delete its fields, approve, discard, delete.

Each changes the draft version (creating one from the approved version when there is none); ``approve`` replaces
the approved version with the draft after Marketo's checks. Deleting a type deletes its records; it cannot be
undone, as in Marketo.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sandbox.marketo.co_data import CustomObjects
from sandbox.marketo.co_records import CoRecords
from sandbox.marketo.co_schema import (
    MAX_ADDED_AFTER_APPROVAL,
    MAX_FIELDS,
    MAX_TYPES,
    CoField,
    CoType,
    CoVersion,
    approve_checks,
    check_name,
    new_field,
    with_fields,
)
from sandbox.marketo.envelope import MarketoError, invalid, missing

TYPE_ACTIONS = ("createOnly", "createOrUpdate", "updateOnly")
EDITABLE = ("displayName", "pluralName", "description", "showInLeadDetail")


def sync_type(co: CustomObjects, body: dict[str, Any], *, now: int) -> CoType:
    action = body.get("action") or "createOrUpdate"
    if action not in TYPE_ACTIONS:
        raise invalid(f"Invalid action '{action}'")
    api_name = body.get("apiName")
    if not api_name:
        raise missing("apiName")
    existing = co.registry.types.get(str(api_name))
    if existing is None:
        if action == "updateOnly":
            raise MarketoError("1013", f"Custom object type '{api_name}' not found")
        return _create(co, body, check_name(api_name, "apiName"), now)
    if action == "createOnly":
        raise MarketoError("1017", f"Custom object type '{api_name}' already exists")
    draft = _draft(existing)
    changes: dict[str, Any] = {}
    for key, attr in (("displayName", "display_name"), ("pluralName", "plural_name"),
                      ("description", "description"), ("showInLeadDetail", "show_in_lead_detail")):
        if key in body:
            changes[attr] = bool(body[key]) if key == "showInLeadDetail" else str(body[key])
    if "displayName" in changes:
        check_name(str(changes["display_name"]).replace(" ", "_"), "displayName")
    existing.draft = replace(draft, **changes)
    existing.updated = now
    return existing


def _create(co: CustomObjects, body: dict[str, Any], api_name: str, now: int) -> CoType:
    display = body.get("displayName")
    if not display:
        raise missing("displayName")
    check_name(str(display).replace(" ", "_"), "displayName")
    if len(co.registry.types) >= MAX_TYPES:
        raise MarketoError("709", f"The subscription already has the maximum of {MAX_TYPES} custom object types")
    if any(v.display_name == display for t in co.registry.types.values() for v in (t.approved, t.draft) if v):
        raise MarketoError("1017", f"A custom object type named '{display}' already exists")
    version = CoVersion(str(display), str(body.get("pluralName") or f"{display}s"),
                        str(body.get("description") or ""), bool(body.get("showInLeadDetail", False)))
    created = CoType(api_name, now, now, draft=version)
    co.registry.types[api_name] = created
    return created


def _draft(t: CoType) -> CoVersion:
    if t.draft is None:
        assert t.approved is not None
        t.draft = t.approved
    return t.draft


def add_fields(co: CustomObjects, api_name: str, body: dict[str, Any], *, now: int) -> None:
    t = co.registry.require(api_name)
    raw = body.get("input")
    if not isinstance(raw, list) or not raw:
        raise missing("input")
    version = _draft(t)
    added: list[CoField] = []
    for element in raw:
        f = new_field(element, types=co.registry.types, existing=with_fields(version, added))
        if t.approved is not None and (f.dedupe or f.related_to is not None):
            raise MarketoError("709", "Link and dedupe fields cannot be added to an approved type")
        added.append(f)
    if len(version.fields) + len(added) > MAX_FIELDS:
        raise MarketoError("709", f"A custom object takes at most {MAX_FIELDS} fields")
    if t.approved is not None and t.added_since_approval + len(added) > MAX_ADDED_AFTER_APPROVAL:
        raise MarketoError("709", f"At most {MAX_ADDED_AFTER_APPROVAL} fields can be added after approval")
    t.draft = with_fields(version, added)
    t.added_since_approval += len(added) if t.approved is not None else 0
    t.updated = now


def delete_fields(co: CustomObjects, api_name: str, body: dict[str, Any], *, now: int) -> None:
    t = co.registry.require(api_name)
    raw = body.get("input")
    if not isinstance(raw, list) or not raw:
        raise missing("input")
    names = {str(e.get("name")) for e in raw if isinstance(e, dict)}
    version = _draft(t)
    unknown = sorted(names - {f.name for f in version.fields})
    if unknown:
        raise MarketoError("1006", f"Field '{unknown[0]}' not found")
    t.draft = replace(version, fields=tuple(f for f in version.fields if f.name not in names))
    t.updated = now


def approve(co: CustomObjects, api_name: str, *, now: int) -> CoType:
    t = co.registry.require(api_name)
    approve_checks(t)
    first = t.approved is None
    t.approved, t.draft = t.draft, None
    t.updated = now
    if first:
        t.created = now  # a type's createdAt is its first approval: records exist from then on
        t.added_since_approval = 0
        co.records[api_name] = CoRecords()
    return t


def discard(co: CustomObjects, api_name: str) -> None:
    t = co.registry.require(api_name)
    if t.draft is None:
        raise MarketoError("709", f"Custom object type '{api_name}' has no draft to discard")
    if t.approved is None:
        del co.registry.types[api_name]
    else:
        t.draft = None


def delete_type(co: CustomObjects, api_name: str) -> None:
    t = co.registry.require(api_name)
    if t.approved is None:
        raise MarketoError("709", f"Custom object type '{api_name}' is a draft: discard it instead")
    del co.registry.types[api_name]
    co.records.pop(api_name, None)
