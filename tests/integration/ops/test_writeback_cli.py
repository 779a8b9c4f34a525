"""`crmhub writeback` end to end on the HubSpot sandbox: the property is created when absent, scores land, a second
run of unchanged scores costs no API call, a person's edit is not overwritten, and --dry-run sends nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

import store
from hub.cli import app
from sandbox.common.launcher import SandboxProcess
from store.tables import lead_score, source_link
from sync.writeback.job import run_writeback_job
from tests.support.ops_config import write_config

FIELDS = "{lead_score: crmhub_score, lead_grade: crmhub_grade, lead_reasons: crmhub_reasons}"


def _cli(*args: str) -> dict:
    result = CliRunner().invoke(app, [*args, "--json"])
    return {"code": result.exit_code, **json.loads(result.stdout or "{}")}


def test_scores_are_written_once_and_a_persons_edit_is_kept(hubspot: SandboxProcess, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crmhub.db'}"
    path = write_config(tmp_path / "crmhub.yaml", hubspot, url)
    path.write_text(path.read_text() + f"    writeback: {{enabled: true, fields: {FIELDS}}}\n")
    assert _cli("sync", "hs_ops", "--object", "contacts", "--config", str(path))["code"] == 0
    engine = store.make_engine(url)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        links = conn.execute(select(source_link.c.source_id, source_link.c.canonical_id).where(
            source_link.c.object == "contacts", source_link.c.is_deleted.is_(False)).limit(12)).all()
        conn.execute(lead_score.insert(), [{
            "entity": "contact", "record_id": cid, "score": 50 + i, "grade": "warm", "engagement": 40.0,
            "intent": 30.0, "fit": 20.0, "probability": None, "reasons": "+12 pricing page visits",
            "contributions": "[]", "model_version": "rules-test", "scored_at": now,
            "valid_until": now + timedelta(days=1)} for i, (_, cid) in enumerate(links)])
    admin = hubspot.admin()

    preview = _cli("writeback", "--dry-run", "--config", str(path))
    [dry] = preview["writebacks"]
    assert (dry["status"], dry["sent"], dry["api_calls"]) == ("dry-run", 12, 0)

    first = _cli("writeback", "--config", str(path))
    [done] = first["writebacks"]
    assert first["code"] == 0 and (done["updated"], done["failed"]) == (12, 0), done
    sid = links[0][0]
    record = admin.get(f"/_admin/truth/contacts/{sid}")
    assert str(record["properties"]["crmhub_score"]) == "50" and record["properties"]["crmhub_grade"] == "warm"

    admin.reset_calls()
    again = _cli("writeback", "--config", str(path))
    assert again["writebacks"][0]["unchanged"] == 12 and admin.calls()["total"] == 0

    # A person changes a record; crmhub has not re-read it. New scores for everyone: that one is kept.
    admin.patch(f"/_admin/records/contacts/{sid}", {"fields": {"crmhub_score": "7"}})
    with engine.begin() as conn:
        conn.execute(lead_score.update().values(score=lead_score.c.score + 10))
    later = _cli("writeback", "--config", str(path))
    [result] = later["writebacks"]
    assert (result["updated"], result["skipped"]) == (11, 1), result
    assert str(admin.get(f"/_admin/truth/contacts/{sid}")["properties"]["crmhub_score"]) == "7"


def test_a_scheduled_write_back_scores_first_then_writes_once(hubspot: SandboxProcess, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The scheduler's job: fresh scores (no `crmhub score` beforehand), written back; each stream planned once."""
    url = f"sqlite:///{tmp_path / 'crmhub.db'}"
    path = write_config(tmp_path / "crmhub.yaml", hubspot, url)
    path.write_text(path.read_text() + "    writeback: {enabled: true, fields: {lead_score: crmhub_sched_score, "
                                       "lead_grade: crmhub_sched_grade}, schedule: {interval_minutes: 60}}\n")
    assert _cli("sync", "hs_ops", "--object", "contacts", "--config", str(path))["code"] == 0
    plans = []
    real = store.ledger_entries
    monkeypatch.setattr(store, "ledger_entries", lambda *a, **k: plans.append(k["object"]) or real(*a, **k))

    done = run_writeback_job(str(path), "hs_ops")

    assert done["scored"]["contact"] > 0 and "opportunity" not in done["scored"]
    [result] = done["writebacks"]
    assert (result["object"], result["status"], result["failed"]) == ("contacts", "succeeded", 0), result
    assert 0 < result["updated"] <= done["scored"]["contact"]
    assert plans == ["contacts"]  # one planning pass for the one stream that receives lead outputs
    engine = store.make_engine(url)
    with engine.connect() as conn:
        sid, score = conn.execute(select(source_link.c.source_id, lead_score.c.score).join(
            lead_score, lead_score.c.record_id == source_link.c.canonical_id).where(
            source_link.c.object == "contacts", lead_score.c.entity == "contact").limit(1)).one()
    engine.dispose()
    truth = hubspot.admin().get(f"/_admin/truth/contacts/{sid}")["properties"]
    assert str(truth["crmhub_sched_score"]) == str(round(score))
