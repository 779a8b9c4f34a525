"""Custom object types: the Custom Object Metadata API's model (a draft and an approved version per type).

As Marketo documents it: a type is created as a draft (``schema.json``), fields are added to the draft
(``addField.json``), and ``approve.json`` publishes it; editing an approved type makes a new draft that replaces the
approved version when approved. At most 10 types, 50 fields a type (20 more after the first approval), 1 to 3
dedupe fields, names of letters, digits and ``_``; once approved, the API name, display name, link fields and dedupe
fields are fixed. A link field points at Lead (``id`` or ``email``), Company or an approved custom object that has no
link field itself. Records are served only for approved types; their describe shows a link field with the type of
the field it links to, and its relationship as ``child`` of the linked object.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from sandbox.marketo.envelope import MarketoError, invalid
from sandbox.marketo.timefmt import iso

DATA_TYPES = ("string", "boolean", "integer", "float", "link", "email", "currency", "date", "datetime", "phone",
              "text")
MAX_TYPES, MAX_FIELDS, MAX_ADDED_AFTER_APPROVAL, MAX_DEDUPE = 10, 50, 20, 3
# The standard objects a link field can point at, and the fields it can link by (with their data types).
LINKABLE = {"lead": {"id": "integer", "email": "email"}, "company": {"id": "integer"}}
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class CoField:
    name: str
    display_name: str
    data_type: str
    description: str = ""
    dedupe: bool = False
    related_to: tuple[str, str] | None = None  # (linked object, its field) for a link field
    value_type: str = ""  # what values hold: the linked field's type for a link, else data_type

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "displayName": self.display_name, "dataType": self.value_type}
        if self.description:
            out["description"] = self.description
        if self.value_type in ("string", "email", "phone"):
            out["length"] = 255
        out["updateable"] = not self.dedupe  # a dedupe value names the record: changing it makes another one
        out["crmManaged"] = False
        return out


STANDARD_FIELDS = (
    CoField("marketoGUID", "Marketo GUID", "string", value_type="string"),
    CoField("createdAt", "Created At", "datetime", value_type="datetime"),
    CoField("updatedAt", "Updated At", "datetime", value_type="datetime"),
)


@dataclass(frozen=True, slots=True)
class CoVersion:
    display_name: str
    plural_name: str = ""
    description: str = ""
    show_in_lead_detail: bool = False
    fields: tuple[CoField, ...] = ()

    def dedupe_fields(self) -> list[str]:
        return [f.name for f in self.fields if f.dedupe]

    def links(self) -> list[CoField]:
        return [f for f in self.fields if f.related_to is not None]

    def field(self, name: str) -> CoField | None:
        return next((f for f in (*STANDARD_FIELDS, *self.fields) if f.name == name), None)

    def searchable(self) -> list[list[str]]:
        return [self.dedupe_fields(), ["marketoGUID"], *([f.name] for f in self.links())]

    def relationships(self) -> list[dict[str, Any]]:
        return [{"field": f.name, "type": "child",
                 "relatedTo": {"name": _object_label(f.related_to[0]), "field": f.related_to[1]}}
                for f in self.links() if f.related_to is not None]


@dataclass
class CoType:
    api_name: str
    created: int
    updated: int
    approved: CoVersion | None = None
    draft: CoVersion | None = None
    added_since_approval: int = 0

    def live(self) -> CoVersion | None:
        return self.approved

    def version(self, state: str | None) -> tuple[str, CoVersion]:
        """The version a metadata read asks for: approved if it exists (else the draft), or as ``state`` says."""
        if state in (None, "", "approvedWithDraft"):
            picked = self.draft if state == "approvedWithDraft" and self.draft else self.approved or self.draft
        elif state == "approved":
            picked = self.approved
        elif state == "draft":
            picked = self.draft
        else:
            raise invalid(f"Invalid state '{state}': expected draft, approved or approvedWithDraft")
        if picked is None:
            raise MarketoError("1013", f"Custom object type '{self.api_name}' has no {state} version")
        return ("approved" if picked is self.approved else "draft"), picked

    def schema(self, state: str | None = None) -> dict[str, Any]:
        """The Metadata API's view (``schema.json``, ``schema/{apiName}/describe.json``)."""
        label, v = self.version(state)
        approved = label == "approved"
        return {"state": label if not (approved and self.draft) else "approvedWithDraft", "version": label,
                "displayName": v.display_name, "pluralName": v.plural_name, "description": v.description,
                "apiName": self.api_name, "idField": "marketoGUID" if approved else None,
                "createdAt": iso(self.created) if approved else None,
                "updatedAt": iso(self.updated) if approved else None,
                "dedupeFields": v.dedupe_fields(), "searchableFields": v.searchable() if v.fields else [[]],
                "relationships": v.relationships(),
                "fields": [f.describe() for f in (*STANDARD_FIELDS, *v.fields)]}

    def describe(self, *, fields: bool = True) -> dict[str, Any]:
        """The data API's view: ``customobjects/{apiName}/describe.json``, or without ``fields`` the list call's
        (``customobjects.json``). Approved types only."""
        v = self.approved
        assert v is not None
        out = {"name": self.api_name, "displayName": v.display_name, "pluralName": v.plural_name,
               "description": v.description, "createdAt": iso(self.created), "updatedAt": iso(self.updated),
               "idField": "marketoGUID", "dedupeFields": v.dedupe_fields(), "searchableFields": v.searchable(),
               "relationships": v.relationships()}
        if fields:
            out["fields"] = [f.describe() for f in (*STANDARD_FIELDS, *v.fields)]
        return out


def _object_label(name: str) -> str:
    return name.capitalize() if name in LINKABLE else name


def check_name(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _NAME.match(value):
        raise invalid(f"Invalid {what} '{value}': letters, digits and underscore only, starting with a letter")
    return value


def new_field(raw: Any, *, types: dict[str, CoType], existing: CoVersion) -> CoField:
    """One ``addField.json`` input element, checked."""
    if not isinstance(raw, dict):
        raise invalid("Each input element must be an object")
    name = check_name(raw.get("name"), "field name")
    display = raw.get("displayName")
    if not isinstance(display, str) or not display.strip():
        raise MarketoError("1002", "Missing value for the required parameter 'displayName'")
    data_type = raw.get("dataType")
    if data_type not in DATA_TYPES:
        raise invalid(f"Invalid dataType '{data_type}': expected one of {', '.join(DATA_TYPES)}")
    if existing.field(name) is not None or any(f.display_name == display for f in existing.fields):
        raise MarketoError("1017", f"Field '{name}' already exists")
    related, value_type = None, str(data_type)
    if data_type == "link":
        related, value_type = _link_target(raw.get("relatedTo"), types)
        if existing.links():
            raise invalid("A custom object takes one link field: a second link makes it a many-to-many bridge "
                          "object, which this sandbox does not model")
    elif raw.get("relatedTo") is not None:
        raise invalid("relatedTo is only valid for a field of dataType 'link'")
    return CoField(name, display, str(data_type), str(raw.get("description") or ""),
                   bool(raw.get("isDedupeField")), related, value_type)


def _link_target(raw: Any, types: dict[str, CoType]) -> tuple[tuple[str, str], str]:
    if not isinstance(raw, dict) or not raw.get("name") or not raw.get("field"):
        raise MarketoError("1002", "Missing value for the required parameter 'relatedTo' (name and field)")
    obj, target = str(raw["name"]), str(raw["field"])
    standard = LINKABLE.get(obj.lower())
    if standard is not None:
        kind = standard.get(target.lower())
        if kind is None:
            raise invalid(f"'{target}' is not a link field of {obj}: expected one of {', '.join(standard)}")
        return (obj.lower(), target.lower()), kind
    linked = types.get(obj)
    if linked is None or linked.approved is None:
        raise invalid(f"Link object '{obj}' not found: link to lead, company or an approved custom object")
    if linked.approved.links():
        raise invalid(f"Custom object '{obj}' has a link field of its own and cannot be linked to")
    target_field = linked.approved.field(target)
    if target_field is None:
        raise MarketoError("1006", f"Field '{target}' not found")
    return (obj, target), target_field.value_type


def with_fields(version: CoVersion, added: list[CoField]) -> CoVersion:
    return replace(version, fields=(*version.fields, *added))


def approve_checks(t: CoType) -> None:
    """What Marketo checks before a draft becomes the approved version."""
    draft = t.draft
    if draft is None:
        raise MarketoError("709", f"Custom object type '{t.api_name}' has no draft to approve")
    dedupe = draft.dedupe_fields()
    if not 1 <= len(dedupe) <= MAX_DEDUPE:
        raise MarketoError("709", f"A custom object needs 1 to {MAX_DEDUPE} dedupe fields, has {len(dedupe)}")
    if len(draft.fields) > MAX_FIELDS:
        raise MarketoError("709", f"A custom object takes at most {MAX_FIELDS} fields")
    old = t.approved
    if old is not None:
        if old.display_name != draft.display_name:
            raise MarketoError("709", "The display name of an approved type cannot change")
        if [f.name for f in old.links()] != [f.name for f in draft.links()] or old.dedupe_fields() != dedupe:
            raise MarketoError("709", "Link and dedupe fields of an approved type cannot be added or removed")


@dataclass
class Registry:
    """Every custom object type of the instance, by API name."""

    types: dict[str, CoType] = field(default_factory=dict)

    def approved(self, api_name: str) -> CoType:
        t = self.types.get(api_name)
        if t is None or t.approved is None:
            raise MarketoError("1013", f"Custom object '{api_name}' not found")
        return t

    def require(self, api_name: str) -> CoType:
        t = self.types.get(api_name)
        if t is None:
            raise MarketoError("1013", f"Custom object type '{api_name}' not found")
        return t
