"""``crmhub models list|show|uml``: JSON shapes, exit codes, the config's connections as sources."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hub import exitcodes
from hub.cli import app

CONFIG = """
version: 1
store: {url: "sqlite:///%s"}
connections:
  hs:
    kind: hubspot
    auth: {flow: private_app, token: "${HS_TOKEN}"}
    objects: [contacts, companies, deals]
"""
SUMMARY_KEYS = {"code", "name", "long_name", "aliases", "description", "modules", "held_as", "held", "entity",
                "where", "computed_by", "caveat", "sources", "shipped_mappings", "filled_by"}


@pytest.fixture(autouse=True)
def _no_ambient_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./crmhub.yaml unless a test writes one
    monkeypatch.delenv("CRMHUB_CONFIG", raising=False)
    monkeypatch.setenv("HS_TOKEN", "pat-test-token-value")


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["models", *args])
    return result.exit_code, result.stdout


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "hub.yaml"
    path.write_text(CONFIG % (tmp_path / "hub.db"))
    return path


def test_list_json_has_82_models_with_modules_and_sources() -> None:
    code, out = _run("list", "--json")
    assert code == exitcodes.OK, out
    doc = json.loads(out)
    assert doc["ok"] is True and doc["count"] == 82 and doc["config_loaded"] is False and doc["module"] is None
    assert all(set(m) == SUMMARY_KEYS for m in doc["models"])
    by_code = {m["code"]: m for m in doc["models"]}
    sale = by_code["SALE"]
    assert sale["held_as"] == "entity" and sale["entity"] == "opportunity" and sale["where"] == {"is_won": True}
    assert sale["sources"]["salesforce"] == {"kind": "standard", "object": "Opportunity", "note": "IsWon = true"}
    assert sale["shipped_mappings"]["hubspot"] == ["deals"] and sale["filled_by"] is None
    assert by_code["REVENUE_FORECAST"]["computed_by"]["engine"] == "analytics.forecast"
    pipeline = by_code["SALES_PIPELINE"]["computed_by"]
    assert (pipeline["engine"], pipeline["status"], pipeline["issue"]) == (
        "analytics.pipeline.snapshots", "planned", 20)
    assert by_code["ACCOUNT_PLAN"]["held"] == "custom object — map it in config"
    assert {m["held_as"] for m in doc["models"]} == {"entity", "computed", "custom_object"}


def test_list_of_a_module_and_an_unknown_module() -> None:
    code, out = _run("list", "--module", "inside_sales", "--json")
    doc = json.loads(out)
    assert code == exitcodes.OK and doc["module"] == "INSIDE_SALES" and doc["count"] == 16
    assert [m["code"] for m in doc["models"]][-5:] == ["SALES_ACTIVITY", "SALES_CALL", "SALES_EMAIL",
                                                       "SALES_FORECAST", "LOST_SALE"]
    code, out = _run("list", "--module", "INSIDE", "--json")
    assert code == exitcodes.CONFIG
    assert json.loads(out)["error"]["message"].startswith("no module 'INSIDE'")


def test_with_a_config_each_model_names_the_objects_that_fill_it(tmp_path: Path) -> None:
    code, out = _run("list", "--json", "--config", str(_config(tmp_path)))
    assert code == exitcodes.OK, out
    doc = json.loads(out)
    by_code = {m["code"]: m for m in doc["models"]}
    assert doc["config_loaded"] is True
    assert by_code["CUSTOMER"]["filled_by"] == [{"connection": "hs", "kind": "hubspot", "object": "companies",
                                                 "how": "entity", "entity": "account"}]
    assert [f["object"] for f in by_code["DEAL"]["filled_by"]] == ["deals"]
    assert by_code["LEAD"]["filled_by"] == [] and by_code["REVENUE_FORECAST"]["filled_by"] == []
    assert "pat-test-token-value" not in out


def test_the_config_in_the_working_directory_is_found(tmp_path: Path) -> None:
    (tmp_path / "crmhub.yaml").write_text(CONFIG % (tmp_path / "hub.db"))
    assert json.loads(_run("list", "--json")[1])["config_loaded"] is True


def test_a_broken_config_that_was_given_is_a_config_error(tmp_path: Path) -> None:
    code, out = _run("list", "--json", "--config", str(tmp_path / "absent.yaml"))
    assert code == exitcodes.CONFIG and "not found" in json.loads(out)["error"]["message"]


def test_show_json_has_fields_relations_and_takes_an_alias() -> None:
    code, out = _run("show", "Sales Rep", "--json")
    assert code == exitcodes.OK, out
    doc = json.loads(out)
    assert doc["code"] == "SALES_REPRESENTATIVE" and "uml" not in doc
    assert {"name": "email", "type": "string", "required": False, "description": ""} in doc["fields"]
    assert {r["target"] for r in doc["relations"]} >= {"SALES_TEAM", "QUOTA"}
    assert len(doc["modules"]) == 9 and doc["aliases"] == ["Sales Rep"]


def test_show_uml_prints_a_class_diagram_and_json_carries_it() -> None:
    code, out = _run("show", "QUOTA", "--uml")
    assert code == exitcodes.OK and out.startswith("classDiagram\n")
    assert '  class QUOTA["Quota"]\n' in out and '  QUOTA "*" --> "1" SALES_TEAM : team\n' in out
    code, out = _run("show", "QUOTA", "--uml", "--json")
    assert json.loads(out)["uml"].startswith("classDiagram\n")


def test_show_of_an_unknown_model_is_a_command_line_error() -> None:
    code, out = _run("show", "QUOTAS", "--json")
    assert code == exitcodes.CONFIG
    assert "did you mean QUOTA" in json.loads(out)["error"]["message"]


def test_show_in_text_says_where_each_crm_keeps_it() -> None:
    code, out = _run("show", "SUPPORT_TICKET")
    assert code == exitcodes.OK
    assert "held as: entity `case`" in out and "incidents" in out and "no config loaded" in out


def test_uml_of_a_module() -> None:
    code, out = _run("uml", "--module", "SALES_TRAINING_COACHING")
    assert code == exitcodes.OK and out.count("\n  class ") == 9
    code, out = _run("uml", "--module", "SALES_TRAINING_COACHING", "--json")
    assert json.loads(out)["module"] == "SALES_TRAINING_COACHING"
