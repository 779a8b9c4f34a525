"""``crmhub winloss``: the golden store's figures in JSON, a Rich table for people, usage errors as exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import store
from hub.cli import app
from tests.unit.analytics.winloss.builders import golden_store


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "crmhub.yaml"
    path.write_text(f"version: 1\nstore: {{url: 'sqlite:///{tmp_path / 'cli.db'}'}}\n")
    engine = store.make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    store.ensure_schema(engine)
    golden_store(engine)
    engine.dispose()
    return path


def test_winloss_json_and_table(tmp_path: Path) -> None:
    config = _config(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["winloss", "--by", "territory", "--no-model", "--json", "--config", str(config)])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["ok"] is True and payload["model"] is None
    table = payload["table"]
    assert (table["deals"], table["wins"], table["competitor_fill_rate"]) == (10, 5, 0.8)
    cells = {tuple(c["labels"]): (c["wins"], c["losses"], c["n"]) for c in table["cells"]}
    assert cells == {("North",): (2, 0, 2), ("South",): (2, 4, 6), ("(none)",): (1, 1, 2)}
    assert table["chi_square"]["dof"] == 2

    people = runner.invoke(app, ["winloss", "--by", "competitor,territory", "--config", str(config)])
    assert people.exit_code == 0, people.output
    assert "win/loss by competitor, territory" in people.stdout and "95 % CI" in people.stdout
    assert "odds ratios" in people.stdout  # the model ran (its notes say what it pooled on ten deals)


def test_winloss_period_and_usage_errors(tmp_path: Path) -> None:
    config = _config(tmp_path)
    runner = CliRunner()
    late = runner.invoke(app, ["winloss", "--from", "2025-07-01", "--no-model", "--json", "--config", str(config)])
    assert late.exit_code == 0 and json.loads(late.stdout)["table"]["deals"] == 2
    bad = runner.invoke(app, ["winloss", "--by", "colour", "--json", "--config", str(config)])
    assert bad.exit_code == 2
    assert "colour is not one of" in json.loads(bad.stdout)["error"]["message"]
    product_factor = runner.invoke(app, ["winloss", "--controls", "product", "--json", "--config", str(config)])
    assert product_factor.exit_code == 2


def test_pricing_json_and_text(tmp_path: Path) -> None:
    config = _config(tmp_path)  # the golden store has no line items: nothing priced, said in a note
    runner = CliRunner()
    result = runner.invoke(app, ["pricing", "--json", "--config", str(config)])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["ok"] is True and payload["priced_deals"] == 0 and payload["closed_deals"] == 10
    text = runner.invoke(app, ["pricing", "--config", str(config)])
    assert text.exit_code == 0 and "0 of 10 closed deals priced" in text.stdout
