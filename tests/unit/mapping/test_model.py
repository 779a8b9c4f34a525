"""mapping/model.py and store/tables.py agree: every entity's fields are its table's columns, of a matching type."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Date, Float, Integer, String, Text
from sqlalchemy.types import TypeEngine

import store
from mapping.model import ENTITIES, TABLE_OF
from store.types import UtcDateTime

# The store's provenance and bookkeeping columns, which no mapping fills.
PROVENANCE = {"id", "source_connection", "source_object", "source_id", "custom", "deleted_at", "synced_at"}

# The column types a canonical field type may be stored as.
STORED_AS: dict[str, tuple[type[TypeEngine[Any]], ...]] = {
    "string": (String, Text),
    "text": (Text,),
    "ref": (String,),
    "number": (Float,),
    "integer": (Integer,),
    "boolean": (Boolean,),
    "date": (Date,),
    "datetime": (UtcDateTime,),
}


def test_every_entity_has_its_own_table() -> None:
    assert set(TABLE_OF) == set(ENTITIES)
    assert set(TABLE_OF.values()) == set(store.canonical_tables)
    assert TABLE_OF["user"] == "crm_user"
    assert TABLE_OF["case"] == "support_case"


def test_every_field_is_a_column_of_its_type() -> None:
    for entity, fields in ENTITIES.items():
        table = store.canonical_tables[TABLE_OF[entity]]
        assert set(table.c.keys()) - PROVENANCE == set(fields), entity
        for field, kind in fields.items():
            column_type = table.c[field].type
            assert isinstance(column_type, STORED_AS[kind]), (entity, field, kind, column_type)
            if kind == "ref":
                assert isinstance(column_type, String) and (column_type.length or 0) >= 36, (entity, field)


JOIN_REFS = {
    "quota": ("owner_id", "team_id"),
    "support_case": ("account_id", "owner_id"),
    "opportunity_contact_role": ("opportunity_id",),
    "territory_assignment": ("user_id", "account_id"),
}


def test_new_entities_index_their_join_refs() -> None:
    for table_name, refs in JOIN_REFS.items():
        indexed = {tuple(c.name for c in index.columns) for index in store.canonical_tables[table_name].indexes}
        for ref in refs:
            assert (ref,) in indexed, (table_name, ref)
