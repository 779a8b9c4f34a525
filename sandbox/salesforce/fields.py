"""Field and object definitions as data: what describe reports, what SOQL resolves and what writes check."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any  # the keyword arguments of FieldDef, passed through

STRING_TYPES = frozenset({"string", "textarea", "picklist", "multipicklist", "combobox", "email", "phone", "url"})
ID_TYPES = frozenset({"id", "reference"})
NUMBER_TYPES = frozenset({"double", "currency", "percent", "int"})
SOAP_TYPES = {
    "id": "tns:ID", "reference": "tns:ID", "boolean": "xsd:boolean", "double": "xsd:double", "currency": "xsd:double",
    "percent": "xsd:double", "int": "xsd:int", "date": "xsd:date", "datetime": "xsd:dateTime",
}
LONG_TEXT = 32000  # a Long Text Area: neither filterable nor sortable, as in a real org


def _label(name: str) -> str:
    base = name.removesuffix("__c").replace("_", " ")
    base = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", base)
    return base.removesuffix(" Id").strip() if name.endswith("Id") and name != "Id" else base


@dataclass(frozen=True, slots=True, eq=False)  # identity: each field is one object, hashed a lot
class FieldDef:
    name: str
    type: str
    label: str = ""
    length: int = 0
    precision: int = 0
    scale: int = 0
    nillable: bool = True
    createable: bool = True
    updateable: bool = True
    default: object = None  # applied on create when the field is absent (defaultedOnCreate)
    calculated: bool = False  # a formula: computed on read, never stored, never bumps SystemModstamp
    external_id: bool = False
    unique: bool = False
    id_lookup: bool = False
    name_field: bool = False
    picklist: tuple[str, ...] = ()
    restricted: bool = False
    reference_to: tuple[str, ...] = ()
    relationship_name: str | None = None
    child_relationship: str | None = None  # the parent's name for the list of these children
    cascade_delete: bool = False
    # Bookkeeping the sandbox keeps on every row (the Recycle Bin flag, the modstamp index, creation stamps) for an
    # object whose real API has no such field (OpportunityStage has no IsDeleted, UserTerritory2Association no
    # CreatedDate): stored, never described, never resolvable in SOQL or writable.
    hidden: bool = False
    auto_number: str = ""  # an Auto Number field's display format ("CN-{00000000}"): set on create, read-only

    @property
    def api_label(self) -> str:
        return self.label or _label(self.name)

    @property
    def custom(self) -> bool:
        return self.name.endswith("__c")

    @property
    def required(self) -> bool:
        """A value must be present on create (the UI's red bar): not nillable, createable, no default."""
        return not self.nillable and self.createable and self.default is None and self.type != "boolean"

    @property
    def filterable(self) -> bool:
        return not (self.type == "textarea" and self.length >= LONG_TEXT)

    @property
    def polymorphic(self) -> bool:
        return len(self.reference_to) > 1

    @property
    def soap_type(self) -> str:
        return SOAP_TYPES.get(self.type, "xsd:string")


@dataclass(frozen=True)
class ObjectDef:
    name: str
    key_prefix: str
    label: str
    label_plural: str
    fields: tuple[FieldDef, ...]
    createable: bool = True
    updateable: bool = True
    deletable: bool = True
    replicateable: bool = True
    searchable: bool = True
    cascade_from: tuple[tuple[str, str], ...] = field(default=())  # (parent object, this object's reference)
    # False: a delete skips the Recycle Bin (setup objects, territory associations, quotas): gone from queryAll at
    # once, still listed by sobjects/{name}/deleted when the object is replicateable.
    recycle_bin: bool = True

    @cached_property
    def api_fields(self) -> tuple[FieldDef, ...]:
        """The fields the API knows (describe, SOQL, writes): every field but the sandbox's hidden bookkeeping."""
        return tuple(f for f in self.fields if not f.hidden)

    @cached_property
    def by_lower(self) -> dict[str, FieldDef]:
        return {f.name.lower(): f for f in self.api_fields}

    def has(self, name: str) -> bool:
        """Whether the API exposes ``name`` (IsDeleted, SystemModstamp... are hidden on some objects)."""
        return name.lower() in self.by_lower

    @cached_property
    def by_relationship(self) -> dict[str, FieldDef]:
        return {f.relationship_name.lower(): f for f in self.fields if f.relationship_name}

    @cached_property
    def stored(self) -> tuple[FieldDef, ...]:
        return tuple(f for f in self.fields if not f.calculated)

    def field(self, name: str) -> FieldDef | None:
        return self.by_lower.get(name.lower())

    @property
    def custom(self) -> bool:
        return self.name.endswith("__c")


# Small constructors keep the object modules readable: one line per field, as a describe listing reads.

def text(name: str, length: int = 255, **kw: Any) -> FieldDef:
    return FieldDef(name, "string", length=length, **kw)


def long_text(name: str, **kw: Any) -> FieldDef:
    return FieldDef(name, "textarea", length=LONG_TEXT, **kw)


def pick(name: str, values: tuple[str, ...], **kw: Any) -> FieldDef:
    return FieldDef(name, "picklist", length=255, picklist=values, **kw)


def num(name: str, kind: str = "double", precision: int = 18, scale: int = 2, **kw: Any) -> FieldDef:
    return FieldDef(name, kind, precision=precision, scale=scale, **kw)


def flag(name: str, **kw: Any) -> FieldDef:
    return FieldDef(name, "boolean", nillable=False, default=False, **kw)


def ref(name: str, *targets: str, rel: str, child: str | None = None, **kw: Any) -> FieldDef:
    return FieldDef(name, "reference", length=18, reference_to=targets, relationship_name=rel,
                    child_relationship=child, **kw)


def readonly(f: FieldDef) -> FieldDef:
    return replace(f, createable=False, updateable=False)


def formula(f: FieldDef) -> FieldDef:
    return replace(f, createable=False, updateable=False, calculated=True)


def hide(f: FieldDef) -> FieldDef:
    return replace(f, hidden=True)


def auto_number(name: str, display: str, **kw: Any) -> FieldDef:
    return FieldDef(name, "string", length=30, nillable=False, createable=False, updateable=False,
                    auto_number=display, **kw)


def system_fields(*, owner: bool = True, modified: bool = True, hidden: tuple[str, ...] = ()) -> tuple[FieldDef, ...]:
    """The audit fields every object carries; OwnerId defaults to the writing user. ``hidden``: the ones this
    object's API lacks (kept as the sandbox's bookkeeping, see ``FieldDef.hidden``)."""
    out = [
        FieldDef("Id", "id", label="Record ID", length=18, nillable=False, createable=False, updateable=False,
                 id_lookup=True),
        FieldDef("IsDeleted", "boolean", label="Deleted", nillable=False, createable=False, updateable=False),
        FieldDef("CreatedDate", "datetime", nillable=False, createable=False, updateable=False),
        readonly(ref("CreatedById", "User", rel="CreatedBy", nillable=False)),
    ]
    if modified:
        out += [
            FieldDef("LastModifiedDate", "datetime", nillable=False, createable=False, updateable=False),
            readonly(ref("LastModifiedById", "User", rel="LastModifiedBy", nillable=False)),
        ]
    out.append(FieldDef("SystemModstamp", "datetime", nillable=False, createable=False, updateable=False))
    if owner:
        out.append(ref("OwnerId", "User", rel="Owner", nillable=False, default="$actor"))
    return tuple(hide(f) if f.name in hidden else f for f in out)
