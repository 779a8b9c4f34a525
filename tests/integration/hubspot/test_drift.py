"""Schema drift end to end on the HubSpot sandbox: a property added (evolve keeps it in custom), a mapped property
retyped (its records are quarantined with the old and new type), the type accepted and the records replayed."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import Engine, func, select

from config import parse_config
from mapping.canonical_ids import canonical_id
from quality.checker import QualityChecker
from sandbox.common.launcher import SandboxProcess
from store.schema_drift import accept_type_changes, pending_type_changes
from store.tables import contact, schema_snapshot
from sync.drift import schema_diff
from sync.replay import replay
from sync.runner import plan_sync
from tests.support.syncing import open_quarantine, sync

TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    sb = SandboxProcess("hubspot", scale=40, state_dir=tmp_path_factory.mktemp("hubspot"),
                        options={"search_lag_ms": "0"})
    sb.start()
    try:
        yield sb
    finally:
        sb.stop()


def _api(sb: SandboxProcess) -> httpx.Client:
    return httpx.Client(base_url=sb.info.https_url, verify=str(sb.info.ca_path),
                        headers={"Authorization": f"Bearer {TOKEN}"})


def _config(sb: SandboxProcess, policy: str) -> str:
    return (f"version: 1\nconnections:\n  hs:\n    kind: hubspot\n    base_url: {sb.info.https_url}\n"
            f"    ca_bundle: {sb.info.ca_path}\n    auth: {{flow: private_app, token: {TOKEN}}}\n"
            f"    objects: [contacts]\n    settle_lag_seconds: 1\n    drift_policy: {policy}\n"
            f"    mapping: {{contacts: {{fields: {{crm_tier: custom.tier}}}}}}\n")


def _property(name: str) -> dict[str, str]:
    return {"name": name, "label": name, "type": "string", "fieldType": "text", "groupName": "contactinformation"}


def _snapshots(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(schema_snapshot)).scalar_one())


def test_added_field_evolves_into_custom_and_a_type_change_quarantines_until_accepted(
    sandbox: SandboxProcess, sqlite_db: Engine, checker: QualityChecker
) -> None:
    admin = sandbox.admin()
    with _api(sandbox) as api:
        assert api.post("/crm/v3/properties/contacts", json=_property("crm_tier")).status_code == 201
        cfg = _config(sandbox, "evolve")
        [first] = sync(cfg, sqlite_db, checker)
        assert first.ok and first.drift["new_fields"] == [] and _snapshots(sqlite_db) == 1

        # An admin adds a property; a person fills it on one contact and sets the mapped crm_tier on another.
        assert api.post("/crm/v3/properties/contacts", json=_property("favourite_colour")).status_code == 201
        a, b = sorted(admin.get("/_admin/truth/contacts", ids="true")["ids"], key=int)[:2]
        admin.patch(f"/_admin/records/contacts/{a}", {"fields": {"favourite_colour": "teal"}})
        admin.patch(f"/_admin/records/contacts/{b}", {"fields": {"crm_tier": "7"}})
        retyped = api.patch("/crm/v3/properties/contacts/crm_tier", json={"type": "number", "fieldType": "number"})
        assert retyped.status_code == 200, retyped.text

    plan = plan_sync(parse_config(cfg))
    try:
        schemas = list(plan.schemas_of(plan.connectors["hs"]).values())
    finally:
        plan.close()
    [diff] = schema_diff(sqlite_db, connection="hs", schemas=schemas, objects=["contacts"])
    assert diff["added"] == [{"field": "favourite_colour", "type": "string"}]
    assert diff["type_changes"] == [{"field": "crm_tier", "old_type": "string", "new_type": "number"}]
    assert diff["removed"] == [] and diff["snapshot_run_id"] == first.run_id

    time.sleep(1.5)  # past the settle lag
    [second] = sync(cfg, sqlite_db, checker)
    assert second.drift["kept_in_custom"] == ["favourite_colour"]
    assert second.drift["type_changes"] == [{"field": "crm_tier", "old_type": "string", "new_type": "number"}]
    assert any("favourite_colour kept in custom" in n for n in second.notes)
    assert second.counts.quarantined == 1 and second.counts.reconciles()
    with sqlite_db.connect() as conn:
        row_a = conn.execute(select(contact.c.custom).where(contact.c.id == canonical_id("hs", "contacts", str(a))))
        assert row_a.scalar_one()["favourite_colour"] == "teal"
        assert [p["field"] for p in pending_type_changes(conn, connection="hs")] == ["crm_tier"]
    [held] = open_quarantine(sqlite_db, str(b))
    [reason] = held["reasons"]
    assert (reason["rule"], reason["source_field"], reason["old_type"], reason["new_type"]) == (
        "schema_type_change", "crm_tier", "string", "number")
    assert _snapshots(sqlite_db) == 2

    # Replayed before the type is accepted: still held. Accepted: replay lands it, with the evolved field too.
    plan = plan_sync(parse_config(cfg))
    try:
        [still] = replay(sqlite_db, plan.streams, checker)
        assert (still.examined, still.landed, still.still_quarantined) == (1, 0, 1)
        with sqlite_db.begin() as conn:
            assert [r["field"] for r in accept_type_changes(conn, connection="hs", object="contacts")] == ["crm_tier"]
        [done] = replay(sqlite_db, plan.streams, checker)
    finally:
        plan.close()
    assert (done.examined, done.landed, done.still_quarantined) == (1, 1, 0)
    assert open_quarantine(sqlite_db, str(b)) == []
    with sqlite_db.connect() as conn:
        custom = conn.execute(select(contact.c.custom).where(contact.c.id == canonical_id("hs", "contacts", str(b))))
        assert custom.scalar_one()["tier"] == "7"

    time.sleep(1.5)
    [third] = sync(cfg, sqlite_db, checker)  # nothing changed since: no new snapshot, no drift notes
    assert third.ok and _snapshots(sqlite_db) == 2 and not any("schema drift" in n for n in third.notes)


def test_the_write_back_properties_crmhub_creates_are_not_drift(
    sandbox: SandboxProcess, sqlite_db: Engine, checker: QualityChecker
) -> None:
    cfg = (f"version: 1\nconnections:\n  hs:\n    kind: hubspot\n    base_url: {sandbox.info.https_url}\n"
           f"    ca_bundle: {sandbox.info.ca_path}\n    auth: {{flow: private_app, token: {TOKEN}}}\n"
           f"    objects: [contacts]\n    settle_lag_seconds: 1\n    drift_policy: evolve\n"
           f"    writeback: {{fields: {{lead_score: crmhub_score, lead_grade: crmhub_grade}}}}\n")
    [first] = sync(cfg, sqlite_db, checker)
    assert first.ok and first.drift["new_fields"] == []
    with _api(sandbox) as api:  # what write-back's set-up does in HubSpot, beside an admin's own new property
        for name in ("crmhub_score", "crmhub_grade", "loyalty_tier"):
            assert api.post("/crm/v3/properties/contacts", json=_property(name)).status_code == 201

    plan = plan_sync(parse_config(cfg))
    try:
        schemas = list(plan.schemas_of(plan.connectors["hs"]).values())
    finally:
        plan.close()
    [diff] = schema_diff(sqlite_db, connection="hs", schemas=schemas, objects=["contacts"],
                         own_fields=["crmhub_score", "crmhub_grade"])
    assert diff["added"] == [{"field": "loyalty_tier", "type": "string"}]

    time.sleep(1.5)  # past the settle lag
    [second] = sync(cfg, sqlite_db, checker)
    assert second.ok and second.drift["new_fields"] == ["loyalty_tier"]
    assert second.drift["diff"]["added"] == [{"field": "loyalty_tier", "type": "string"}]
    assert [n for n in second.notes if "crmhub_" in n] == []
