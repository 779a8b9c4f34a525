"""store/raw.py: raw table and column names within PostgreSQL's 63 characters, the registry, tables created and
widened (never narrowed) on SQLite and PostgreSQL, and source links naming raw tables."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, inspect, select

from store.links import tombstone, upsert_links
from store.raw import (
    NAME_LIMIT,
    WantedColumn,
    column_name,
    ensure_raw_table,
    entity_table,
    index_name,
    list_raw_tables,
    load_raw_table,
    raw_table_name,
)
from store.upsert import upsert

NOW = datetime(2024, 5, 1, tzinfo=UTC)


def test_table_names_are_sanitised_and_cut_with_a_hash() -> None:
    assert raw_table_name("hs", "2-1234567") == "raw_hs__2_1234567"
    assert raw_table_name("sf", "Training_Program__c") == "raw_sf__training_program__c"
    assert raw_table_name("dyn", "new_customerhealth") == "raw_dyn__new_customerhealth"
    long_a = raw_table_name("sf", "A" * 70 + "_x__c")
    long_b = raw_table_name("sf", "A" * 70 + "_y__c")
    assert len(long_a) == len(long_b) == NAME_LIMIT and long_a != long_b
    assert long_a[:54] == long_b[:54] == "raw_sf__" + "a" * 46
    assert len(index_name(long_a)) <= NAME_LIMIT and index_name("raw_sf__x") == "ix_raw_sf__x_source"


def test_column_names_avoid_the_bookkeeping_and_each_other() -> None:
    assert column_name("Training_Program__c", set()) == "training_program__c"
    assert column_name("Id", set()) == "crm_id"  # the row's id is canonical_id(...), the CRM's keeps its value
    assert column_name("@odata.etag", set()) == "_odata_etag"
    assert column_name("2nd_Level__c", set()) == "f_2nd_level__c"
    assert column_name("Score__c", {"score__c"}, type_suffix="text") == "score__c__text"
    twin = column_name("NAME", {"name"})
    assert twin.startswith("name_") and len(twin) == len("name_") + 8
    assert len(column_name("F" * 100, set())) == NAME_LIMIT


def test_a_table_is_created_then_only_widened(conn: Connection) -> None:
    wanted = [WantedColumn("Id", "string", "id"), WantedColumn("Seats__c", "integer", "int")]
    raw, added = ensure_raw_table(conn, connection="sf", object="Training_Program__c", wanted=wanted)
    assert raw.name == "raw_sf__training_program__c" and [c.column for c in added] == ["crm_id", "seats__c"]
    # The same columns again: nothing to do; a new field and a field under a new store type: two more columns.
    assert ensure_raw_table(conn, connection="sf", object="Training_Program__c", wanted=wanted)[1] == []
    raw, added = ensure_raw_table(conn, connection="sf", object="Training_Program__c", wanted=[
        WantedColumn("Level__c", "string", "picklist"), WantedColumn("Seats__c", "text", "string")])
    assert [(c.field, c.column, c.type) for c in added] == [("Level__c", "level__c", "string"),
                                                             ("Seats__c", "seats__c__text", "text")]
    assert raw.column_of("Seats__c") == added[1]
    columns = {c["name"] for c in inspect(conn).get_columns(raw.name)}
    assert {"crm_id", "seats__c", "level__c", "seats__c__text", "source_id", "deleted_at"} <= columns
    assert load_raw_table(conn, connection="sf", object="Training_Program__c") == raw
    assert [t.name for t in list_raw_tables(conn)] == [raw.name]
    with pytest.raises(ValueError, match="unknown store type"):
        ensure_raw_table(conn, connection="sf", object="X__c", wanted=[WantedColumn("A", "blob", "x")])


def test_names_that_sanitise_alike_get_their_own_tables(conn: Connection) -> None:
    first, _ = ensure_raw_table(conn, connection="hs", object="2-123", wanted=[WantedColumn("a", "text", "string")])
    second, _ = ensure_raw_table(conn, connection="hs", object="2_123", wanted=[WantedColumn("a", "text", "string")])
    assert first.name == "raw_hs__2_123" and second.name.startswith("raw_hs__2_123_") and second.name != first.name


def test_links_and_tombstones_reach_a_raw_table(conn: Connection) -> None:
    raw, _ = ensure_raw_table(conn, connection="sf", object="Thing__c", wanted=[WantedColumn("Name", "string",
                                                                                              "string")])
    table = entity_table(conn, raw.name)
    upsert(conn, table, [{"id": "c-1", "source_connection": "sf", "source_object": "Thing__c", "source_id": "1",
                          "name": "Ada", "synced_at": NOW}], key=["id"])
    upsert_links(conn, [{"connection": "sf", "object": "Thing__c", "source_id": "1", "entity": raw.name,
                         "canonical_id": "c-1", "content_hash": "h", "last_run_id": 1}])
    assert tombstone(conn, connection="sf", object="Thing__c", items=[("1", NOW, None)], run_id=2,
                     canonical_of=lambda sid: (raw.name, f"c-{sid}")) == 1
    row = conn.execute(select(table)).mappings().one()
    assert (row["deleted_at"], row["name"], row["source_id"]) == (NOW, None, "1")
