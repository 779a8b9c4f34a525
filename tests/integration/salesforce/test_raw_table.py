"""A custom object no mapping holds, synced from the Salesforce sandbox by the real connector through a config: its
typed raw table holds the org's records (ground truth), an edit and a delete reach it incrementally, and a field
Setup adds becomes a column."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import Engine, inspect, select

import store
from quality.checker import QualityChecker
from sandbox.common.launcher import SandboxProcess
from tests.support.syncing import sync

OBJECT = "Training_Program__c"
TABLE = "raw_sf__training_program__c"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    sb = SandboxProcess("salesforce", scale=40, state_dir=tmp_path_factory.mktemp("salesforce"))
    sb.start()
    try:
        yield sb
    finally:
        sb.stop()


def _config(sb: SandboxProcess) -> str:
    return (f"version: 1\nconnections:\n  sf:\n    kind: salesforce\n    base_url: {sb.info.https_url}\n"
            f"    ca_bundle: {sb.info.ca_path}\n"
            "    auth: {flow: client_credentials, client_id: crmhub-sandbox-client, "
            "client_secret: crmhub-sandbox-secret}\n"
            f"    objects: {{User: {{}}, {OBJECT}: {{model: TRAINING_PROGRAM}}}}\n"
            "    settle_lag_seconds: 1\n    overlap_seconds: 5\n")


def _rows(engine: Engine) -> dict[str, dict[str, object]]:
    with engine.connect() as conn:
        table = store.entity_table(conn, TABLE)
        return {str(r["source_id"]): dict(r) for r in conn.execute(select(table)).mappings()}


def test_an_unmapped_custom_object_lands_typed_and_follows_edits_deletes_and_new_fields(
    sandbox: SandboxProcess, sqlite_db: Engine, checker: QualityChecker
) -> None:
    admin = sandbox.admin()
    truth = sorted(admin.get(f"/_admin/truth/{OBJECT}", ids="true")["ids"])
    cfg = _config(sandbox)
    runs = {s.object: s for s in sync(cfg, sqlite_db, checker)}
    first = runs[OBJECT]
    assert first.ok, first.error
    assert first.notes[0].startswith(f"{OBJECT} has no mapping: kept as the typed raw table {TABLE}")
    rows = _rows(sqlite_db)
    assert sorted(rows) == truth and first.counts.upserted == len(truth)
    columns = {c["name"]: c["type"].python_type for c in inspect(sqlite_db).get_columns(TABLE)}
    assert columns["crm_id"] is str and columns["systemmodstamp"] is datetime
    assert all(rows[sid]["updated_at"] is not None and rows[sid]["created_at"] is not None for sid in truth)

    edited, deleted = truth[0], truth[1]
    name = str(admin.get(f"/_admin/truth/{OBJECT}/{edited}")["Name"])
    admin.patch(f"/_admin/records/{OBJECT}/{edited}", {"fields": {"Name": name + " (renamed)"}})
    admin.delete(f"/_admin/records/{OBJECT}/{deleted}")
    added = admin.post(f"/_admin/fields/{OBJECT}", {"name": "Level__c", "type": "string"})
    assert added["field"] == "Level__c"
    time.sleep(1.5)
    second = {s.object: s for s in sync(cfg, sqlite_db, checker)}[OBJECT]
    assert second.ok, second.error
    assert second.counts.deleted == 1 and second.counts.upserted >= 1
    assert any("new field(s) Level__c added as column(s)" in note for note in second.notes)
    rows = _rows(sqlite_db)
    assert rows[edited]["name"] == name + " (renamed)"
    assert rows[deleted]["deleted_at"] is not None and rows[deleted]["name"] is None
    assert "level__c" in {c["name"] for c in inspect(sqlite_db).get_columns(TABLE)}
