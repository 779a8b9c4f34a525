"""`crmhub writeback` killed with SIGKILL in the middle, then run again: every write applied exactly once, per CRM.

One write-back chunk (up to 1,000 records, one transaction of intents) spans several calls where the CRM's batch
maximum is smaller: HubSpot 100, Salesforce Collections 200, Marketo 300 records a call. The sandbox answers the
first write call and holds the next (a delay fault); the kill lands while that one is in flight. The store then holds
every record's intent as pending while the CRM holds the first call's records' new values — applied, never recorded.
A re-run without reconciliation would send those a second time. The re-run reads the pending records back from the
CRM, settles those it finds written without sending them again, and sends the rest.

Dataverse takes 1,000 PATCHes in one ``$batch``, as many as a chunk: its calls within a chunk are the guard read (a
``$batch`` of GETs) then the write, so the kill lands on the write with nothing applied yet, and the re-run must find
nothing to settle and send every record once.

The sandbox counts every API save of every record (``/_admin/saves/{object}``): each scored record must have been
saved exactly once, and must end with a stored ``updated`` result and a ledger entry.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, func, select

import store
from hub.demos import DemoCrm
from hub.demos.dynamics import DEMO as DYNAMICS
from hub.demos.hubspot import DEMO as HUBSPOT
from hub.demos.marketo import DEMO as MARKETO
from hub.demos.salesforce import DEMO as SALESFORCE
from sandbox.common.launcher import SandboxAdmin, SandboxProcess
from store.tables import lead, lead_score, source_link, writeback_ledger, writeback_result

DELAY_S = 3.0  # the held call; the kill lands long before it would be answered


@dataclass(frozen=True)
class KillCase:
    demo: DemoCrm
    object: str
    entity: str
    scale: int  # small, but more records than one write call takes (where the CRM's batch is under 1,000)
    fault: dict[str, Any]  # matches the CRM's write call (and, for Dataverse, its guard read: both are $batch)
    skip: int  # matching calls let through before the held one
    applied: int  # records the CRM holds when the kill lands: the calls let through wrote them


CASES = {
    "hubspot": KillCase(HUBSPOT, "contacts", "contact", 150,
                        {"path": r"/crm/v3/objects/contacts/batch/update$", "method": "POST"}, 1, 100),
    "salesforce": KillCase(SALESFORCE, "Contact", "contact", 800,
                           {"path": r"/composite/sobjects$", "method": "PATCH"}, 1, 200),
    "dynamics": KillCase(DYNAMICS, "contacts", "contact", 300, {"path": r"/\$batch$", "method": "POST"}, 1, 0),
    "marketo": KillCase(MARKETO, "leads", "lead", 600, {"path": r"/rest/v1/leads\.json$", "method": "POST"}, 1, 300),
}


@pytest.fixture(params=list(CASES))
def crm(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[KillCase, SandboxProcess]]:
    case = CASES[request.param]
    for key, value in case.demo.env.items():
        monkeypatch.setenv(key, value)
    with SandboxProcess(case.demo.sandbox, scale=case.scale,
                        state_dir=tmp_path_factory.mktemp(f"kill-{request.param}")) as sb:
        yield case, sb


def _crmhub(*args: str) -> subprocess.Popen[str]:
    exe = Path(sys.executable).with_name("crmhub")
    return subprocess.Popen([str(exe), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=os.environ.copy())


def _config(path: Path, case: KillCase, sb: SandboxProcess, url: str) -> Path:
    block = {**case.demo.block_for(sb.info, [case.object]), "settle_lag_seconds": 1,
             "writeback": {"enabled": True, "fields": {k: v for k, v in case.demo.writeback.items()
                                                       if k.startswith("lead_")}}}
    path.write_text(yaml.safe_dump({"version": 1, "store": {"url": url},
                                    "connections": {case.demo.connection: block}}, sort_keys=False))
    return path


def _score_all(engine: Engine, case: KillCase) -> set[str]:
    """A lead score for every live record of the object (converted leads are not written); returns their ids."""
    now = datetime.now(UTC)
    query = select(source_link.c.source_id, source_link.c.canonical_id).where(
        source_link.c.connection == case.demo.connection, source_link.c.object == case.object,
        source_link.c.is_deleted.is_(False))
    if case.entity == "lead":
        query = query.join(lead, lead.c.id == source_link.c.canonical_id).where(lead.c.converted.is_not(True))
    with engine.begin() as conn:
        links = conn.execute(query).all()
        conn.execute(lead_score.insert(), [{
            "entity": case.entity, "record_id": cid, "score": 30 + i % 60, "grade": "warm", "engagement": 1.0,
            "intent": 1.0, "fit": 1.0, "probability": None, "reasons": "+5 web visits", "contributions": "[]",
            "model_version": "kill-test", "scored_at": now, "valid_until": now + timedelta(days=1)}
            for i, (_, cid) in enumerate(links)])
    return {sid for sid, _ in links}


def test_sigkill_mid_writeback_then_rerun_applies_every_write_once(crm: tuple[KillCase, SandboxProcess],
                                                                    tmp_path: Path) -> None:
    case, sb = crm
    url = f"sqlite:///{tmp_path / 'crmhub.db'}"
    path = _config(tmp_path / "crmhub.yaml", case, sb, url)
    sync = _crmhub("sync", case.demo.connection, "--object", case.object, "--config", str(path), "--json")
    _, err = sync.communicate(timeout=300)
    assert sync.returncode == 0, err
    engine = store.make_engine(url)
    ids = _score_all(engine, case)
    # the kill lands within one chunk, after the calls let through (where those wrote anything)
    assert case.applied < len(ids) <= 1000, len(ids)
    admin = sb.admin()
    saves = f"/_admin/saves/{case.object}"
    before = admin.get(saves)
    admin.put("/_admin/faults", {"rules": [{**case.fault, "skip": case.skip, "times": 1, "kind": "delay",
                                            "delay_s": DELAY_S}]})
    try:
        victim = _crmhub("writeback", "--config", str(path), "--json")
        deadline = time.monotonic() + 120
        while not admin.get("/_admin/faults")["rules"][0]["fired"]:  # the held call has arrived
            assert victim.poll() is None, f"the write-back ended before the kill: {victim.communicate()}"
            assert time.monotonic() < deadline, "the held call never came"
            time.sleep(0.05)
        victim.send_signal(signal.SIGKILL)
        victim.communicate(timeout=30)
        time.sleep(DELAY_S + 1)  # let the held call run out (its sender is gone: the sandbox drops it)
    finally:
        admin.delete("/_admin/faults")
    assert victim.returncode == -signal.SIGKILL
    assert _pending(engine) == len(ids)  # intents recorded before sending, never settled
    assert _saved(admin, saves, ids, before) == case.applied  # applied in the CRM, not recorded in the ledger

    rerun = _crmhub("writeback", "--config", str(path), "--json")
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    [summary] = json.loads(out)["writebacks"]
    assert summary["reconciled"] == case.applied, summary  # found written: settled, not sent again
    assert (summary["updated"], summary["failed"]) == (len(ids) - case.applied, 0), summary
    after = admin.get(saves)
    counts = {sid: after.get(sid, 0) - before.get(sid, 0) for sid in ids}
    assert set(counts.values()) == {1}, {sid: n for sid, n in counts.items() if n != 1}
    _every_record_settled(engine, case, ids)


def _every_record_settled(engine: Engine, case: KillCase, ids: set[str]) -> None:
    name = case.demo.connection
    with engine.connect() as conn:
        ledger = set(conn.execute(select(writeback_ledger.c.source_id).where(
            writeback_ledger.c.connection == name, writeback_ledger.c.object == case.object)).scalars())
        updated = set(conn.execute(select(writeback_result.c.source_id).where(
            writeback_result.c.connection == name, writeback_result.c.object == case.object,
            writeback_result.c.status == "updated")).scalars())
        open_rows = conn.execute(select(func.count()).select_from(writeback_result).where(
            writeback_result.c.status.in_(("pending", "failed", "conflict")),
            writeback_result.c.resolved_at.is_(None))).scalar_one()
    assert ledger == ids
    assert updated == ids  # every record ends with a stored result: written, or confirmed written
    assert open_rows == 0


def _pending(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(writeback_result).where(
            writeback_result.c.status == "pending", writeback_result.c.resolved_at.is_(None))).scalar_one())


def _saved(admin: SandboxAdmin, path: str, ids: set[str], before: dict[str, int]) -> int:
    now = admin.get(path)
    return sum(now.get(sid, 0) - before.get(sid, 0) for sid in ids)
