"""HubSpot deletes no archived list shows (GDPR deletes: the id reconciliation, every ``reconcile_hours`` and on every
full refresh), and discover's custom flag for properties created through the API."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from connectors.hubspot.connector import HubSpotConnector
from quality.checker import QualityChecker
from store.tables import source_link
from tests.contract.crms.hubspot import gdpr_delete, start
from tests.contract.harness import Harness
from tests.support.truth import assert_matches_truth


@pytest.fixture(scope="module")
def hs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    sb, harness = start(Path(tmp_path_factory.mktemp("hs-deletes")), 300)
    try:
        yield harness
    finally:
        sb.stop()


def is_deleted(engine: Engine, obj: str, source_id: str) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(select(source_link.c.is_deleted).where(
            source_link.c.object == obj, source_link.c.source_id == source_id)).scalar_one())


def landed(hs: Harness, engine: Engine, obj: str) -> list[str]:
    live, _ = hs.accounted_ids(engine, obj)
    return hs.ordered(hs.truth_ids(obj) & live)


def test_a_gdpr_delete_is_tombstoned_by_the_scheduled_reconciliation_and_by_a_full_refresh(
    hs: Harness, sqlite_db: Engine, checker: QualityChecker
) -> None:
    daily = hs.connector()  # reconcile_hours: 24 (the default)
    first = hs.sync(sqlite_db, daily, "contacts", checker)
    assert first.status == "succeeded" and not first.notes  # a first load into an empty stream needs no listing
    victim, other = landed(hs, sqlite_db, "contacts")[4:6]
    gdpr_delete(hs, "contacts", victim)
    time.sleep(hs.settle_lag + 0.5)
    quiet = hs.sync(sqlite_db, daily, "contacts", checker)
    # Not due yet: the purge shows nowhere else, so the record is still live (what reconcile_hours bounds).
    assert quiet.status == "succeeded" and not quiet.notes and not is_deleted(sqlite_db, "contacts", victim)
    due = hs.sync(sqlite_db, hs.connector(reconcile_hours=0), "contacts", checker)
    assert due.status == "succeeded", due.error
    assert any("id reconciliation" in n for n in due.notes), due.notes
    assert due.counts.deleted == 1 and is_deleted(sqlite_db, "contacts", victim)
    gdpr_delete(hs, "contacts", other)
    refresh = hs.sync(sqlite_db, daily, "contacts", checker, full_refresh=True)
    assert refresh.status == "succeeded" and refresh.counts.deleted == 1, refresh.as_dict()
    assert is_deleted(sqlite_db, "contacts", other)
    assert_matches_truth(hs, sqlite_db, "contacts")
    time.sleep(hs.settle_lag + 0.5)
    after = hs.sync(sqlite_db, daily, "contacts", checker)  # the full refresh counts as the day's reconciliation
    assert after.status == "succeeded" and not after.notes and after.api_calls <= hs.unchanged_calls, after.as_dict()


def test_discover_flags_a_property_created_through_the_api_as_custom(hs: Harness) -> None:
    connector = hs.connector()
    assert isinstance(connector, HubSpotConnector)
    assert connector.ensure_property("contacts", "crmhub_deletes_probe", label="crmhub probe")
    fields = {f.name: f for s in connector.discover() if s.name == "contacts" for f in s.fields}
    # HubSpot omits createdUserId for a property created outside its UI: that must not make it HubSpot's own.
    assert fields["crmhub_deletes_probe"].custom
    assert not fields["email"].custom and not fields["hs_object_id"].custom
