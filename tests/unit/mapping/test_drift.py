"""mapping/drift.py: schema diffs, the evolve / freeze / discard policies, and type changes holding records."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from connectors.base import FieldInfo, ObjectSchema
from mapping.apply import map_records
from mapping.drift import TypeChange, diff_schemas, plan_drift, schema_hash
from mapping.spec import ObjectMapping, parse_object
from store.schema_drift import save_snapshot
from store.writeback import record_sent
from sync.drift import prepare_drift, schema_diff

OM: ObjectMapping = parse_object(
    "contacts",
    {"entity": "contact", "fields": {"last_name": "lastname", "email": {"from": "email", "transform": "email"}},
     "custom": ["tier"]},
    where="test",
)
BASE = {"id": "string", "lastname": "string", "email": "string", "tier": "string", "old": "string"}


def test_the_hash_ignores_field_order_and_sees_type_changes() -> None:
    assert schema_hash({"a": "string", "b": "number"}) == schema_hash({"b": "number", "a": "string"})
    assert schema_hash({"a": "string"}) != schema_hash({"a": "number"})


def test_diff_lists_added_removed_and_retyped_fields() -> None:
    diff = diff_schemas(BASE, {**BASE, "colour": "string", "tier": "number"} | {"old": "string"})
    assert dict(diff.added) == {"colour": "string"}
    assert diff.changed == (TypeChange("tier", "string", "number"),)
    assert diff_schemas(BASE, {k: v for k, v in BASE.items() if k != "old"}).removed == {"old": "string"}
    assert diff_schemas(BASE, dict(BASE)).empty


def test_evolve_keeps_new_fields_in_custom_and_says_so() -> None:
    plan = plan_drift(OM, policy="evolve", connection="hs", baseline=BASE, current={**BASE, "colour": "string"})
    assert ("colour", "colour") in plan.mapping.custom and "colour" in plan.mapping.source_fields()
    assert plan.summary()["kept_in_custom"] == ["colour"]
    assert plan.notes == ["schema drift: new field(s) colour kept in custom (drift_policy evolve)"]
    [row] = map_records(plan.mapping, [{"id": "1", "lastname": "L", "colour": "teal"}], connection="hs").rows
    assert row["custom"] == {"colour": "teal"}


def test_freeze_leaves_the_mapping_and_names_the_fields_and_where_to_map_them() -> None:
    plan = plan_drift(OM, policy="freeze", connection="hs", baseline=BASE, current={**BASE, "colour": "string"})
    assert plan.mapping == OM and plan.summary()["ignored"] == ["colour"]
    [note] = plan.notes
    assert "colour not synced (drift_policy freeze)" in note and "connections.hs.mapping.contacts.fields" in note


def test_discard_drops_silently_but_counts() -> None:
    plan = plan_drift(OM, policy="discard", connection="hs", baseline=BASE,
                      current={**BASE, "colour": "string", "size": "number"})
    assert plan.mapping == OM and plan.notes == [] and plan.summary()["discarded"] == 2


def test_the_first_run_has_nothing_new_and_announce_limits_the_notes() -> None:
    assert plan_drift(OM, policy="evolve", connection="hs", baseline=None, current=BASE).new_fields == []
    quiet = plan_drift(OM, policy="evolve", connection="hs", baseline=BASE, current={**BASE, "colour": "string"},
                       announce=())
    assert quiet.new_fields == ["colour"] and quiet.notes == []


def test_an_unknown_policy_names_connection_and_object() -> None:
    with pytest.raises(ValueError, match="connection hs, object contacts: drift_policy must be one of"):
        plan_drift(OM, policy="melt", connection="hs", baseline=BASE, current=BASE)


def test_a_type_change_of_a_read_field_holds_only_records_with_a_value_in_it() -> None:
    change = TypeChange("email", "string", "number")
    plan = plan_drift(OM, policy="evolve", connection="hs", baseline=BASE, current={**BASE, "email": "number"},
                      pending=[change, TypeChange("not_read", "string", "number")])
    assert plan.type_changes == [change] and "crmhub discover hs --accept contacts.email" in plan.notes[0]
    result = map_records(plan.mapping, [{"id": "1", "lastname": "A", "email": "a@x.io"}, {"id": "2", "lastname": "B"}],
                         connection="hs")
    assert [r["source_id"] for r in result.rows] == ["2"]
    [reject] = result.rejects
    [reason] = reject.reasons
    assert (reason["rule"], reason["field"], reason["source_field"], reason["old_type"], reason["new_type"]) == (
        "schema_type_change", "email", "email", "string", "number")


def test_a_field_back_to_its_old_type_is_no_longer_in_force() -> None:
    plan = plan_drift(OM, policy="evolve", connection="hs", baseline=BASE, current=BASE,
                      pending=[TypeChange("email", "string", "number")])
    assert plan.type_changes == [] and plan.mapping.type_changes == ()


def test_crmhubs_own_write_back_fields_are_never_new() -> None:
    current = {**BASE, "crmhub_score": "number", "colour": "string"}
    plan = plan_drift(OM, policy="evolve", connection="hs", baseline=BASE, current=current, own=["crmhub_score"])
    assert plan.new_fields == ["colour"] and ("crmhub_score", "crmhub_score") not in plan.mapping.custom
    assert plan.notes == ["schema drift: new field(s) colour kept in custom (drift_policy evolve)"]
    diff = diff_schemas(BASE, current).without({"crmhub_score"})
    assert dict(diff.added) == {"colour": "string"}
    retyped = diff_schemas({**BASE, "crmhub_score": "string"}, current).without({"crmhub_score"})
    assert retyped.changed == () and diff_schemas(current, BASE).without({"crmhub_score"}).removed == {
        "colour": "string"}


def test_fields_the_ledger_shows_crmhub_wrote_are_not_drift_on_the_store(engine: Engine) -> None:
    """A field written back under an older config (no longer in writeback.fields) is still crmhub's own."""
    with engine.begin() as conn:
        save_snapshot(conn, connection="hs", object="contacts", fields=BASE, schema_hash=schema_hash(BASE), run_id=1)
        record_sent(conn, [{"connection": "hs", "object": "contacts", "source_id": "1", "field_set": "lead",
                            "values_hash": "h", "values": {"crmhub_score": 80}, "version": None, "run_id": 1}])
    schema = ObjectSchema("contacts", tuple(FieldInfo(n, t) for n, t in
                                            {**BASE, "crmhub_score": "number", "colour": "string"}.items()))
    drift = prepare_drift(engine, connection="hs", schema=schema, mapping=OM, policy="freeze")
    assert drift.plan.new_fields == ["colour"] and dict(drift.diff.added) == {"colour": "string"}
    [diff] = schema_diff(engine, connection="hs", schemas=[schema])
    assert diff["added"] == [{"field": "colour", "type": "string"}]
