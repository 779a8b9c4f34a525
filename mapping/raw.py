"""The identity "mapping" of a typed raw table: every CRM field read lands in its own column, coerced to the column's
store type, through the same ``map_records`` as a canonical mapping, so a value that does not fit its column
rejects its record into quarantine with a reason naming the record, the field and the type expected.

Which column holds which field is the store's (``store/raw.py``); this module only turns that into rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mapping.model import TABLE_OF
from mapping.raw_types import CREATED_FIELDS, MODIFIED_FIELDS, UNKNOWN, store_type
from mapping.spec import FieldRule, ObjectMapping

STRING_LENGTH = 255  # store/raw.py's String column; longer text is refused, not cut
# store type -> (transform, its arguments): how a CRM value becomes the column's value
COERCE: Mapping[str, tuple[str, Mapping[str, Any]]] = {
    "string": ("text", {"max_length": STRING_LENGTH}),
    "text": ("text", {}),
    "integer": ("integer", {}),
    "number": ("number", {}),
    "boolean": ("boolean", {}),
    "date": ("date", {}),
    "datetime": ("datetime", {"date_as_midnight": True}),
}


@dataclass(frozen=True, slots=True)
class ColumnRule:
    field: str  # the CRM field
    column: str
    type: str  # a STORE_TYPES name
    crm_type: str


def column_type(kind: str, native: str, override: str | None = None) -> tuple[str, bool]:
    """(the store type, whether crmhub knows the native type): an admin's override wins, an unknown type is text."""
    if override is not None:
        return override, True
    found = store_type(kind, native)
    return (found, True) if found is not None else (UNKNOWN, False)


def time_fields(kind: str, available: Sequence[str], cursor_field: str | None) -> tuple[str | None, str | None]:
    """The CRM fields that fill created_at and updated_at, among ``available``; None where there is none."""
    present = set(available)
    created = next((f for f in CREATED_FIELDS.get(kind, ()) if f in present), None)
    modified_choices = ((cursor_field,) if cursor_field else ()) + MODIFIED_FIELDS.get(kind, ())
    modified = next((f for f in modified_choices if f in present), None)
    return created, modified


def raw_mapping(object: str, table: str, columns: Sequence[ColumnRule], *, created: str | None,
                modified: str | None, type_changes: Sequence[tuple[str, str, str]] = ()) -> ObjectMapping:
    """The mapping a raw stream runs with: its ``entity`` is the raw table's name (where its rows, links and
    quarantine rows say they belong)."""
    rules = [_rule(c) for c in columns]
    for target, source in (("created_at", created), ("updated_at", modified)):
        if source is not None:
            rules.append(FieldRule(target, source, "datetime", {"date_as_midnight": True}))
    return ObjectMapping(object, table, tuple(rules), type_changes=tuple(type_changes), keeps_custom=False)


def _rule(c: ColumnRule) -> FieldRule:
    transform, args = COERCE[c.type]
    return FieldRule(c.column, c.field, transform, {**args, "column_type": c.type, "crm_type": c.crm_type})


def table_of(entity: str) -> str:
    """The store table a mapping's entity lands in: a canonical entity's table, or the raw table a raw mapping
    names as its entity (store/raw.py resolves both)."""
    return TABLE_OF.get(entity, entity)
