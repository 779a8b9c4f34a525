"""A `crmhub writeback` killed with SIGKILL in the middle, then run again: every write applied exactly once.

One write-back chunk spans several HubSpot calls (100 records each). The sandbox answers the first batch update and
holds the second (a delay fault); the kill lands while that one is in flight. The store then holds every record's
intent as pending while HubSpot holds the first 100 records' new values — applied, never recorded. A re-run without
reconciliation would send those 100 a second time. The re-run reads the pending records back from
HubSpot, settles those it finds written without sending them again, and sends the rest. The sandbox counts every
save of every record: each scored contact must have been saved exactly once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select

import store
from sandbox.common.launcher import SandboxProcess
from store.tables import lead_score, source_link, writeback_ledger, writeback_result
from tests.ops.conftest import write_config

FIELDS = "{lead_score: crmhub_score, lead_grade: crmhub_grade, lead_reasons: crmhub_reasons}"
BATCH = 100  # HubSpot batch update maximum
DELAY_S = 6.0


def _crmhub(*args: str) -> subprocess.Popen[str]:
    exe = Path(sys.executable).with_name("crmhub")
    return subprocess.Popen([str(exe), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=os.environ.copy())


def test_sigkill_mid_writeback_then_rerun_applies_every_write_once(hubspot: SandboxProcess, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crmhub.db'}"
    path = write_config(tmp_path / "crmhub.yaml", hubspot, url)
    path.write_text(path.read_text() + f"    writeback: {{enabled: true, fields: {FIELDS}}}\n")
    sync = _crmhub("sync", "hs_ops", "--object", "contacts", "--config", str(path), "--json")
    assert sync.wait(timeout=300) == 0, sync.stderr.read() if sync.stderr else ""
    engine = store.make_engine(url)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        links = conn.execute(select(source_link.c.source_id, source_link.c.canonical_id).where(
            source_link.c.connection == "hs_ops", source_link.c.object == "contacts",
            source_link.c.is_deleted.is_(False))).all()
        assert len(links) > BATCH, len(links)  # two calls at least: the kill lands on the first
        conn.execute(lead_score.insert(), [{
            "entity": "contact", "record_id": cid, "score": 30 + i % 60, "grade": "warm", "engagement": 1.0,
            "intent": 1.0, "fit": 1.0, "probability": None, "reasons": "+5 web visits", "contributions": "[]",
            "model_version": "kill-test", "scored_at": now, "valid_until": now + timedelta(days=1)}
            for i, (_, cid) in enumerate(links)])
    ids = {sid for sid, _ in links}
    admin = hubspot.admin()
    before = admin.get("/_admin/saves/contacts")
    admin.post("/_admin/faults", {"rules": [{"path": "/crm/v3/objects/contacts/batch/update", "method": "POST",
                                             "skip": 1, "times": 1, "kind": "delay", "delay_s": DELAY_S}]})
    try:
        victim = _crmhub("writeback", "--config", str(path), "--json")
        deadline = time.monotonic() + 120
        while _saved(admin, ids, before) < BATCH:  # the first call answered; the second goes out and is held
            assert victim.poll() is None and time.monotonic() < deadline, "the write-back ended before the kill"
            time.sleep(0.05)
        time.sleep(1.0)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
        time.sleep(DELAY_S + 1)  # let the held call run out (its sender is gone: the sandbox drops it)
    finally:
        admin.delete("/_admin/faults")
    assert _pending(engine) == len(ids)  # intents recorded before sending, never settled
    assert _saved(admin, ids, before) == BATCH  # applied in HubSpot, not recorded in the ledger

    rerun = _crmhub("writeback", "--config", str(path), "--json")
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    [summary] = json.loads(out)["writebacks"]
    assert summary["reconciled"] == BATCH, summary  # the first call's records: found written, not sent again
    assert summary["updated"] == len(ids) - BATCH, summary
    after = admin.get("/_admin/saves/contacts")
    saves = {sid: after.get(sid, 0) - before.get(sid, 0) for sid in ids}
    assert set(saves.values()) == {1}, {sid: n for sid, n in saves.items() if n != 1}
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(writeback_ledger)).scalar_one() == len(ids)
        assert conn.execute(select(func.count()).select_from(writeback_result).where(
            writeback_result.c.status == "pending", writeback_result.c.resolved_at.is_(None))).scalar_one() == 0


def _pending(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(writeback_result).where(
            writeback_result.c.status == "pending", writeback_result.c.resolved_at.is_(None))).scalar_one())


def _saved(admin: object, ids: set[str], before: dict[str, int]) -> int:
    now = admin.get("/_admin/saves/contacts")  # type: ignore[attr-defined]
    return sum(now.get(sid, 0) - before.get(sid, 0) for sid in ids)
