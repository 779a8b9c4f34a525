"""The CLI's surface for people and scripts: ``--version``, ``--json`` on every command with one shape for a run,
output that is not a terminal kept whole, and ``discover`` as a field table."""

from __future__ import annotations

import contextlib
import io
import json
from importlib.metadata import version
from pathlib import Path
from typing import Any

import click
import typer
from typer.testing import CliRunner

import store
from hub.cli import app
from hub.output import Output
from sandbox.common.launcher import SandboxProcess
from tests.support.ops_config import write_config


def _invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def _leaf_commands(group: click.Command, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    if hasattr(group, "commands"):  # a group (Typer may vendor its own click classes)
        return [leaf for name, cmd in group.commands.items() for leaf in _leaf_commands(cmd, (*path, name))]
    return [(path, group)]


def test_version_prints_the_installed_version() -> None:
    result = _invoke("--version")
    assert result.exit_code == 0 and result.stdout == f"crmhub {version('crmhub')}\n"


def test_every_command_takes_json() -> None:
    commands = _leaf_commands(typer.main.get_command(app))
    assert len(commands) > 20
    missing = [" ".join(path) for path, cmd in commands if not any("--json" in p.opts for p in cmd.params)]
    assert missing == []


def test_sync_and_runs_report_a_run_in_one_shape(hubspot: SandboxProcess, tmp_path: Path) -> None:
    config = write_config(tmp_path / "crmhub.yaml", hubspot, f"sqlite:///{tmp_path / 'crmhub.db'}")
    synced = _invoke("sync", "hs_ops", "--object", "owners", "--config", str(config), "--json")
    assert synced.exit_code == 0, synced.output
    [run] = json.loads(synced.stdout)["runs"]
    listed = _invoke("runs", "--config", str(config), "--json")
    body = json.loads(listed.stdout)
    [stored] = body["runs"]
    assert body["ok"] is True
    shared = ("run_id", "connection", "object", "status", "counts", "reconciled", "api_calls", "full_refresh", "error")
    assert {k: stored[k] for k in shared} == {k: run[k] for k in shared}
    assert run["counts"]["read"] > 0


def test_output_that_is_not_a_terminal_is_not_cut(hubspot: SandboxProcess, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crmhub.db'}"
    config = write_config(tmp_path / "crmhub.yaml", hubspot, url)
    engine = store.make_engine(url)
    store.ensure_schema(engine)
    error = "the CRM answered 503 " + "while reading page after page of contacts " * 6 + "(end of message)"
    with engine.begin() as conn:
        run_id = store.start_run(conn, connection="hs_ops", object="contacts", full_refresh=False)
        store.finish_run(conn, run_id=run_id, status="failed", counts={}, api_calls=3, error=error)
    engine.dispose()
    table = _invoke("runs", "--config", str(config))
    row = next(line for line in table.stdout.splitlines() if "hs_ops/contacts" in line)
    assert error in row  # the whole error in its row: no wrap, no ellipsis
    name = "no_such_connection_" + "x" * 120
    failed = _invoke("check", name, "--config", str(config))
    assert failed.exit_code == 2
    [line] = [ln for ln in failed.stderr.splitlines() if ln.strip()]
    assert line.startswith("error: ") and "no connection named" in line and name in line and line.rstrip().endswith(")")


def test_discover_prints_a_field_table(hubspot: SandboxProcess, tmp_path: Path) -> None:
    config = write_config(tmp_path / "crmhub.yaml", hubspot, f"sqlite:///{tmp_path / 'crmhub.db'}")
    as_json = json.loads(_invoke("discover", "hs_ops", "--config", str(config), "--json").stdout)
    contacts = next(o for o in as_json["objects"] if o["name"] == "contacts")
    email = next(f for f in contacts["fields"] if f["name"] == "email")
    assert email["label"] and {"type", "custom", "calculated", "updateable", "options"} <= set(email)
    # the portal's custom objects are listed too, configured or not, flagged as such
    partner = next(o for o in as_json["objects"] if o["name"] == "p_channel_partner")
    assert partner["custom"] and not contacts["custom"]
    result = _invoke("discover", "hs_ops", "--config", str(config))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any(line.startswith("hs_ops/contacts:") and "fields" in line for line in lines)
    assert any(line.startswith("hs_ops/p_channel_partner (custom object):") for line in lines)
    header = next(line for line in lines if "label" in line and "updateable" in line)
    assert [c for c in ("field", "type", "label", "custom", "calculated") if c not in header] == []
    row = next(line for line in lines if " email " in line and email["label"] in line)
    assert email["type"] in row


def test_every_json_document_says_ok() -> None:
    """Commands that never set ``ok`` themselves (secret-key, score models, quality report, …) still say it, so a
    script tests one key whatever the command; a document that says ``ok`` keeps its own answer."""
    made = _invoke("secret-key", "--json")
    assert made.exit_code == 0, made.output
    body = json.loads(made.stdout)
    assert body["ok"] is True and body["variable"] == "CRMHUB_SECRET_KEY"
    assert next(iter(body)) == "ok"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        Output(as_json=True).json({"ok": False, "warning": "nothing was scored"})
    assert json.loads(out.getvalue()) == {"ok": False, "warning": "nothing was scored"}
