"""The commands: `crmhub identity resolve | report | undo` and `crmhub quality duplicates`, with --json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

import store
from access import list_events
from hub.cli import app
from tests.support.identity_rows import land, row


def _cli(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, [*args, "--json"])
    return {"code": result.exit_code, **json.loads(result.stdout or "{}")}


def test_resolve_report_undo_and_duplicates(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crmhub.db'}"
    config = tmp_path / "crmhub.yaml"
    config.write_text(f"version: 1\nstore: {{url: '{url}'}}\nidentity: {{match_threshold: 0.9}}\n")
    engine = store.make_engine(url)
    store.ensure_schema(engine)
    land(engine, [
        row("contact", "hubspot", "contacts", "1", first_name="Grace", last_name="Hopper", email="grace@navy.mil",
            phone="+12025550100"),
        row("contact", "hubspot", "contacts", "2", first_name="Grace", last_name="Hopper",
            email="grace@gmail.com", phone="+12025550100"),
        row("lead", "marketo", "leads", "7", first_name="Grace", last_name="Hopper", email="GRACE@navy.mil"),
    ])
    c = ("--config", str(config))
    resolved = _cli("identity", "resolve", *c)
    assert resolved["code"] == 0 and resolved["person"]["clusters"] == 1 and resolved["person"]["merges"] == 2
    shown = _cli("identity", "report", *c)
    assert shown["kinds"]["person"]["clusters_across_connections"] == 1
    merges = {m["rule"]: m for m in shown["merges"]["listed"]}
    assert set(merges) == {"email", "probabilistic"}
    assert merges["email"]["a"].startswith(("hubspot/contacts/1", "marketo/leads/7"))
    undone = _cli("identity", "undo", str(merges["probabilistic"]["id"]), "--by", "admin", *c)
    assert undone["code"] == 0 and undone["resolve"]["person"]["clusters"] == 2
    audited = list_events(engine, action="identity.undo")  # by whom, pseudonymised in the chain
    assert [(e.actor, e.target, e.after) for e in audited] == [
        ("admin", f"merge {merges['probabilistic']['id']}", {"kind": "person", "rule": "probabilistic"})]
    again = _cli("identity", "undo", str(merges["probabilistic"]["id"]), *c)
    assert again["code"] == 2 and "already undone" in again["error"]["message"]
    assert _cli("identity", "undo", "424242", *c)["code"] == 2
    dups = _cli("quality", "duplicates", *c)
    assert [(p["connection"], p["id_a"], p["id_b"], p["rule"]) for p in dups["pairs"]] == [
        ("hubspot", "1", "2", "probabilistic")]
    assert _cli("identity", "resolve", "--kind", "people", *c)["code"] == 2
