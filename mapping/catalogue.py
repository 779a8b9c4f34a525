"""The shipped mappings as the config checks need them (config.ObjectFacts): per CRM kind and object, the CRM
fields read, the canonical fields filled and the custom keys kept; the canonical entities and the transforms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from config import ObjectFacts
from mapping.model import ENTITIES
from mapping.spec import VALUED_TRANSFORMS, MappingError, ObjectMapping, load_spec, resolve
from mapping.transforms import TRANSFORMS

KINDS: tuple[str, ...] = ("hubspot", "salesforce", "dynamics", "marketo")


def object_facts(om: ObjectMapping) -> ObjectFacts:
    return ObjectFacts(
        entity=om.entity,
        reads=frozenset(om.source_fields()),
        rule_sources=frozenset(r.source for r in om.rules if r.source),
        targets=frozenset(r.target for r in om.rules),
        custom_keys=frozenset(key for _, key in om.custom),
        valued_sources=frozenset(r.source for r in om.rules if r.source and r.transform in VALUED_TRANSFORMS),
    )


def shipped_objects() -> dict[str, dict[str, ObjectFacts]]:
    return {kind: {name: object_facts(om) for name, om in load_spec(kind).items()} for kind in KINDS}


def entity_fields() -> dict[str, frozenset[str]]:
    return {entity: frozenset(fields) for entity, fields in ENTITIES.items()}


def transform_names() -> frozenset[str]:
    return frozenset(TRANSFORMS)


def defined_mapping_problems(kind: str, connection: str, obj: str, raw: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(key path, problem) of an object mapping written whole in config, found by ``resolve`` itself."""
    try:
        resolve(kind, [obj], {obj: raw}, connection=connection, shipped={})
    except MappingError as exc:
        return [(exc.where, exc.detail)]
    return []
