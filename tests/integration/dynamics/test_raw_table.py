"""A Dataverse custom table no mapping holds, synced from the Dynamics sandbox by the real connector through a config:
its typed raw table holds the table's rows (ground truth), an edit and a delete reach it through the delta link, and
a column a maker adds through the metadata API becomes a column."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from sqlalchemy import Engine, inspect, select

import store
from quality.checker import QualityChecker
from sandbox.common.launcher import SandboxProcess
from sandbox.dynamics.generator_custom import column
from tests.contract.crms.dynamics import dynamics_block
from tests.support.sandboxes.dynamics import DynamicsApi
from tests.support.syncing import sync

OBJECT = "new_customerhealth"
TABLE = "raw_dyn__new_customerhealth"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    sb = SandboxProcess("dynamics", scale=200, state_dir=tmp_path_factory.mktemp("dynamics-raw"))
    sb.start()
    try:
        yield sb
    finally:
        sb.stop()


def _rows(engine: Engine) -> dict[str, dict[str, object]]:
    with engine.connect() as conn:
        table = store.entity_table(conn, TABLE)
        return {str(r["source_id"]): dict(r) for r in conn.execute(select(table)).mappings()}


def test_an_unmapped_custom_table_lands_typed_and_follows_edits_deletes_and_new_columns(
    sandbox: SandboxProcess, sqlite_db: Engine, checker: QualityChecker
) -> None:
    admin = sandbox.admin()
    truth = sorted(admin.get(f"/_admin/truth/{OBJECT}", ids="true")["ids"])
    cfg = (f"version: 1\nconnections:\n  dyn:\n{dynamics_block(sandbox.info, objects=(OBJECT,))}"
           "    settle_lag_seconds: 1\n")
    first = {s.object: s for s in sync(cfg, sqlite_db, checker)}[OBJECT]
    assert first.ok, first.error
    assert first.notes[0].startswith(f"{OBJECT} has no mapping: kept as the typed raw table {TABLE}")
    rows = _rows(sqlite_db)
    assert sorted(rows) == truth and first.counts.upserted == len(truth)
    columns = {c["name"]: c["type"].python_type for c in inspect(sqlite_db).get_columns(TABLE)}
    assert columns["new_score"] is int and columns["new_recordedon"] in (datetime, date)
    assert columns["modifiedon"] is datetime and columns["_new_accountid_value"] is str

    edited, deleted = truth[0], truth[1]
    admin.patch(f"/_admin/records/{OBJECT}/{edited}", {"fields": {"new_score": 7}})
    admin.delete(f"/_admin/records/{OBJECT}/{deleted}")
    api = DynamicsApi(sandbox)
    try:
        made = api.post(f"EntityDefinitions(LogicalName='{OBJECT}')/Attributes",
                        column("String", "new_Segment", "Segment", MaxLength=50))
        assert made.status_code == 204, made.text
    finally:
        api.close()
    time.sleep(1.5)
    second = {s.object: s for s in sync(cfg, sqlite_db, checker)}[OBJECT]
    assert second.ok, second.error
    assert second.counts.deleted == 1 and second.counts.upserted >= 1
    assert any("new_segment" in note for note in second.notes), second.notes
    rows = _rows(sqlite_db)
    assert rows[edited]["new_score"] == 7
    assert rows[deleted]["deleted_at"] is not None
    assert "new_segment" in {c["name"] for c in inspect(sqlite_db).get_columns(TABLE)}
