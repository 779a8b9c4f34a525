"""``crmhub attribution`` and ``crmhub attribution roi``: JSON documents, tables and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import store
from hub.cli import app
from hub.exitcodes import CONFIG
from tests.support.attribution_store import build


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "crmhub.yaml"
    path.write_text(f"version: 1\nstore: {{url: 'sqlite:///{tmp_path / 'cli.db'}'}}\n")
    engine = store.make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    store.ensure_schema(engine)
    build(engine)
    engine.dispose()
    return path


def test_every_model_side_by_side(config: Path) -> None:
    result = CliRunner().invoke(app, ["attribution", "--json", "--config", str(config)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [m["model"] for m in doc["models"]] == ["first", "last", "linear", "time_decay", "u", "w", "full_path",
                                                   "markov", "shapley"]
    assert (doc["journeys"], doc["converting"], doc["value"]) == (5, 2, 10500.0)
    for m in doc["models"]:
        assert m["conversions"] == pytest.approx(2.0) and m["value"] == pytest.approx(10500.0)
    web = next(c for c in doc["channels"] if c["channel"] == "web_visit")
    assert web["first"] == {"conversions": 2.0, "value": 10500.0}
    table = CliRunner().invoke(app, ["attribution", "--config", str(config)])
    assert table.exit_code == 0 and "attributed conversions per channel" in table.output and "shapley" in table.output


def test_one_model_in_the_revenue_window(config: Path) -> None:
    result = CliRunner().invoke(app, ["attribution", "--model", "markov", "--window", "revenue", "--markov-order",
                                      "2", "--json", "--config", str(config)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [m["model"] for m in doc["models"]] == ["markov"] and doc["models"][0]["details"]["order"] == 2
    assert doc["converting"] == 1 and doc["value"] == 10000.0


def test_roi(config: Path) -> None:
    result = CliRunner().invoke(app, ["attribution", "roi", "--json", "--config", str(config)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {c["campaign_id"] for c in doc["campaigns"]} == {"cmp-web", "cmp-ads"}
    table = CliRunner().invoke(app, ["attribution", "roi", "--model", "w", "--config", str(config)])
    assert table.exit_code == 0 and "campaign ROI (w)" in table.output and "50.0% (9.5%-90.5%)" in table.output


@pytest.mark.parametrize("args", [["--model", "nine_touch"], ["--window", "forever"], ["roi", "--model", "all"]])
def test_bad_options_name_what_is_expected(config: Path, args: list[str]) -> None:
    result = CliRunner().invoke(app, ["attribution", *args, "--json", "--config", str(config)])
    assert result.exit_code == CONFIG
    assert "must be one of" in json.loads(result.stdout)["error"]["message"]
