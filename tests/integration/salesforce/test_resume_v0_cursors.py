"""Cursors the previous release saved resume where they stood: no full re-read after an upgrade."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from quality.checker import QualityChecker
from sandbox.common.launcher import SandboxProcess
from tests.contract.crms.salesforce import OBJECTS, salesforce_harness
from tests.contract.harness import Harness
from tests.integration.v0_cursors import data_day, load, save, saved_watermark, shift_keys, shift_of, shifted
from tests.unit.connectors.cursors_v0.capture import PLANS

V0 = load("salesforce")
CURSORS = [(obj, i) for obj, saved in V0["objects"].items() for i in range(len(saved))]


@pytest.fixture(scope="module")
def crm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    # The capture's sandbox (scale 200 doubled, as tests/contract/crms/salesforce.py starts it), on its data day.
    sb = SandboxProcess("salesforce", scale=400, state_dir=Path(tmp_path_factory.mktemp("sf_v0")),
                        options={"data_end": data_day(V0)})
    sb.start()
    try:
        yield salesforce_harness(sb, "salesforce_test", OBJECTS)
    finally:
        sb.stop()


@pytest.mark.parametrize(("obj", "index"), CURSORS, ids=[f"{o}-{i}" for o, i in CURSORS])
def test_a_v0_cursor_resumes_without_a_full_re_read(crm: Harness, sqlite_db: Engine, checker: QualityChecker,
                                                    obj: str, index: int) -> None:
    saved = V0["objects"][obj][index]
    by = shift_of(V0)
    state = shift_keys(saved["state"], ("reconciled_at", "formulas_at"), by)
    win = saved["state"].get("win")
    if win:
        state["win"] = shift_keys(win, ("hi", "lo", "dlo"), by)  # not "after": a record's own SystemModstamp
    save(sqlite_db, connection=crm.connection, obj=obj, watermark=shifted(saved["watermark"], by), state=state)

    summary = crm.sync(sqlite_db, crm.connector(**PLANS["salesforce"][0]), obj, checker)

    assert summary.ok, summary.error
    after = saved_watermark(sqlite_db, connection=crm.connection, obj=obj)
    if not win:
        # Between reads: the next window reads what changed since the watermark (nothing), with no Id listing.
        assert summary.counts.read == 0, summary
        assert not any("reconciliation" in n for n in summary.notes), summary.notes
        assert summary.api_calls <= crm.unchanged_calls, summary
    else:
        # Inside a window: that same window is finished (its hi becomes the watermark), not a new one planned
        # from scratch; REST continues after the saved keyset, Bulk from its job (a job another sandbox process
        # issued is unknown here: only this window's query runs again).
        assert after is not None and after.isoformat() == state["win"]["hi"]
        assert summary.counts.read <= win["count"], summary
        if win["mode"] == "rest":
            assert summary.counts.read < win["count"], summary
        assert not any("reconciliation" in n for n in summary.notes), summary.notes
