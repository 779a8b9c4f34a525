"""Typed raw tables (sync/raw.py through run_plan, land and replay) on SQLite and PostgreSQL: an object no mapping
holds lands in raw_<connection>__<object> with a typed column per field, with the canonical entities' guarantees —
cursor with its rows, tombstones erased as store/erasure.py says, quarantine and replay, source links — and schema
drift adds columns, never drops or retypes one."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, inspect, select

import store
from config import ObjectSettings
from connectors.base import Tombstone
from connectors.errors import ConfigError
from mapping.canonical_ids import canonical_id
from quality.checker import QualityChecker
from store.schema_drift import accept_type_changes
from store.tables import source_link
from sync.raw import RawSettings
from sync.replay import replay
from sync.runner import SyncPlan, raw_settings, run_plan, validate_mappings
from sync.stream import RunSummary
from tests.support import raw_objects as ro
from tests.support.fakes import FakeConnector, Page
from tests.support.syncing import open_quarantine


def _run(engine: Engine, checker: QualityChecker, plan: SyncPlan) -> RunSummary:
    [summary] = run_plan(plan, engine=engine, checker=checker)
    assert summary.status == "succeeded", summary.error
    return summary


def _rows(engine: Engine) -> dict[str, dict[str, Any]]:
    with engine.connect() as conn:
        table = store.entity_table(conn, ro.TABLE)
        return {r["source_id"]: dict(r) for r in conn.execute(select(table)).mappings()}


def _python_types(engine: Engine) -> dict[str, type]:
    return {c["name"]: c["type"].python_type for c in inspect(engine).get_columns(ro.TABLE)}


def test_the_first_sync_creates_the_typed_table(engine: Engine, checker: QualityChecker) -> None:
    fake = ro.connector([Page(upserts=[ro.program("a1"), ro.program("a2", Active__c=False)])])
    summary = _run(engine, checker, ro.plan(fake))

    assert summary.counts.upserted == 2 and summary.counts.reconciles()
    assert summary.notes[0] == (f"{ro.OBJECT} has no mapping: kept as the typed raw table {ro.TABLE} (13 columns)")
    assert summary.drift["table"] == ro.TABLE and summary.drift["created"]
    assert _python_types(engine) == {
        "id": str, "source_connection": str, "source_object": str, "source_id": str,
        "crm_id": str,  # Salesforce's Id: the row's own id keeps the name
        "name": str, "program_type__c": str, "duration_hours__c": float, "seats__c": int, "active__c": bool,
        "start_date__c": date, "description__c": str, "ownerid": str, "venue__latitude__s": float,
        "venue__longitude__s": float, "createddate": datetime,
        "systemmodstamp": datetime, "created_at": datetime, "updated_at": datetime, "deleted_at": datetime,
        "synced_at": datetime,
    }
    row = _rows(engine)["a1"]
    assert row["id"] == canonical_id("toy", ro.OBJECT, "a1")  # what a reference to the object computes
    assert (row["seats__c"], row["active__c"], row["start_date__c"]) == (20, True, date(2024, 3, 1))
    assert row["duration_hours__c"] == 12.5 and row["description__c"] == "Two weeks\nof product training"
    assert (row["venue__latitude__s"], row["venue__longitude__s"]) == (48.85, 2.35)
    assert row["created_at"] == datetime(2024, 1, 10, 9, tzinfo=UTC)
    assert row["updated_at"] == row["systemmodstamp"] == datetime(2024, 2, 1, 10, tzinfo=UTC)
    assert _rows(engine)["a2"]["active__c"] is False
    with engine.connect() as conn:
        links = {r["source_id"]: dict(r) for r in conn.execute(select(source_link)).mappings()}
        registered = store.load_raw_table(conn, connection="toy", object=ro.OBJECT)
        saved = store.load_cursor(conn, connection="toy", object=ro.OBJECT)
    # Refs from other entities resolve: the link says which table the canonical id lives in.
    assert {(sid, link["entity"], link["canonical_id"]) for sid, link in links.items()} == {
        (sid, ro.TABLE, canonical_id("toy", ro.OBJECT, sid)) for sid in ("a1", "a2")}
    assert registered is not None
    assert [c.field for c in registered.columns] == [name for name, _ in ro.FIELDS if name != "Venue__c"]
    assert saved is not None and saved[1] == {"page": 1}


def test_an_incremental_sync_updates_and_tombstones(engine: Engine, checker: QualityChecker) -> None:
    first = Page(upserts=[ro.program("a1"), ro.program("a2")])
    _run(engine, checker, ro.plan(ro.connector([first])))
    update = ro.program("a1", Seats__c=25, SystemModstamp="2024-02-02T08:00:00Z")
    fake = ro.connector([first, Page(upserts=[update], deletes=[Tombstone("a2", datetime(2024, 2, 2, tzinfo=UTC))])])
    summary = _run(engine, checker, ro.plan(fake))

    assert fake.started_from[0].state == {"page": 1}  # resumed from the cursor landed with the first rows
    assert (summary.counts.read, summary.counts.upserted, summary.counts.deleted) == (1, 1, 1)
    rows = _rows(engine)
    assert rows["a1"]["seats__c"] == 25 and rows["a1"]["deleted_at"] is None
    gone = rows["a2"]
    assert gone["deleted_at"] == datetime(2024, 2, 2, tzinfo=UTC)
    # A tombstone keeps the ids and times, not the record (store/erasure.py): every CRM field's column is nulled.
    kept = {"id", "source_connection", "source_object", "source_id", "created_at", "updated_at", "deleted_at",
            "synced_at"}
    assert {k for k, v in gone.items() if v is not None} == kept
    with engine.connect() as conn:
        assert store.live_counts(conn)[("toy", ro.OBJECT)] == 1


def test_a_value_that_does_not_fit_is_quarantined_and_replays_after_the_fix(engine: Engine,
                                                                            checker: QualityChecker) -> None:
    fake = ro.connector([Page(upserts=[ro.program("a1"), ro.program("a2", Seats__c="about twenty")])])
    summary = _run(engine, checker, ro.plan(fake))
    assert (summary.counts.upserted, summary.counts.quarantined) == (1, 1)
    [held] = open_quarantine(engine, "a2")
    assert held["entity"] == ro.TABLE and held["payload"]["Seats__c"] == "about twenty"
    [reason] = held["reasons"]
    assert (reason["field"], reason["source_field"], reason["expected_type"]) == ("seats__c", "Seats__c", "integer")
    assert reason["message"] == ("record a2, field Seats__c: expected a whole number, got 'about twenty'; column "
                                 "seats__c holds integer (CRM type int)")
    assert "a2" not in _rows(engine)

    # The fix: the admin types the field as text (objects.<o>.types). The column keeps its type and values; the
    # field gets a text column beside it, and the replay lands the held record there without a CRM call.
    [counts] = replay(engine, ro.plan(fake, types={"Seats__c": "text"}).streams, checker)
    assert (counts.landed, counts.still_quarantined) == (1, 0)
    rows = _rows(engine)
    assert (rows["a2"]["seats__c"], rows["a2"]["seats__c__text"]) == (None, "about twenty")
    assert (rows["a1"]["seats__c"], rows["a1"]["seats__c__text"]) == (20, None)
    assert open_quarantine(engine, "a2") == []


def test_a_new_field_adds_a_column(engine: Engine, checker: QualityChecker) -> None:
    _run(engine, checker, ro.plan(ro.connector([Page(upserts=[ro.program("a1")])])))
    grown = ro.schema(("Level__c", "picklist"), ("Scores__c", "floatarray"))
    record = ro.program("a3", Level__c="advanced", Scores__c=[1.5, 2.0])
    summary = _run(engine, checker, ro.plan(ro.connector([Page(), Page(upserts=[record])], described=grown)))

    assert summary.notes[:2] == [
        f"schema drift: new field(s) Level__c, Scores__c added as column(s) of {ro.TABLE} (drift_policy evolve)",
        f"{ro.TABLE}: crmhub does not know the CRM type of Scores__c (floatarray); kept as text (type them in "
        f"connections.toy.objects.{ro.OBJECT}.types)",
    ]
    assert summary.drift["columns_added"] == [
        {"field": "Level__c", "column": "level__c", "type": "string", "crm_type": "picklist"},
        {"field": "Scores__c", "column": "scores__c", "type": "text", "crm_type": "floatarray"}]
    rows = _rows(engine)
    assert (rows["a3"]["level__c"], rows["a3"]["scores__c"]) == ("advanced", "[1.5, 2.0]")
    assert rows["a1"]["level__c"] is None
    # The next run finds nothing new: the columns are known, the snapshot taken.
    again = _run(engine, checker, ro.plan(ro.connector([Page(), Page(), Page()], described=grown)))
    assert again.drift["columns_added"] == [] and not again.notes


def test_under_freeze_a_new_field_is_named_and_not_read(engine: Engine, checker: QualityChecker) -> None:
    _run(engine, checker, ro.plan(ro.connector([Page(upserts=[ro.program("a1")])])))
    grown = ro.schema(("Level__c", "picklist"))
    fake = ro.connector([Page(), Page(upserts=[ro.program("a3", Level__c="advanced")])], described=grown)
    summary = _run(engine, checker, ro.plan(fake, policy="freeze"))

    assert summary.notes == [f"schema drift: new field(s) Level__c not synced (drift_policy freeze); list them in "
                             f"connections.toy.objects.{ro.OBJECT}.fields or set drift_policy: evolve"]
    assert summary.drift["ignored"] == ["Level__c"] and "Level__c" not in fake.fields_asked[0]
    assert "level__c" not in _python_types(engine)


def test_the_fields_setting_chooses_the_columns(engine: Engine, checker: QualityChecker) -> None:
    fake = ro.connector([Page(upserts=[ro.program("a1")])])
    _run(engine, checker, ro.plan(fake, fields=["Name", "Seats__c", "Venue__c"]))
    # The id and the created and modified times are read whatever the list says: the bookkeeping needs them.
    assert sorted(fake.fields_asked[0]) == ["CreatedDate", "Id", "Name", "Seats__c", "SystemModstamp", "Venue__c"]
    assert set(_python_types(engine)) - set(store.raw.BOOKKEEPING) == {"name", "seats__c", "crm_id", "createddate",
                                                                         "systemmodstamp", "venue__c"}
    # A compound is read when listed (REST serves it): kept as JSON text.
    assert _rows(engine)["a1"]["venue__c"] == '{"latitude": 48.85, "longitude": 2.35}'


def test_a_type_change_is_held_until_accepted_then_gets_its_own_column(engine: Engine,
                                                                      checker: QualityChecker) -> None:
    _run(engine, checker, ro.plan(ro.connector([Page(upserts=[ro.program("a1")])])))
    retyped = ro.schema(retype={"Duration_Hours__c": "string", "Program_Type__c": "string"})
    fake = ro.connector([Page(), Page(upserts=[ro.program("a3", Duration_Hours__c="two days"),
                                               ro.program("a4", Duration_Hours__c=None)])], described=retyped)
    summary = _run(engine, checker, ro.plan(fake))

    # picklist -> string keeps the store type: nothing to hold. double -> string does not.
    assert [c["field"] for c in summary.drift["type_changes"]] == ["Duration_Hours__c"]
    assert (summary.counts.upserted, summary.counts.quarantined) == (1, 1)  # a4 has no value in the field: lands
    assert "schema_type_change" in {r["rule"] for r in open_quarantine(engine, "a3")[0]["reasons"]}

    with engine.begin() as conn:
        accept_type_changes(conn, connection="toy", object=ro.OBJECT, field="Duration_Hours__c")
    [counts] = replay(engine, ro.plan(fake).streams, checker)
    assert counts.landed == 1
    rows = _rows(engine)
    assert (rows["a3"]["duration_hours__c"], rows["a3"]["duration_hours__c__string"]) == (None, "two days")
    assert rows["a1"]["duration_hours__c"] == 12.5  # read before the change: kept in the old column

    # Later runs read the field into its new column and hold nothing.
    later = _run(engine, checker, ro.plan(ro.connector(
        [Page(), Page(), Page(upserts=[ro.program("a5", Duration_Hours__c="a week")])], described=retyped)))
    assert later.counts.upserted == 1 and later.drift["type_changes"] == []
    assert _rows(engine)["a5"]["duration_hours__c__string"] == "a week"


def test_without_a_discover_the_first_run_fails_and_says_why(engine: Engine, checker: QualityChecker) -> None:
    fake = FakeConnector([Page(upserts=[ro.program("a1")])], objects=(ro.SPEC,), schemas=[])
    [summary] = run_plan(ro.plan(fake), engine=engine, checker=checker)
    assert summary.status == "failed" and "the CRM's discover does not list Training_Program__c" in str(summary.error)
    # Once the table exists, a run without a discover lands with the columns it has (the last snapshot's types).
    _run(engine, checker, ro.plan(ro.connector([Page(upserts=[ro.program("a1")])])))
    blind = FakeConnector([Page(), Page(upserts=[ro.program("a2")])], objects=(ro.SPEC,), schemas=[])
    assert _run(engine, checker, ro.plan(blind)).counts.upserted == 1


def test_fields_and_types_belong_to_raw_tables_and_mapping_keys_to_mapped_objects() -> None:
    listed = ObjectSettings(fields=["Name"], types={"Name": "text"})
    assert raw_settings("sf", "salesforce", ro.OBJECT, listed, mapped=False, override={"drift_policy": "freeze"}) \
        == RawSettings("salesforce", ("Name",), {"Name": "text"})
    assert raw_settings("sf", "salesforce", "Account", ObjectSettings(), mapped=True, override={}) is None
    with pytest.raises(ConfigError, match=re.escape("connections.sf.objects.Account: fields and types choose the "
                                                    "columns of a typed raw table, but Account is mapped")):
        raw_settings("sf", "salesforce", "Account", listed, mapped=True, override={})
    with pytest.raises(ConfigError, match=re.escape(f"connections.sf.mapping.{ro.OBJECT}: exclude, fields change a "
                                                    f"mapping, but {ro.OBJECT} has none")):
        raw_settings("sf", "salesforce", ro.OBJECT, ObjectSettings(), mapped=False,
                     override={"fields": {"Name": "name"}, "exclude": ["X"]})


def test_validation_names_a_missing_object_and_unknown_listed_fields() -> None:
    listed = ro.plan(ro.connector([]), fields=["Name", "Seets__c"])
    with pytest.raises(ConfigError, match=re.escape("field 'Seets__c' listed in objects.Training_Program__c.fields "
                                                    "does not exist in the CRM; closest: Seats__c")):
        validate_mappings(listed)
    absent = ro.plan(FakeConnector([], objects=(ro.SPEC,), schemas=[]))
    with pytest.raises(ConfigError, match="the CRM's discover does not list it"):
        validate_mappings(absent)
    validate_mappings(ro.plan(ro.connector([]), fields=["Name"]))
