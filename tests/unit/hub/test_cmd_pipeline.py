"""``crmhub pipeline …``: JSON output, the stored warnings and refused options."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import store
from hub import exitcodes
from hub.cli import app
from tests.support.pipeline_rows import golden, land


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "crmhub.yaml"
    path.write_text(f"version: 1\nstore: {{url: 'sqlite:///{tmp_path / 'cli.db'}'}}\n")
    engine = store.make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    store.ensure_schema(engine)
    land(engine, golden())
    engine.dispose()
    return path


def test_pipeline_commands_in_json(tmp_path: Path) -> None:
    config = str(_config(tmp_path))
    runner = CliRunner()
    as_of = ["--as-of", "2026-03-01", "--config", config, "--json"]
    warned = runner.invoke(app, ["pipeline", "warnings", *as_of])
    assert warned.exit_code == 0, warned.output
    body = json.loads(warned.stdout)
    assert body["ok"] and body["open_deals"] == 3 and body["stored"] == len(body["warnings"])
    assert body["by_kind"] == {"few_contacts": 1, "ghosted": 1, "no_senior_contact": 1, "overdue": 1, "pushed": 1}
    cycle = json.loads(runner.invoke(app, ["pipeline", "cycle", "--by", "segment", *as_of]).stdout)
    assert [row["segment"] for row in cycle["cycle"]] == ["SMB"] and cycle["cycle"][0]["median"] == 20.0
    health = json.loads(runner.invoke(app, ["pipeline", "health", *as_of]).stdout)
    assert [row["entered"] for row in health["conversion"]] == [6, 5, 2]
    flow = json.loads(runner.invoke(app, ["pipeline", "waterfall", "--period", "quarter", *as_of]).stdout)
    assert all(row["check"] == 0 for row in flow["rows"])


def test_bad_options_are_refused(tmp_path: Path) -> None:
    config = str(_config(tmp_path))
    runner = CliRunner()
    bad = runner.invoke(app, ["pipeline", "cycle", "--by", "colour", "--config", config, "--json"])
    assert bad.exit_code == exitcodes.CONFIG
    assert "--by must be one of pipeline, segment, owner_id" in json.loads(bad.stdout)["error"]["message"]
    when = runner.invoke(app, ["pipeline", "health", "--as-of", "yesterday", "--config", config])
    assert when.exit_code == exitcodes.CONFIG and "ISO 8601" in when.output
