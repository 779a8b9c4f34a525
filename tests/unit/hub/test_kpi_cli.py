"""``crmhub kpi list|show|census``: what they print, their JSON, and exit codes, on a small registry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from analytics.kpi.loader import load_definitions
from hub import cmd_kpi, exitcodes
from hub.cli import app
from tests.unit.analytics.kpi.kpi_files import computed, needs_data, not_computable, write

runner = CliRunner()


@pytest.fixture(autouse=True)
def small_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    registry = load_definitions(write(tmp_path / "defs", computed(caveat="counts a deal reopened twice"),
                                      needs_data(), not_computable()))
    monkeypatch.setattr(cmd_kpi, "shipped_kpi_registry", lambda: registry)


def _json(*args: str, code: int = exitcodes.OK) -> dict[str, Any]:
    result = runner.invoke(app, ["kpi", *args, "--json"])
    assert result.exit_code == code, result.output
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


def test_list_filters_by_module_and_status() -> None:
    every = _json("list")
    assert every["count"] == 3 and [k["code"] for k in every["kpis"]] == [
        "DEMO_TO_CLOSE_RATE", "NET_PROMOTER_SCORE", "WIN_RATE"]
    inside = _json("list", "--module", "inside_sales", "--status", "computed")
    assert inside["module"] == "INSIDE_SALES" and inside["count"] == 1
    assert inside["kpis"] == [{"code": "WIN_RATE", "name": "Win Rate", "type": "ratio", "status": "computed",
                               "unit": "percent", "direction": "higher", "modules": ["BUS_DEV", "INSIDE_SALES"]}]
    text = runner.invoke(app, ["kpi", "list", "--status", "not_computable"])
    assert text.exit_code == 0 and "NET_PROMOTER_SCORE" in text.stdout and "WIN_RATE" not in text.stdout


def test_a_bad_module_or_status_is_a_config_error_naming_what_exists() -> None:
    bad = _json("list", "--module", "INSIDE_SALE", code=exitcodes.CONFIG)
    assert bad["ok"] is False and "did you mean INSIDE_SALES" in bad["error"]["message"]
    status = runner.invoke(app, ["kpi", "list", "--status", "done"])
    assert status.exit_code == exitcodes.CONFIG
    assert "no status 'done': a KPI is computed, needs_data, not_computable" in status.stderr


def test_show_names_modules_models_measures_and_status() -> None:
    doc = _json("show", "win_rate")
    assert doc["modules"] == [{"code": "BUS_DEV", "name": "Business Development"},
                              {"code": "INSIDE_SALES", "name": "Inside Sales"}]
    assert doc["object_models"] == [{"code": "OPPORTUNITY", "name": "Opportunity"}, {"code": "SALE", "name": "Sale"}]
    assert [(m["role"], m["ref"], m["words"]) for m in doc["measures"]] == [
        ("numerator", "opportunity.won_count", "number of opportunity rows where is_won = true, by close_date"),
        ("denominator", "opportunity.closed_count", "number of opportunity rows where is_closed = true, by close_date")]
    assert "numerator ÷ denominator, times 100" in str(doc["combination"])
    assert doc["status_words"] == "computed from the canonical store"
    assert doc["caveat"] == "counts a deal reopened twice" and str(doc["file"]).endswith("win_rate.yaml")
    needs = _json("show", "DEMO_TO_CLOSE_RATE")
    assert needs["needs"] == {"model": "DEMO", "fill": "a Demo custom object mapped to the DEMO model"}
    assert needs["measures"] == [] and needs["combination"] is None
    text = runner.invoke(app, ["kpi", "show", "NET_PROMOTER_SCORE"])
    assert text.exit_code == 0 and "not computable: survey answers no CRM keeps" in text.stdout


def test_show_of_an_unknown_code_names_close_ones() -> None:
    result = runner.invoke(app, ["kpi", "show", "WIN_RATES"])
    assert result.exit_code == exitcodes.CONFIG
    assert "no KPI 'WIN_RATES' (did you mean WIN_RATE?)" in result.stderr


def test_census_per_module_and_in_total() -> None:
    doc = _json("census")
    inside = next(m for m in doc["modules"] if m["code"] == "INSIDE_SALES")
    assert inside == {"code": "INSIDE_SALES", "name": "Inside Sales", "computed": 1, "needs_data": 1,
                      "not_computable": 1, "total": 3, "computed_share": pytest.approx(1 / 3)}
    assert doc["distinct"]["total"] == 3 and doc["memberships"]["total"] == 6
    text = runner.invoke(app, ["kpi", "census"]).stdout
    assert "KPI census" in text and "distinct KPIs" in text and "33%" in text
