"""Declarative mappings: ``specs/<kind>.yaml`` per CRM, admin overrides from crmhub.yaml laid on top.

```yaml
objects:
  contacts:
    entity: contact
    fields:
      first_name: firstname                          # from a CRM field, transform by the canonical type
      email: {from: email, transform: email}
      account_id: {from: associatedcompanyid, ref: companies}   # canonical id of the referenced record
      type: {const: call}
    custom: [hs_analytics_source,                    # kept as-is in the row's custom JSON
             {web_visits: hs_analytics_num_visits}]  # kept under another key
```
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

import yaml

from config import ConnectionBase, keypath
from mapping.model import ENTITIES
from mapping.transforms import TRANSFORMS

# The transforms a value map (an override's ``values:``) may replace or extend: text as it is, or a map already.
VALUED_TRANSFORMS = frozenset({"string", "map"})
DEFAULT_TRANSFORM = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean",
                     "datetime": "datetime", "date": "date"}


class MappingError(ValueError):
    """A mapping that cannot work: ``where`` names the connection/object/field, ``detail`` says what is expected."""

    def __init__(self, where: str, detail: str) -> None:
        self.where = where
        self.detail = detail
        super().__init__(f"{where}: {detail}")

    def __reduce__(self) -> tuple[type[MappingError], tuple[str, str]]:
        return type(self), (self.where, self.detail)


@dataclass(frozen=True, slots=True)
class FieldRule:
    target: str  # canonical field
    source: str | None  # native field; None for constants
    transform: str  # a TRANSFORMS name, or "ref"
    args: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ObjectMapping:
    object: str
    entity: str
    rules: tuple[FieldRule, ...]
    custom: tuple[tuple[str, str], ...] = ()  # (native field, key in custom JSON)
    # (native field, old CRM type, new CRM type): schema drift not yet accepted; its records go to quarantine
    type_changes: tuple[tuple[str, str, str], ...] = ()
    # Rows carry the ``custom`` JSON column; a raw table (mapping/raw.py) has none: every field read has a column.
    keeps_custom: bool = True

    def source_fields(self) -> list[str]:
        """Every native field this mapping reads: what the connector is asked for, and nothing more."""
        names = {r.source for r in self.rules if r.source}
        names |= {str(r.args["region_from"]) for r in self.rules if r.args.get("region_from")}
        names |= {src for src, _ in self.custom}
        return sorted(names)


def _rule(entity: str, target: str, raw: Any, where: str) -> FieldRule:
    kinds = ENTITIES[entity]
    if target not in kinds:
        raise MappingError(where, f"{target!r} is not a field of canonical {entity}; fields: {', '.join(kinds)}")
    if isinstance(raw, str):
        raw = {"from": raw}
    if not isinstance(raw, Mapping):
        raise MappingError(f"{where}.{target}", "expected a CRM field name or a mapping with 'from'")
    args = {k: v for k, v in raw.items() if k not in ("from", "transform", "ref", "const")}
    if "const" in raw:
        return FieldRule(target, None, "const", {"value": raw["const"]})
    source = raw.get("from")
    if not source:
        raise MappingError(f"{where}.{target}", "'from' (the CRM field) is required")
    if "ref" in raw:
        return FieldRule(target, str(source), "ref", {**args, "object": str(raw["ref"])})
    if kinds[target] == "ref":
        raise MappingError(f"{where}.{target}", "a reference needs 'ref: <object>' naming the referenced CRM object")
    transform = str(raw.get("transform") or DEFAULT_TRANSFORM[kinds[target]])
    if transform not in TRANSFORMS:
        raise MappingError(f"{where}.{target}", f"unknown transform {transform!r}; known: {', '.join(TRANSFORMS)}")
    return FieldRule(target, str(source), transform, args)


def parse_object(name: str, raw: Mapping[str, Any], *, where: str) -> ObjectMapping:
    entity = str(raw.get("entity", ""))
    if entity not in ENTITIES:
        raise MappingError(f"{where}.entity", f"expected one of {', '.join(ENTITIES)}, got {entity!r}")
    rules = tuple(_rule(entity, t, r, f"{where}.fields") for t, r in (raw.get("fields") or {}).items())
    custom = tuple(_custom(c, f"{where}.custom") for c in raw.get("custom") or ())
    return ObjectMapping(name, entity, rules, custom)


def _custom(raw: Any, where: str) -> tuple[str, str]:
    """A ``custom`` entry: a CRM field kept under its own name, or ``{key: crm_field}`` kept under ``key`` (how a
    CRM's roll-ups reach the keys scoring reads, e.g. ``{web_visits: hs_analytics_num_visits}``)."""
    if isinstance(raw, Mapping):
        if len(raw) != 1:
            raise MappingError(where, f"expected a CRM field name or one {{key: crm_field}} pair, got {dict(raw)!r}")
        ((key, source),) = raw.items()
        return str(source), str(key)
    return str(raw), str(raw)


def with_values(rule: FieldRule, table: Mapping[str, Any], *, where: str) -> FieldRule:
    """``rule`` mapping the CRM's values through ``table``: a map's own entries stay (``table``'s win) and so does its
    default; text becomes a map keeping every value not in ``table`` as it was (trimmed, as text is)."""
    if rule.transform not in VALUED_TRANSFORMS:
        raise MappingError(where, f"a value map applies to a field mapped as text or by values; {rule.source} is "
                                  f"mapped onto {rule.target} with the {rule.transform} transform")
    entries = {str(k): v for k, v in table.items()}
    if rule.transform == "map":
        return replace(rule, args={**rule.args, "values": {**(rule.args.get("values") or {}), **entries}})
    return replace(rule, transform="map", args={**rule.args, "values": entries, "default": "$same"})


def load_spec(kind: str) -> dict[str, ObjectMapping]:
    text = resources.files("mapping.specs").joinpath(f"{kind}.yaml").read_text()
    raw = yaml.safe_load(text) or {}
    return {name: parse_object(name, body, where=f"mapping/specs/{kind}.yaml:objects.{name}")
            for name, body in (raw.get("objects") or {}).items()}


def with_overrides(om: ObjectMapping, overrides: Mapping[str, Any] | None, *, connection: str) -> ObjectMapping:
    """Admin overrides: ``fields: {crm_field: canonical | custom.name}``, ``exclude: [...]``, ``transforms: {...}``,
    ``values: {crm_field: {crm_value: canonical_value}}`` (``with_values``)."""
    if not overrides:
        return om
    where = f"connections.{connection}.mapping.{om.object}"
    rules = {r.target: r for r in om.rules}
    custom = dict((key, src) for src, key in om.custom)
    for src, target in (overrides.get("fields") or {}).items():
        if str(target).startswith("custom."):
            custom[str(target)[len("custom."):]] = str(src)
        else:
            rules[str(target)] = _rule(om.entity, str(target), {"from": src}, f"{where}.fields")
    for name in overrides.get("exclude") or ():
        rules = {t: r for t, r in rules.items() if name not in (t, r.source)}
        custom = {k: s for k, s in custom.items() if name not in (k, s)}
    for src, transform in (overrides.get("transforms") or {}).items():
        if transform not in TRANSFORMS:
            raise MappingError(f"{where}.transforms.{src}",
                               f"unknown transform {transform!r}; known: {', '.join(TRANSFORMS)}")
        hits = [t for t, r in rules.items() if r.source == src]
        if not hits:
            raise MappingError(f"{where}.transforms.{src}", f"no mapped field reads {src!r}")
        for t in hits:
            rules[t] = replace(rules[t], transform=str(transform))
    for src, table in (overrides.get("values") or {}).items():
        hits = [t for t, r in rules.items() if r.source == src]
        if not hits:
            raise MappingError(f"{where}.values.{src}", f"no mapped field reads {src!r}")
        for t in hits:
            rules[t] = with_values(rules[t], table, where=f"{where}.values.{src}")
    return ObjectMapping(om.object, om.entity, tuple(rules.values()), tuple((s, k) for k, s in custom.items()))


def unknown_fields(
    om: ObjectMapping, known: Sequence[str], *, derived: Sequence[str] = ()
) -> list[tuple[str, list[str]]]:
    """Fields a mapping reads that the CRM does not have: (name, closest real names) for each."""
    pool = set(known) | set(derived)
    out = []
    for name in om.source_fields():
        if name not in pool and not name.startswith("associations."):
            out.append((name, difflib.get_close_matches(name, sorted(pool), n=3, cutoff=0.6)))
    return out


def resolve(
    kind: str,
    objects: Iterable[str],
    overrides: Mapping[str, Mapping[str, Any] | None],
    *,
    connection: str,
    shipped: Mapping[str, ObjectMapping] | None = None,
) -> dict[str, ObjectMapping]:
    """The mapping of each of a connection's ``objects``: the one place a sync, a write-back, a dataset load and
    ``crmhub config check`` get them from, so an object mapped in config works in all of them.

    An override naming ``entity`` is the object's whole mapping, in the specs' own format (a custom object the
    shipped spec cannot know); any other override is laid on the shipped spec's object (``with_overrides``).
    ``shipped`` is ``mapping/specs/<kind>.yaml`` unless given. An object with neither is absent from the result:
    the caller says what that means for it.
    """
    specs = load_spec(kind) if shipped is None else shipped
    out: dict[str, ObjectMapping] = {}
    for obj in objects:
        override = overrides.get(obj) or None
        if override is not None and override.get("entity") is not None:
            where = keypath.join(["connections", keypath.key(connection), "mapping", keypath.key(obj)])
            out[obj] = parse_object(obj, override, where=where)
        elif obj in specs:
            out[obj] = with_overrides(specs[obj], override, connection=connection)
    return out


def connection_mappings(
    name: str, conn: ConnectionBase, objects: Iterable[str] | None = None
) -> dict[str, ObjectMapping]:
    """``resolve`` for a configured connection: its enabled objects (or ``objects``) and its ``mapping`` section."""
    chosen = conn.enabled_objects() if objects is None else objects
    return resolve(conn.kind, chosen, {obj: o.as_spec() for obj, o in conn.mapping.items()}, connection=name)
