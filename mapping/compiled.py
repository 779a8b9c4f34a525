"""An object mapping compiled once into one function that builds a canonical row from a native record.

``map_records`` (mapping/apply.py) runs for every record of every sync; reading each rule's transform, arguments,
referenced object and custom fields again for every record was a fifth of its cost. The compiled function has all
of that bound beforehand. It builds only rows: a record with a value its transforms refuse (the function raises the
transform's error) or with a value in a field whose CRM type changed (it answers None) goes through the per-rule
path instead, which says why, so rejects carry exactly the reasons they always did.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from mapping.canonical_ids import canonical_id, id_maker
from mapping.spec import FieldRule, ObjectMapping
from mapping.transforms import Transform, prepared, ref_source_id

RowBuilder = Callable[[Mapping[str, Any]], dict[str, Any] | None]
_EMPTY = (None, "")


class _Same:
    """An object mapping as a cache key by identity: its rules' arguments are dicts, so it has no hash of its own.
    The cache holds the mapping itself, so its id cannot be reused by another while the entry lives."""

    __slots__ = ("om",)

    def __init__(self, om: ObjectMapping) -> None:
        self.om = om

    def __hash__(self) -> int:
        return id(self.om)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.om is self.om


def row_builder(om: ObjectMapping, *, connection: str, primary_key: str) -> RowBuilder:
    """The compiled ``om`` for one connection: a sync maps unit after unit with the same mapping object, and a
    reloaded configuration's new mapping objects compile afresh."""
    return _compiled(_Same(om), connection, primary_key)


@lru_cache(maxsize=64)
def _compiled(key: _Same, connection: str, primary_key: str) -> RowBuilder:
    om = key.om
    own_id = id_maker(connection, om.object)
    head = {"source_connection": connection, "source_object": om.object}
    steps = tuple((r.target, r.source, _transform(r, connection), r.args) for r in om.rules)
    custom = om.custom if om.keeps_custom else None
    changed = tuple(source for source, _, _ in om.type_changes)

    def build(record: Mapping[str, Any]) -> dict[str, Any] | None:
        get = record.get
        for field in changed:  # the per-rule path quarantines these records with the type change as reason
            if get(field) not in _EMPTY:
                return None
        source_id = str(record[primary_key])
        row: dict[str, Any] = {"id": own_id(source_id), **head, "source_id": source_id}
        for target, source, transform, args in steps:
            row[target] = transform(get(source) if source else None, args, record)
        if custom is not None:
            values: dict[str, Any] = {}
            for field, name in custom:
                value = get(field)
                if value not in _EMPTY:
                    values[name] = value
            row["custom"] = values
        return row

    return build


def _transform(rule: FieldRule, connection: str) -> Transform:
    """The rule's transform as a function of (value, args, record); a reference has the referenced object bound."""
    if rule.transform != "ref":
        return prepared(rule.transform, rule.args)  # type: ignore[return-value]  # None fails as the rule path does
    if "object" not in rule.args:
        return _ref_reading_args(connection)
    ids, id_prefix = str(rule.args["object"]), rule.args.get("id_prefix")

    def ref(value: Any, args: Mapping[str, Any], record: Mapping[str, Any]) -> str | None:
        source_id: str | None
        if type(value) is str:
            source_id = value.strip()
            if not source_id or (id_prefix and not source_id.startswith(id_prefix)):
                return None
        else:
            source_id = ref_source_id(value, id_prefix)
            if not source_id:
                return None
        return canonical_id(connection, ids, source_id)

    return ref


def _ref_reading_args(connection: str) -> Transform:
    """A reference rule without its object: the per-rule path's own steps, which fail on every record alike."""

    def ref(value: Any, args: Mapping[str, Any], record: Mapping[str, Any]) -> str | None:
        source_id = ref_source_id(value, args.get("id_prefix"))
        return canonical_id(connection, str(args["object"]), source_id) if source_id else None

    return ref
