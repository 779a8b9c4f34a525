"""Records as the API renders them: ``{"id","properties","createdAt","updatedAt","archived"}`` (+ associations)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sandbox.hubspot.associations import v3_names
from sandbox.hubspot.records import Rec, Values
from sandbox.hubspot.schema import ObjectSchema
from sandbox.hubspot.store import Store
from sandbox.hubspot.timefmt import iso
from sandbox.hubspot.types import ObjectTypes


def select_properties(schema: ObjectSchema, requested: Iterable[str] | None) -> tuple[str, ...]:
    """What a response carries: the defaults when nothing is named, else the named known ones plus the always-set;
    unknown names are dropped silently, as HubSpot does."""
    if requested is None:
        return schema.defaults
    names = [n for n in requested if n in schema.props]
    return tuple(dict.fromkeys([*names, *schema.always]))


def split_names(raw: Iterable[str]) -> list[str]:
    """``properties=a,b&properties=c`` → ``[a, b, c]``."""
    return [part.strip() for item in raw for part in item.split(",") if part.strip()]


def association_types(types: ObjectTypes, raw: Iterable[str]) -> list[str]:
    return [t for t in dict.fromkeys(types.resolve(n) for n in split_names(raw)) if t is not None]


class Renderer:
    def __init__(self, store: Store) -> None:
        self.store = store

    def record(self, otype: str, rec: Rec, props: Sequence[str], *, values: Values | None = None,
               modified: int | None = None, associations: Sequence[str] = ()) -> dict[str, Any]:
        schema = self.store.schemas[otype]
        values = rec.values if values is None else values
        modified = rec.modified if modified is None else modified
        getters = schema.getters
        out: dict[str, Any] = {
            "id": str(rec.id),
            "properties": {name: getters[name](rec, values, modified) for name in props},
            "createdAt": iso(rec.created),
            "updatedAt": iso(modified),
            "archived": rec.archived_at is not None,
        }
        if rec.archived_at is not None:
            out["archivedAt"] = iso(rec.archived_at)
        if associations:
            linked = self.associations(otype, rec, associations)
            if linked:
                out["associations"] = linked
        return out

    def associations(self, otype: str, rec: Rec, to_types: Sequence[str]) -> dict[str, Any]:
        schemas = self.store.schemas
        out: dict[str, Any] = {}
        for to_type in to_types:
            if not self.store.assoc.supported(otype, to_type):
                continue
            results = [
                {"id": str(a.to_id), "type": name}
                for a in self.store.assoc.lookup(otype, rec, to_type)
                for name in v3_names(schemas[otype].assoc_name, schemas[to_type].assoc_name, (otype, to_type),
                                     a.primary)
            ]
            if results:
                out[to_type] = {"results": results}
        return out
