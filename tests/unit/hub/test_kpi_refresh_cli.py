"""``crmhub kpi refresh [--full]`` and the refresh after a sync (sync/kpi_refresh.py): what runs, what is reported,
and that a failing refresh never fails the sync."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine
from typer.testing import CliRunner

import store
from config import parse_config
from hub import exitcodes
from hub.cli import app
from sync import kpi_refresh
from sync.counts import Counts
from sync.kpi_refresh import refresh_after_sync
from sync.stream import RunSummary
from tests.support.kpi_golden import build, kpi_file, synced

CONFIG = "version: 1\nstore: {{url: '{url}'}}\nkpi: {{refresh_after_sync: {on}}}\n"
KPIS = [kpi_file(code) for code in ("WON_AMOUNT", "WIN_RATE_CLOSED", "CALLS")]
runner = CliRunner()


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("CRMHUB_STORE_URL", raising=False)
    monkeypatch.setattr(kpi_refresh, "shipped_kpi_registry", lambda: KPIS)
    url = f"sqlite:///{tmp_path / 'crmhub.db'}"
    engine = store.make_engine(url)
    store.ensure_schema(engine)
    build(engine)
    for obj, entity in (("Opportunity", "opportunity"), ("Task", "activity")):
        synced(engine, obj, entity)  # what a sync leaves: a run that changed records, and where they landed
    engine.dispose()
    path = tmp_path / "crmhub.yaml"
    path.write_text(CONFIG.format(url=url, on="true"))
    return path


def _refresh(config: Path, *extra: str, code: int = exitcodes.OK) -> dict[str, Any]:
    result = runner.invoke(app, ["kpi", "refresh", "--config", str(config), "--json", *extra])
    assert result.exit_code == code, result.output
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


def test_refresh_is_full_first_then_incremental_and_full_on_demand(config: Path) -> None:
    first = _refresh(config)
    assert first["ok"] and first["status"] == "refreshed" and first["report"]["full"]
    assert first["report"]["computed"] == ["CALLS", "WIN_RATE_CLOSED", "WON_AMOUNT"] and first["report"]["rows"] > 0
    again = _refresh(config)
    assert again["report"]["computed"] == [] and again["report"]["unchanged"] == 3  # no sync ran since
    full = _refresh(config, "--full")
    assert full["report"]["full"] and len(full["report"]["computed"]) == 3
    text = runner.invoke(app, ["kpi", "refresh", "--config", str(config)])
    assert text.exit_code == 0 and "KPI refresh: 0 KPI(s) recomputed (3 unchanged)" in text.stdout


def test_a_failing_kpi_is_exit_1_and_named(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = kpi_file("WON_DEALS").model_copy(update={"code": "BROKEN", "measure": "opportunity.nothing"})
    monkeypatch.setattr(kpi_refresh, "shipped_kpi_registry", lambda: [*KPIS, broken])
    payload = _refresh(config, code=exitcodes.RECORDS_FAILED)
    assert not payload["ok"] and list(payload["report"]["failed"]) == ["BROKEN"]
    assert len(payload["report"]["computed"]) == 3  # the others are written


def _run(upserted: int = 0, deleted: int = 0) -> RunSummary:
    return RunSummary(1, "crm", "Opportunity", "succeeded", Counts(read=1, upserted=upserted, deleted=deleted), 1,
                      0.1, False)


def test_after_a_sync_only_changes_refresh_and_only_when_on(config: Path) -> None:
    text = config.read_text()
    engine = store.make_engine(text.split("url: '")[1].split("'")[0])
    on = parse_config(text)
    assert refresh_after_sync(engine, on, [_run()]).status == "not_needed"  # read, nothing changed
    done = refresh_after_sync(engine, on, [_run(upserted=2)], kpis=KPIS)
    assert done.status == "refreshed" and done.brief()["kpis"] == 3
    off = parse_config(text.replace("refresh_after_sync: true", "refresh_after_sync: false"))
    assert refresh_after_sync(engine, off, [_run(deleted=1)]).status == "disabled"


def test_a_refresh_that_fails_is_reported_not_raised(tmp_path: Path) -> None:
    bare = create_engine(f"sqlite:///{tmp_path / 'no_schema.db'}")  # no tables: the refresh cannot even start
    outcome = refresh_after_sync(bare, parse_config("version: 1\n"), [_run(upserted=1)], kpis=KPIS)
    assert outcome.status == "failed" and "`crmhub kpi refresh` retries" in str(outcome.error)
    assert outcome.line().startswith("KPI refresh: failed")
