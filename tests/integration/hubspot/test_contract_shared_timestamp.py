"""15,000 records given ONE modified timestamp (a month-end mass update) all arrive, once, past the 10,000 cap."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from quality.checker import QualityChecker
from sandbox.common.launcher import SandboxProcess
from tests.contract.crms.hubspot import hubspot_harness
from tests.contract.harness import Harness, duplicate_links

TOUCHED = 15_000


@pytest.fixture(scope="module")
def big_hubspot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    # 18,000 people -> ~15,300 contacts; strict profile: the connector must live within the real limits.
    sb = SandboxProcess(
        "hubspot",
        scale=18_000,
        state_dir=Path(tmp_path_factory.mktemp("hubspot-big")),
        options={"search_lag_ms": "200"},
    )
    sb.start()
    try:
        yield hubspot_harness(sb, "hubspot_big", ("contacts",))
    finally:
        sb.stop()


@pytest.mark.slow  # an 18,000-person sandbox, 15,000 contacts synced
def test_fifteen_thousand_edits_sharing_one_timestamp_arrive_once(
    big_hubspot: Harness, sqlite_db: Engine, checker: QualityChecker
) -> None:
    crm = big_hubspot
    connector = crm.connector()
    first = crm.sync(sqlite_db, connector, "contacts", checker)
    assert first.status == "succeeded", first.error
    touched = crm.admin.post("/_admin/bulk_touch/contacts", {"count": TOUCHED, "fields": {"hs_lead_status": "OPEN"}})
    assert len(touched["ids"]) == TOUCHED
    time.sleep(crm.settle_lag + 0.5)
    summary = crm.sync(sqlite_db, connector, "contacts", checker)
    assert summary.status == "succeeded", summary.error
    assert summary.counts.read == TOUCHED, summary.as_dict()  # each exactly once, no loop, no loss
    assert summary.counts.upserted + summary.counts.quarantined == TOUCHED
    assert duplicate_links(sqlite_db) == 0
    # Pages of 200 plus the archived list: the minimum, not a re-read per 10,000.
    assert summary.api_calls <= TOUCHED // 200 + 3, summary.api_calls
