"""Property definitions and per-object schemas: which properties exist, how each is stored, read and validated.

A record keeps its stored properties in a tuple aligned with ``ObjectSchema.columns``; identity and time properties
(``hs_object_id``, ``createdate``, ``hs_lastmodifieddate`` …) are read from the record itself, so they can never drift
from ``id``/``createdAt``/``updatedAt``. A custom property appends a column: older tuples are shorter and read as null.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.hubspot.timefmt import iso

TYPES = ("string", "number", "date", "datetime", "enumeration", "bool")
# fieldTypes HubSpot accepts for each property type.
FIELD_TYPES = {
    "string": ("text", "textarea", "phonenumber", "html", "file"),
    "number": ("number", "calculation_equation"),
    "date": ("date",),
    "datetime": ("date",),
    "enumeration": ("select", "radio", "checkbox", "booleancheckbox", "calculation_equation"),
    "bool": ("booleancheckbox", "calculation_equation"),
}
KINDS = ("column", "id", "created", "modified", "closed", "won", "line_amount", "forecast")

Getter = Callable[[Any, tuple[str | None, ...], int], str | None]


@dataclass(frozen=True, slots=True)
class Option:
    label: str
    value: str
    display_order: int
    hidden: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "value": self.value, "displayOrder": self.display_order, "hidden": self.hidden}


@dataclass(slots=True)
class PropertyDef:
    name: str
    label: str
    type: str
    field_type: str
    group: str
    options: tuple[Option, ...] = ()
    kind: str = "column"
    read_only: bool = False
    calculated: bool = False
    unique: bool = False
    hidden: bool = False
    hubspot_defined: bool = True
    description: str = ""
    display_order: int = -1
    created_ms: int = 0
    referenced_type: str | None = None
    allowed: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        self.allowed = frozenset(o.value for o in self.options)

    def to_json(self) -> dict[str, Any]:
        # No createdUserId: HubSpot sets it only for a property a user created in HubSpot's UI, and the sandbox's
        # properties are HubSpot's own or created through the API.
        out: dict[str, Any] = {
            "name": self.name, "label": self.label, "type": self.type, "fieldType": self.field_type,
            "description": self.description, "groupName": self.group,
            "options": [o.to_json() for o in self.options], "displayOrder": self.display_order,
            "calculated": self.calculated, "externalOptions": self.referenced_type is not None,
            "hasUniqueValue": self.unique, "hidden": self.hidden, "hubspotDefined": self.hubspot_defined,
            "formField": not self.read_only and self.kind == "column",
            "modificationMetadata": {
                "archivable": not self.hubspot_defined, "readOnlyDefinition": self.hubspot_defined,
                "readOnlyValue": self.read_only,
            },
            "dataSensitivity": "non_sensitive",
            "createdAt": iso(self.created_ms), "updatedAt": iso(self.created_ms), "archived": False,
        }
        if self.referenced_type:
            out["referencedObjectType"] = self.referenced_type
        return out


@dataclass(slots=True)
class CustomMeta:
    """What the schemas API keeps of a custom object beyond its properties (``/crm/v3/schemas``)."""

    schema_id: str                 # "2-7301" is its objectTypeId; "7301" the schema's id
    fully_qualified_name: str      # "p24681357_channel_partner"
    labels: tuple[str, str]        # (singular, plural)
    primary_display: str
    required: tuple[str, ...]
    searchable: tuple[str, ...]
    secondary: tuple[str, ...]
    description: str
    created_ms: int
    updated_ms: int
    archived: bool = False


@dataclass(frozen=True, slots=True)
class StageFacts:
    """Which deal stages are closed and which won, as the pipelines say: a live view the calculated properties read
    (a stage added, edited or deleted through the pipelines API changes them)."""

    closed: set[str]
    won: set[str]


@dataclass(slots=True)
class ObjectSchema:
    name: str                      # "contacts"
    singular: str                  # "contact"
    type_id: str                   # "0-1"
    assoc_name: str                # the name in v3 association labels ("meeting_event" for meetings)
    defaults: tuple[str, ...]      # properties returned when a request names none
    always: tuple[str, ...]        # returned whatever the request names
    link_targets: tuple[str, ...]  # object types whose association this type stores (see associations.py)
    required: tuple[str, ...]
    groups: tuple[tuple[str, str], ...]
    unique_lookup: tuple[str, ...]  # besides hs_object_id and hasUniqueValue properties: usable as idProperty
    read_only_object: bool = False  # HubSpot's API only reads it (goal targets, feedback submissions)
    custom: CustomMeta | None = None  # set for a custom object
    stages: StageFacts | None = None  # deals: the pipelines' closed and won stages
    props: dict[str, PropertyDef] = field(default_factory=dict)
    columns: dict[str, int] = field(default_factory=dict)
    getters: dict[str, Getter] = field(default_factory=dict)

    def add(self, prop: PropertyDef) -> None:
        if prop.kind not in KINDS:
            raise ValueError(f"unknown property kind {prop.kind!r}")
        if prop.kind == "column":
            self.columns[prop.name] = len(self.columns)
        if prop.display_order < 0:
            prop.display_order = len(self.props)
        self.props[prop.name] = prop
        self.getters[prop.name] = self._getter(prop)

    def unique_props(self) -> tuple[str, ...]:
        return self.unique_lookup + tuple(p.name for p in self.props.values() if p.unique)

    def _getter(self, prop: PropertyDef) -> Getter:
        if prop.kind == "id":
            return lambda rec, values, modified: str(rec.id)
        if prop.kind == "created":
            return lambda rec, values, modified: iso(rec.created)
        if prop.kind == "modified":
            return lambda rec, values, modified: iso(modified)
        if prop.kind in ("closed", "won"):
            stage_at = self.columns["dealstage"]
            if self.stages is None:
                raise ValueError(f"{self.name}: {prop.name} needs the pipelines' stage facts")
            wanted = self.stages.closed if prop.kind == "closed" else self.stages.won
            return lambda rec, values, modified: "true" if values[stage_at] in wanted else "false"
        if prop.kind == "forecast":
            return self._forecast()
        if prop.kind == "line_amount":
            return self._line_amount()
        at = self.columns[prop.name]
        return lambda rec, values, modified: values[at] if at < len(values) else None

    def _forecast(self) -> Getter:
        """A deal's forecast category: the one a rep set (``hs_manual_forecast_category``), else its stage's (won:
        CLOSED, lost: OMIT, open: PIPELINE)."""
        manual_at, stage_at = self.columns["hs_manual_forecast_category"], self.columns["dealstage"]
        stages = self.stages
        assert stages is not None

        def category(rec: Any, values: tuple[str | None, ...], modified: int) -> str | None:
            manual = values[manual_at] if manual_at < len(values) else None
            if manual:
                return manual
            stage = values[stage_at]
            if not stage:
                return None
            return "CLOSED" if stage in stages.won else "OMIT" if stage in stages.closed else "PIPELINE"
        return category

    def _line_amount(self) -> Getter:
        """A line item's net price: quantity x (price - unit discount), else less the discount percentage."""
        ats = [self.columns[n] for n in ("quantity", "price", "discount", "hs_discount_percentage")]

        def amount(rec: Any, values: tuple[str | None, ...], modified: int) -> str | None:
            quantity, price, unit_off, pct = (_num(values[at]) if at < len(values) else None for at in ats)
            if quantity is None or price is None:
                return None
            net = quantity * (price - unit_off) if unit_off else quantity * price * (1 - (pct or 0.0) / 100)
            return f"{round(net, 2):.2f}".rstrip("0").rstrip(".")
        return amount


def _num(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None
