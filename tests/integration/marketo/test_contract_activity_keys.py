"""Marketo activities keyed by marketoGUID, and a store built on a classic instance (keyed by the integer id) that
then migrates to the Activity Service: later activities come without ``id`` or with a repeated one.

Nothing may land twice and nothing may be overwritten: on a classic instance ``marketoGUID`` is the id's decimal
string, so the rows already stored keep their key, and the migrated activities land under their own GUIDs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from quality.checker import QualityChecker
from store.tables import activity
from tests.contract.crms import marketo
from tests.contract.harness import Harness, duplicate_links
from tests.support.marketo_sync import assert_truth, sync_all


@pytest.fixture(scope="module")
def classic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    sb, harness = marketo.start(Path(tmp_path_factory.mktemp("mkto-keys")), 200, profile="unlimited",
                                options={"export_job_s": "0", "activity_service": "false"})
    try:
        yield harness
    finally:
        sb.stop()


def _occurred(engine: Engine, source_id: str) -> str:
    with engine.connect() as conn:
        row = conn.execute(select(activity.c.occurred_at).where(activity.c.source_id == source_id)).one()
    return row.occurred_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_store_keyed_by_integer_ids_survives_the_migration_to_the_activity_service(
    classic: Harness, sqlite_db: Engine, checker: QualityChecker
) -> None:
    connector = classic.connector()
    sync_all(classic, sqlite_db, connector, checker, ("leads", "activities"))
    live, _ = classic.accounted_ids(sqlite_db, "activities")
    assert live and all(sid.isdigit() for sid in live)  # the store holds activities under their integer ids
    last = classic.admin.get("/_admin/truth/activities")["last_id"]
    before = classic.admin.get(f"/_admin/truth/activities/{last}")
    # The instance migrates: activities logged from now on have a UUID marketoGUID and no id, or the id `last`.
    classic.admin.patch("/_admin/settings", {"activity_service": True, "activity_service_from": last})
    lead = sorted(classic.truth_ids("leads"), key=int)[3]
    logged = [classic.admin.post("/_admin/records/activities", {"fields": {"leadId": lead, "activityTypeId": 1,
                                                                           "primaryAttributeValue": f"p{i}"}})
              for i in range(4)]
    assert {"id" in a for a in logged} == {True, False}
    assert all(a["id"] == last for a in logged if "id" in a)  # repeated: the last classic activity's id
    summary = classic.sync(sqlite_db, connector, "activities", checker)
    assert summary.status == "succeeded", summary.error
    assert_truth(classic, sqlite_db, ("activities",))
    assert duplicate_links(sqlite_db) == 0
    live, _ = classic.accounted_ids(sqlite_db, "activities")
    assert {a["marketoGUID"] for a in logged} <= live
    assert _occurred(sqlite_db, str(last)) == before["activityDate"]  # not overwritten by a repeated id
    # A full refresh reads every activity again, classic and migrated: still one row each.
    again = classic.sync(sqlite_db, connector, "activities", checker, full_refresh=True)
    assert again.status == "succeeded", again.error
    assert again.counts.upserted == 0 and again.counts.reconciles(), again.as_dict()
    assert_truth(classic, sqlite_db, ("activities",))
    assert duplicate_links(sqlite_db) == 0
