"""The shape of the object-model files, as pydantic models: ``modules.yaml`` and one ``models/<code>.yaml`` per model.

Each file is checked on its own here (keys, types, what each way of holding a model needs); what spans files or
needs the canonical model (entities, relation targets, aliases, module lists) is checked by ``loader``.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

FieldType = Literal["string", "text", "number", "integer", "boolean", "date", "datetime", "ref"]
CrmKind = Literal["salesforce", "hubspot", "dynamics", "marketo"]
CRM_KINDS: tuple[CrmKind, ...] = ("salesforce", "hubspot", "dynamics", "marketo")
# entity: rows of a canonical entity (all of them, or those a `where` selects); computed: an analytics engine's output;
# custom_object: no canonical entity: a CRM custom object an admin maps to the model in config.
HeldAs = Literal["entity", "computed", "custom_object"]
Cardinality = Literal["one_to_one", "many_to_one", "one_to_many", "many_to_many"]
Scalar = bool | int | float | str
Code = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")]
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
DottedModule = Annotated[str, StringConstraints(pattern=r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)+$")]


def code_of(name: str) -> str:
    """A model's code: its name in UPPER_SNAKE ("Co-Marketing Campaign" -> CO_MARKETING_CAMPAIGN)."""
    return re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldSpec(_Strict):
    """A field of a model that no canonical entity holds (a custom object's suggested shape, an engine's output)."""

    name: Identifier
    type: FieldType
    required: bool = False
    description: str = ""


class RelationSpec(_Strict):
    """A line of the UML view: this model -> ``target`` (a model code), through the ref field ``via`` when one."""

    name: Identifier
    target: Code
    cardinality: Cardinality
    via: Identifier | None = None
    description: str = ""


class SourceSpec(_Strict):
    """Where one CRM keeps the model by default: a standard object, an association, a custom object, or nothing."""

    kind: Literal["standard", "association", "custom", "none"]
    object: str | None = None  # the CRM's own name for it (API name, object type, table, custom object)
    note: str = ""

    @model_validator(mode="after")
    def _object_iff_kept(self) -> SourceSpec:
        if self.kind == "none" and self.object:
            raise ValueError("a source of kind 'none' names no object")
        if self.kind != "none" and not self.object:
            raise ValueError(f"a source of kind {self.kind!r} names the CRM object that keeps the model")
        return self


class EngineSpec(_Strict):
    """The crmhub engine that computes a model: a module that exists, one a later issue builds (``planned``), or one
    that waits for data no CRM's shipped mapping holds yet (``needs_data``: ``needs`` says which)."""

    engine: DottedModule
    output: str  # the store table it writes, or what it produces
    status: Literal["available", "planned", "needs_data"] = "available"
    issue: int | None = Field(default=None, ge=1)  # planned: the issue that builds it
    needs: str = ""  # needs_data: the CRM fields or objects whose data the engine would derive the model from

    @model_validator(mode="after")
    def _planned_names_its_issue(self) -> EngineSpec:
        if self.status == "planned" and self.issue is None:
            raise ValueError("a planned engine names the issue that builds it (issue: <n>)")
        if (self.status == "needs_data") != bool(self.needs):
            raise ValueError("an engine waiting for data says which (status: needs_data with needs: <what>), and "
                             "only such an engine has needs")
        return self


class ModelFile(_Strict):
    """One ``models/<code>.yaml``."""

    code: Code
    name: str = Field(min_length=1)
    long_name: str | None = None  # the spelled-out name the seed also writes, e.g. "Quarterly Business Review (QBR)"
    aliases: tuple[str, ...] = ()
    description: str = Field(min_length=1)
    held_as: HeldAs
    entity: Identifier | None = None
    where: dict[Identifier, Scalar | list[Scalar]] = Field(default_factory=dict)
    required: tuple[Identifier, ...] = ()  # entity-held: the entity fields this model needs filled
    fields: tuple[FieldSpec, ...] = ()  # computed and custom-object models: their own fields
    relations: tuple[RelationSpec, ...] = ()
    sources: dict[CrmKind, SourceSpec] = Field(default_factory=dict)
    computed_by: EngineSpec | None = None
    caveat: str = ""  # what the selection cannot tell apart yet, said where the model is shown

    @model_validator(mode="after")
    def _consistent(self) -> ModelFile:
        problems = []
        if self.code != code_of(self.name):
            problems.append(f"code {self.code!r} is not its name in UPPER_SNAKE ({code_of(self.name)!r})")
        if self.held_as == "entity":
            problems += _absent(self, "computed_by", "fields")
            if not self.entity:
                problems.append("held_as entity names the canonical entity (entity: <name>)")
        elif self.held_as == "computed":
            problems += _absent(self, "entity", "where", "required", "sources")
            if self.computed_by is None:
                problems.append("held_as computed names its engine (computed_by: {engine, output})")
        else:
            problems += _absent(self, "entity", "where", "required", "computed_by")
        if self.held_as != "entity" and not self.fields:
            problems.append(f"held_as {self.held_as} declares its fields")
        if self.held_as != "computed" and set(self.sources) != set(CRM_KINDS):
            missing = [k for k in CRM_KINDS if k not in self.sources]
            problems.append(f"sources names every CRM (kind: none where it keeps nothing); missing: {missing}")
        names = [f.name for f in self.fields]
        problems += [f"field {n!r} is declared twice" for n in sorted({n for n in names if names.count(n) > 1})]
        if problems:
            raise ValueError("; ".join(problems))
        return self


def _absent(model: ModelFile, *keys: str) -> list[str]:
    return [f"held_as {model.held_as} takes no {key!r}" for key in keys if getattr(model, key)]


class ModuleSpec(_Strict):
    """One analytics module of ``modules.yaml``: the seed's code, name and description, its models in seed order."""

    code: Code
    name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    value_chains: tuple[str, ...] = ()
    models: tuple[Code, ...] = Field(min_length=1)


class ModulesFile(_Strict):
    modules: tuple[ModuleSpec, ...] = Field(min_length=1)
