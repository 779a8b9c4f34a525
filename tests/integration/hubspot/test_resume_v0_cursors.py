"""Cursors the previous release saved resume where they stood: no full re-read after an upgrade."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from quality.checker import QualityChecker
from sandbox.common.launcher import SandboxProcess
from tests.contract.crms.hubspot import hubspot_harness
from tests.contract.harness import Harness
from tests.integration.v0_cursors import data_day, load, save, saved_watermark, shift_keys, shift_of, shifted

V0 = load("hubspot")
CURSORS = [(obj, i) for obj, saved in V0["objects"].items() for i in range(len(saved))]


@pytest.fixture(scope="module")
def crm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    # The capture's sandbox (scale 200, as tests/contract/crms/hubspot.py starts it), on its data day.
    sb = SandboxProcess("hubspot", scale=200, state_dir=Path(tmp_path_factory.mktemp("hs_v0")),
                        options={"search_lag_ms": "200", "data_end": data_day(V0)})
    sb.start()
    try:
        yield hubspot_harness(sb, "hubspot_test", tuple(V0["objects"]))
    finally:
        sb.stop()


@pytest.mark.parametrize(("obj", "index"), CURSORS, ids=[f"{o}-{i}" for o, i in CURSORS])
def test_a_v0_cursor_resumes_without_a_full_re_read(crm: Harness, sqlite_db: Engine, checker: QualityChecker,
                                                    obj: str, index: int) -> None:
    saved = V0["objects"][obj][index]
    by = shift_of(V0)
    # Not "after": the list API's paging token names a record, and the data is the capture's.
    state = shift_keys(saved["state"], ("hi", "reconciled_at", "archived_since", "win_hi"), by)
    save(sqlite_db, connection=crm.connection, obj=obj, watermark=shifted(saved["watermark"], by), state=state)

    summary = crm.sync(sqlite_db, crm.connector(), obj, checker)

    assert summary.ok, summary.error
    after = saved_watermark(sqlite_db, connection=crm.connection, obj=obj)
    phase = saved["state"].get("phase")
    if phase == "owners":
        assert after is not None  # owners are read whole every run, as before: nothing to resume
    elif phase == "list":
        # A first load stopped part-way: it continues from the saved page to the end of that same load.
        assert after is not None and after.isoformat() == state["hi"]
        assert 0 < summary.counts.read < len(crm.truth_ids(obj)), summary
    else:
        # Between search windows: the next window reads what changed since (nothing), with no id listing.
        assert summary.counts.read == 0, summary
        assert not any("reconciliation" in n for n in summary.notes), summary.notes
        assert summary.api_calls <= crm.unchanged_calls, summary
