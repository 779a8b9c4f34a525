"""Which connection objects fill each object model, derived from what a config will actually sync.

Nothing here is declared. An enabled object fills the entity-held models of the entity its resolved mapping
(``mapping.spec.resolve``: the shipped spec with the config's overrides, or a custom object's whole mapping written
in config) lands in, unless the mapping cannot produce the rows a
model's ``where`` selects: it fills no field the filter reads, or only with values the filter excludes (a constant,
a value table: a HubSpot call is never a Demo). An object also fills the model its per-object config tags
(``objects.<object>.model: CODE``): how a custom object is mapped to a custom-object model. Change a mapping or a
tag and the answer follows. Computed models are filled by their engine, never by a connection.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from config import CrmhubConfig
from mapping.objectmodels.errors import ObjectModelError
from mapping.objectmodels.registry import ObjectModel, Registry
from mapping.spec import FieldRule, ObjectMapping, load_spec, resolve

SpecLoader = Callable[[str], Mapping[str, ObjectMapping]]


@dataclass(frozen=True, slots=True)
class Filler:
    """One connection object that fills a model: through its mapping's entity, or because its config tags it."""

    connection: str
    kind: str  # the connection's CRM
    object: str
    how: Literal["entity", "tag"]
    entity: str | None  # the canonical entity its rows land in (None: kept as the custom object's raw rows)

    def as_dict(self) -> dict[str, Any]:
        return {"connection": self.connection, "kind": self.kind, "object": self.object, "how": self.how,
                "entity": self.entity}


def fillers(cfg: CrmhubConfig, registry: Registry, *, specs: SpecLoader = load_spec) -> dict[str, list[Filler]]:
    """Model code -> the enabled connection objects that fill it, in config order (every code has a list)."""
    out: dict[str, list[Filler]] = {model.code: [] for model in registry}
    by_entity: dict[str, list[ObjectModel]] = {}
    for model in registry:
        if model.held_as == "entity" and model.entity:
            by_entity.setdefault(model.entity, []).append(model)
    for name, conn in cfg.connections.items():
        # mapping.spec.resolve is the one place a connection's mappings come from (a custom object mapped in config
        # included), so this answer is the sync's own
        mappings = resolve(conn.kind, conn.enabled_objects(), {obj: o.as_spec() for obj, o in conn.mapping.items()},
                           connection=name, shipped=specs(conn.kind))
        for obj, settings in conn.objects.items():
            if not settings.enabled:
                continue
            mapping = mappings.get(obj)
            entity = mapping.entity if mapping else None
            for model in by_entity.get(entity or "", []):
                if mapping is not None and _can_select(mapping, model):
                    out[model.code].append(Filler(name, conn.kind, obj, "entity", entity))
            tag = getattr(settings, "model", None)  # the per-object `model:` key, where the config has it
            if tag:
                model = _tagged(registry, str(tag), connection=name, obj=obj)
                if all(f.connection != name or f.object != obj for f in out[model.code]):
                    out[model.code].append(Filler(name, conn.kind, obj, "tag", entity))
    return out


def shipped_mappings(registry: Registry, kinds: tuple[str, ...], *,
                     specs: SpecLoader = load_spec) -> dict[str, dict[str, list[str]]]:
    """Model code -> CRM kind -> the objects whose shipped mapping (no config) can fill the model."""
    loaded = {kind: specs(kind) for kind in kinds}
    return {model.code: {kind: [obj for obj, om in loaded[kind].items()
                                if model.held_as == "entity" and om.entity == model.entity and _can_select(om, model)]
                         for kind in kinds}
            for model in registry}


def _can_select(mapping: ObjectMapping, model: ObjectModel) -> bool:
    """Whether rows of this mapping can pass the model's ``where``: each field it reads is filled, and can take a
    value the filter selects."""
    rules = {rule.target: rule for rule in mapping.rules}
    for name, wanted in model.where.items():
        rule = rules.get(name)
        if rule is None:
            return False
        produced = _outputs(rule)
        if produced is not None and not produced & set(wanted if isinstance(wanted, tuple) else (wanted,)):
            return False
    return True


def _outputs(rule: FieldRule) -> set[Any] | None:
    """Every value a rule can produce, when its transform says (a constant, a value table); None: any value."""
    if rule.transform == "const":
        return {rule.args.get("value")}
    if rule.transform == "map":
        values = set((rule.args.get("values") or {}).values())
        default = rule.args.get("default")
        if default == "$same":
            return None
        return values | ({default} if "default" in rule.args else set())
    return None


def _tagged(registry: Registry, code: str, *, connection: str, obj: str) -> ObjectModel:
    try:
        return registry.object_model(code)
    except ObjectModelError as exc:
        raise ObjectModelError(f"connections.{connection}.objects.{obj}.model: {exc}") from None
