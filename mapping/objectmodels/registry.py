"""The loaded registry: object models with their fields and modules resolved, and the modules that use them.

``ObjectModel.metadata_["modules"]`` and ``Module.object_models`` are the seed's API (its ``definitions`` package);
the KPI half of that API (``Module.kpis``, ``get_kpi``) is issue 18's and joins ``Module`` without changing it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from mapping.objectmodels.errors import ObjectModelError
from mapping.objectmodels.schema import (
    Code,
    CrmKind,
    EngineSpec,
    FieldType,
    HeldAs,
    RelationSpec,
    Scalar,
    SourceSpec,
)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ModelField(_Frozen):
    name: str
    type: FieldType
    required: bool = False
    description: str = ""


class ObjectModel(_Frozen):
    code: Code
    name: str
    long_name: str | None = None
    aliases: tuple[str, ...] = ()
    description: str
    held_as: HeldAs
    entity: str | None = None
    where: Mapping[str, Scalar | tuple[Scalar, ...]] = {}
    fields: tuple[ModelField, ...]
    relations: tuple[RelationSpec, ...] = ()
    sources: Mapping[CrmKind, SourceSpec] = {}
    computed_by: EngineSpec | None = None
    caveat: str = ""
    modules: tuple[Code, ...]  # the module codes that list it, in modules.yaml's order

    @property
    def metadata_(self) -> dict[str, Any]:
        """The seed's metadata: ``modules`` (codes), ``aliases`` and how the model is held."""
        return {"modules": list(self.modules), "aliases": list(self.aliases), "held_as": self.held_as,
                "entity": self.entity, "where": dict(self.where),
                "engine": self.computed_by.engine if self.computed_by else None}

    def field(self, name: str) -> ModelField:
        for item in self.fields:
            if item.name == name:
                return item
        raise ObjectModelError(f"{self.code} has no field {name!r}; fields: {', '.join(f.name for f in self.fields)}")


class Module(_Frozen):
    code: Code
    name: str
    description: str
    value_chains: tuple[str, ...] = ()
    object_models: tuple[ObjectModel, ...]

    @property
    def model_codes(self) -> list[str]:
        return [model.code for model in self.object_models]


@dataclass(frozen=True, slots=True)
class Registry:
    models: Mapping[str, ObjectModel]  # by code, in file-name order
    modules: Mapping[str, Module]  # by code, in modules.yaml's order

    def __iter__(self) -> Iterator[ObjectModel]:
        return iter(self.models.values())

    def __len__(self) -> int:
        return len(self.models)

    def object_model(self, code: str) -> ObjectModel:
        """The model with this code (a name or an alias is accepted too: "Sales Rep" is SALES_REPRESENTATIVE)."""
        found = self.models.get(code.upper()) or self._by_name(code)
        if found is None:
            raise ObjectModelError(f"no object model {code!r}{_did_you_mean(code, self._names())}; "
                                   f"`crmhub models list` lists the {len(self.models)} models")
        return found

    def module(self, code: str) -> Module:
        found = self.modules.get(code.upper())
        if found is None:
            raise ObjectModelError(f"no module {code!r}{_did_you_mean(code.upper(), list(self.modules))}; "
                                   f"modules: {', '.join(self.modules)}")
        return found

    def resolve(self, name: str) -> ObjectModel:
        """The model a seed name means: its name, an alias, or "Long Name (ACRONYM)" for a model named ACRONYM."""
        found = self._by_name(name)
        if found is None:
            raise ObjectModelError(f"the name {name!r} is no model's name or alias{_did_you_mean(name, self._names())}")
        return found

    def related(self, code: str) -> list[ObjectModel]:
        """The models ``code`` points at and the models that point at it, each once, in registry order."""
        model = self.object_model(code)
        targets = {relation.target for relation in model.relations}
        return [other for other in self if other.code != model.code
                and (other.code in targets or any(r.target == model.code for r in other.relations))]

    def _by_name(self, name: str) -> ObjectModel | None:
        wanted = _folded(name)
        spelled_out = re.fullmatch(r"(.+?)\s*\((\w+)\)", name.strip())
        for model in self:
            if wanted in {_folded(n) for n in (model.name, *model.aliases)}:
                return model
            if spelled_out and model.long_name and _folded(spelled_out[1]) == _folded(model.long_name) \
                    and _folded(spelled_out[2]) == _folded(model.name):
                return model
        return None

    def _names(self) -> list[str]:
        return [n for model in self for n in (model.code, model.name, *model.aliases)]


def _folded(name: str) -> str:
    return " ".join(name.split()).casefold()


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=3, cutoff=0.6)
    return f" (did you mean {', '.join(close)}?)" if close else ""
