"""``crmhub score …`` and ``crmhub forecast …``: JSON output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import store
from analytics.synthetic import populate
from hub.cli import app
from tests.support.canonical_rows import NOW


def _config(tmp_path: Path, scoring: str = "{grades: {hot: 60, warm: 30}, min_conversions: 500}", leads: int = 200,
            seed: int = 9) -> Path:
    """A crmhub.yaml with ``scoring`` over a SQLite store of ``leads`` synthetic leads."""
    path = tmp_path / "crmhub.yaml"
    path.write_text(f"version: 1\nstore: {{url: 'sqlite:///{tmp_path / 'cli.db'}'}}\nscoring: {scoring}\n")
    engine = store.make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    store.ensure_schema(engine)
    populate(engine, leads=leads, seed=seed, now=NOW)
    engine.dispose()
    return path


def test_score_leads_json_and_train_refusal(tmp_path: Path) -> None:
    config = _config(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["score", "leads", "--json", "--config", str(config)])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["scored"] == 200 and payload["model_version"] == "lead-rules-2"
    assert set(payload["grades"]) <= {"hot", "warm", "cold"}
    refused = runner.invoke(app, ["score", "leads", "--train", "--json", "--config", str(config)])
    assert refused.exit_code == 1 and "min_conversions" in json.loads(refused.stdout)["error"]["message"]


def test_deals_forecast_and_adjust(tmp_path: Path) -> None:
    config = _config(tmp_path)
    runner = CliRunner()
    deals = runner.invoke(app, ["score", "deals", "--json", "--config", str(config)])
    assert deals.exit_code == 0 and json.loads(deals.stdout)["scored"] == 0
    fc = runner.invoke(app, ["forecast", "--period", "quarter", "--json", "--config", str(config)])
    assert fc.exit_code == 0, fc.output
    assert json.loads(fc.stdout)["period"] == "quarter"
    bad = runner.invoke(app, ["forecast", "--period", "week", "--config", str(config)])
    assert bad.exit_code == 2
    adjusted = runner.invoke(app, ["forecast", "adjust", "company", "company", "1000", "--period-start",
                                   "2026-06-01", "--reason", "known deal", "--author", "me", "--json",
                                   "--config", str(config)])
    assert adjusted.exit_code == 0, adjusted.output
    trail = runner.invoke(app, ["forecast", "adjustments", "--json", "--config", str(config)])
    assert json.loads(trail.stdout)["adjustments"][0]["reason"] == "known deal"
    models = runner.invoke(app, ["score", "models", "--json", "--config", str(config)])
    assert {m["kind"] for m in json.loads(models.stdout)["models"]} == {"deal", "forecast"}


def test_train_reports_progress_on_stderr_and_a_refused_model_in_words(tmp_path: Path) -> None:
    """No terminal (a log, CI): each training step is a line on stderr, also under --json; a second model trained on
    scrambled labels is refused in words and the first keeps scoring."""
    path = _config(tmp_path, "{min_conversions: 50}", leads=1500, seed=5)
    engine = store.make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    runner = CliRunner()
    args = ["score", "leads", "--train", "--algorithm", "logistic", "--entity", "lead", "--config", str(path)]
    first = runner.invoke(app, [*args, "--json"])
    assert first.exit_code == 0, first.output
    trained = json.loads(first.stdout)["trained"]
    assert trained["activated"] and "age_days" in trained["left_out"] and trained["still_open"] > 0
    for step in ("reading the labelled leads", "cross-validating: fold 1/5", "fitting logistic"):
        assert step in first.stderr
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE lead SET converted = (substr(id, 36, 1) < '8')")  # a coin per id
    engine.dispose()
    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.output
    assert "was not activated: its 5-fold AUC" in second.output
    assert f"{trained['version']} keeps scoring" in second.output
