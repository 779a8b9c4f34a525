"""``crmhub tables``: the canonical entities' tables and the typed raw tables side by side, as text and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import store
from connectors.base import Tombstone
from hub.cli import app
from quality.checker import QualityChecker
from sync.runner import run_plan
from tests.support import raw_objects as ro
from tests.support.fakes import Page

CONFIG = ("version: 1\nstore: {{url: '{url}'}}\nconnections:\n  hs:\n    kind: hubspot\n"
          "    base_url: https://127.0.0.1:9\n"
          "    auth: {{flow: private_app, token: pat-na1-11111111-2222-3333-4444-555555555555}}\n"
          "    objects: [contacts]\n")


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store holding a raw table with two live rows and one tombstone, and a config pointing at it."""
    monkeypatch.delenv("CRMHUB_STORE_URL", raising=False)
    url = f"sqlite:///{tmp_path / 'crmhub.db'}"
    engine = store.make_engine(url)
    store.ensure_schema(engine)
    pages = [Page(upserts=[ro.program("a1"), ro.program("a2"), ro.program("a3")], deletes=[Tombstone("a3")])]
    [summary] = run_plan(ro.plan(ro.connector(pages)), engine=engine, checker=QualityChecker({}))
    assert summary.status == "succeeded", summary.error
    engine.dispose()
    path = tmp_path / "crmhub.yaml"
    path.write_text(CONFIG.format(url=url))
    return path


def test_raw_tables_are_listed_with_the_entities(config: Path) -> None:
    result = CliRunner().invoke(app, ["tables", "--config", str(config), "--json"])
    assert result.exit_code == 0, result.output
    tables = {t["table"]: t for t in json.loads(result.stdout)["tables"]}
    assert tables["crm_user"]["kind"] == "entity" and tables["crm_user"]["entity"] == "user"
    raw = tables[ro.TABLE]
    assert (raw["kind"], raw["connection"], raw["object"], raw["live"], raw["deleted"]) == (
        "raw", "toy", ro.OBJECT, 2, 1)
    assert {"column": "seats__c", "type": "integer", "field": "Seats__c", "crm_type": "int"} in raw["columns"]
    # One connection's view: the toy connection's raw table is not one of hs's.
    only_hs = CliRunner().invoke(app, ["tables", "--connection", "hs", "--config", str(config), "--json"])
    assert ro.TABLE not in {t["table"] for t in json.loads(only_hs.stdout)["tables"]}


def test_the_text_view_names_each_raw_tables_source_and_columns(config: Path) -> None:
    result = CliRunner().invoke(app, ["tables", "--columns", "--config", str(config)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if line.startswith(f"│ {ro.TABLE} "))
    assert [cell.strip() for cell in row.split("│")[2:6]] == ["raw", f"toy/{ro.OBJECT}", "2", "1"]
    assert any("seats__c" in line and "Seats__c" in line and "int" in line for line in result.stdout.splitlines())
