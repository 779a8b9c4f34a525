"""``connections.<name>.mapping.<object>``: an override of the shipped mapping, or a whole mapping naming ``entity``.

A custom object (``Training_Program__c``, HubSpot ``2-1234567``, a Dataverse ``new_`` table) has no mapping in
``mapping/specs``; an admin writes it here in the specs' own format. Which of the two an entry is follows from
``entity`` (the union's tag), so each is checked as what it is and errors point at the key the admin wrote.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Discriminator, Field, Tag, model_validator

from config.models.base import StrictModel, problems_error
from config.models.settings_parts import MappingOverride
from config.models.types import CrmName, Identifier

Scalar = str | int | float | bool | None


class FieldSource(StrictModel):
    """Where one canonical field comes from, as mapping/specs write it: ``{from: Score__c, transform: number}``,
    ``{from: Account__c, ref: Account}``, ``{const: call}``."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    source: CrmName | None = Field(default=None, alias="from")  # the CRM field the value is read from
    ref: CrmName | None = None  # the CRM object the value's id points at: the field holds its canonical id
    transform: Identifier | None = None  # None: the canonical field's type decides
    const: Scalar = None  # a fixed value instead of a CRM field
    values: dict[str, Scalar] | None = None  # transform: map
    default: Scalar = None  # transform: map, for a value not in values ($same keeps it)
    region_from: CrmName | None = None  # transform: phone, the field holding the country
    id_prefix: str | None = None  # a polymorphic Salesforce lookup: only ids starting with it
    assume_utc: bool | None = None  # transform: datetime, a naive value is UTC

    @model_validator(mode="after")
    def _source_or_const(self) -> FieldSource:
        if self.source is None and "const" not in self.model_fields_set:
            raise problems_error("FieldSource", [(("from",), "name the CRM field (from) or give a const value")])
        return self


def _source_kind(value: Any) -> str:
    return "source" if isinstance(value, dict | FieldSource) else "field"


# A CRM field's name, or where the value comes from in full; chosen by shape so an error names one, not both.
FieldFrom = Annotated[
    Annotated[CrmName, Tag("field")] | Annotated[FieldSource, Tag("source")],
    Discriminator(_source_kind),
]


class ObjectDefinition(StrictModel):
    """An object's whole mapping: its canonical ``entity``, ``fields`` (canonical field: CRM field or a
    FieldSource) and ``custom`` (CRM fields kept in the row's custom JSON, or ``{key: crm_field}``)."""

    entity: Identifier  # the canonical entity the object's records become
    fields: dict[Identifier, FieldFrom] = Field(default_factory=dict)  # canonical field: CRM field or a source
    custom: list[CrmName | dict[CrmName, CrmName]] = Field(default_factory=list)  # kept in the row's custom JSON
    # When this object's CRM schema changes; None: the connection's drift_policy (mapping/drift.py says what each does)
    drift_policy: Literal["evolve", "freeze", "discard"] | None = None

    def as_spec(self) -> dict[str, Any]:
        """What mapping.spec.resolve reads: the specs' own keys, as written."""
        return self.model_dump(by_alias=True, exclude_unset=True, exclude={"drift_policy"})


def _entry_kind(value: Any) -> str:
    if isinstance(value, ObjectDefinition) or (isinstance(value, dict) and "entity" in value):
        return "definition"
    return "override"


MappingEntry = Annotated[
    Annotated[MappingOverride, Tag("override")] | Annotated[ObjectDefinition, Tag("definition")],
    Discriminator(_entry_kind),
]
