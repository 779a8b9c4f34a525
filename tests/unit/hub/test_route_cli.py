"""``crmhub route``: JSON shape, dry run, batch, a bad routing file and an unknown pool as config errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import store
from hub import exitcodes
from hub.cli import app
from tests.support.canonical_rows import add

CONFIG = """
version: 1
store: {url: "sqlite:///%s"}
connections:
  hs:
    kind: hubspot
    auth: {flow: private_app, token: "${HS_TOKEN}"}
    objects: [contacts, companies, deals]
"""
ROUTING = """
pools:
  inbound:
    strategy: weighted
    members: [{rep: u1, weight: 2, cap: 2}, {rep: u2, cap: 1}]
"""


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CRMHUB_CONFIG", raising=False)
    monkeypatch.setenv("HS_TOKEN", "pat-test-token-value")
    config = tmp_path / "hub.yaml"
    config.write_text(CONFIG % (tmp_path / "hub.db"))
    routing = tmp_path / "routing.yaml"
    routing.write_text(ROUTING)
    engine = store.make_engine(f"sqlite:///{tmp_path / 'hub.db'}")
    store.ensure_schema(engine)
    for i in range(4):
        add(engine, "lead", id=f"L{i}", status="Open")
    engine.dispose()
    return config, routing


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["route", *args])
    return result.exit_code, result.stdout


def test_dry_run_then_run_then_nothing_left(setup: tuple[Path, Path]) -> None:
    config, routing = setup
    base = ("--config", str(config), "--routing", str(routing), "--json")
    code, out = _run(*base, "--dry-run")
    assert code == exitcodes.OK, out
    dry = json.loads(out)
    assert (dry["ok"], dry["dry_run"], dry["assigned"], dry["queued"]) == (True, True, 3, 1)
    assert dry["per_rep"] == {"u1": 2, "u2": 1}
    code, out = _run(*base)
    done = json.loads(out)
    assert done["assigned"] == 3 and done["decisions"][3] == {"pool": "inbound", "lead_id": "L3", "rep_id": None,
                                                            "fired": "queue: none of 2 members eligible (2 at cap)",
                                                            "expected_value": None}
    code, out = _run(*base, "--batch")  # only the queued lead is left, and every rep is full
    again = json.loads(out)
    assert (again["mode"], again["leads"], again["queued"]) == ("batch", 1, 1)
    assert again["batches"]["inbound"]["gap"] == 0.0


def test_an_unknown_pool_and_a_bad_file_are_config_errors(setup: tuple[Path, Path], tmp_path: Path) -> None:
    config, routing = setup
    code, out = _run("--config", str(config), "--routing", str(routing), "--pool", "nope", "--json")
    assert code == exitcodes.CONFIG
    assert json.loads(out)["error"]["message"].startswith("--pool 'nope' is not a pool of")
    routing.write_text(ROUTING.replace("cap: 1", "cap: lots"))
    code, out = _run("--config", str(config), "--routing", str(routing), "--json")
    assert code == exitcodes.CONFIG
    assert "pools.inbound.members.1.cap: Input should be a valid integer" in json.loads(out)["error"]["message"]
