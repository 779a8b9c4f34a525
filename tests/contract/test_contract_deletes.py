"""Deletes made while crmhub was not syncing, repaired by a full refresh: on a sandbox of its own per CRM.

The test deletes records of every deletable object, deals and products included; on the shared contract sandbox that
would leave line items pointing at deals the CRM no longer has, under the feet of the tests that check references.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from quality.checker import QualityChecker
from tests.contract.crms import HARNESSES, started
from tests.contract.harness import Harness, duplicate_links
from tests.support.truth import assert_matches_truth


@pytest.fixture(scope="module", params=HARNESSES)
def crm(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    yield from started(request.param, tmp_path_factory)


def test_full_refresh_repairs_deletes_made_while_crmhub_was_not_syncing(
    crm: Harness, sqlite_db: Engine, checker: QualityChecker
) -> None:
    """Records deleted between two syncs, and the next sync a full refresh: afterwards the store's live ids are the
    CRM's, for every object that has deletes (a full refresh must not forget what an incremental read would see)."""
    connector = crm.connector()
    for obj in crm.objects:
        assert crm.sync(sqlite_db, connector, obj, checker).status == "succeeded"
    gone: dict[str, list[str]] = {}
    for obj in crm.deletable:
        live, _ = crm.accounted_ids(sqlite_db, obj)
        # Chosen just before deleting: a cascade from an earlier object may already have taken some.
        gone[obj] = crm.ordered(crm.truth_ids(obj) & live)[2:4]
        for record_id in gone[obj]:
            crm.admin.delete(f"/_admin/records/{obj}/{record_id}")
        assert not set(gone[obj]) & crm.truth_ids(obj)
    time.sleep(crm.settle_lag + 0.5)
    for obj in crm.objects:
        summary = crm.sync(sqlite_db, connector, obj, checker, full_refresh=True)
        assert summary.status == "succeeded", summary.error
        assert summary.counts.reconciles(), summary.counts
        if obj in gone:
            assert summary.counts.deleted >= len(gone[obj]), (obj, summary.as_dict())
    for obj in crm.objects:
        assert_matches_truth(crm, sqlite_db, obj)
    assert duplicate_links(sqlite_db) == 0
