"""``crmhub audit ...``: the CLI's audited commands sign checkpoints when due; verify's --json and exit codes (0
verified, 7 tampered with the finding named, 2 without CRMHUB_AUDIT_KEY); export as JSON and CSV; prune."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

import store
from access.audit_checkpoint import read_lines
from hub import exitcodes
from hub.cli import app
from store.tables import audit_event
from tests.support.web import add_users

AUDIT_KEY = "a cli audit key of at least thirty-two characters"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "crmhub.yaml"
    path.write_text(f"version: 1\nstore: {{url: 'sqlite:///{tmp_path / 's.db'}'}}\n")
    engine = store.make_engine(f"sqlite:///{tmp_path / 's.db'}")
    store.ensure_schema(engine)
    add_users(engine)
    engine.dispose()
    return path


def _env(config: Path, **more: str) -> dict[str, str]:
    return {"CRMHUB_AUDIT_KEY": AUDIT_KEY, "CRMHUB_AUDIT_FILE": str(config.parent / "audit.jsonl"),
            "CRMHUB_AUDIT_CHECKPOINT_EVERY": "2", "PW": "a long enough password", **more}


def _run(config: Path, *args: str, env: dict[str, str], as_json: bool = True) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    result = CliRunner().invoke(app, [*args, "--config", str(config), *(["--json"] if as_json else [])], env=env)
    doc = json.loads(result.stdout) if result.stdout.strip().startswith("{") else {}
    return result.exit_code, doc, result.stdout


def test_verify_export_and_prune(config: Path) -> None:
    env = _env(config)
    for name in ("ada", "bob", "cy"):
        assert _run(config, "users", "add", name, "--role", "admin", "--password-env", "PW", env=env)[0] == 0
    assert _run(config, "users", "disable", "bob", env=env)[0] == 0
    # due after the first event (none signed yet), then every 2 events
    assert [p.seq for p in read_lines(config.parent / "audit.jsonl")] == [1, 3]
    code, doc, _ = _run(config, "audit", "verify", env=env)
    assert code == exitcodes.OK and doc["ok"] and (doc["events"], doc["checkpoints"], doc["file_checkpoints"]) == (
        4, 2, 2)
    code, doc, _ = _run(config, "audit", "checkpoint", env=env)
    assert code == 0 and doc["checkpoint"] is None  # 1 event pending, < 2, within 5 minutes
    code, doc, _ = _run(config, "audit", "checkpoint", "--force", env=env)
    assert code == 0 and doc["checkpoint"]["seq"] == 4

    code, doc, _ = _run(config, "audit", "export", env=env)
    assert [(e["seq"], e["action"], e["target"]) for e in doc["events"]] == [
        (1, "account.create", "ada"), (2, "account.create", "bob"), (3, "account.create", "cy"),
        (4, "account.disable", "bob")]
    code, _, text = _run(config, "audit", "export", "--csv", "--from", "2000-01-01", env=env, as_json=False)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert code == 0 and [r["target"] for r in rows] == ["ada", "bob", "cy", "bob"] and rows[3]["hash"]
    code, doc, _ = _run(config, "audit", "export", "--from", "yesterday", env=env)
    assert code == exitcodes.CONFIG and "--from 'yesterday': expected an ISO date" in doc["error"]["message"]

    code, doc, _ = _run(config, "audit", "prune", env=env)  # everything is younger than 5 years
    assert code == 0 and doc["pruned"] == {"events": 0, "anchor_seq": 0}

    engine = store.make_engine(f"sqlite:///{config.parent / 's.db'}")
    with engine.begin() as conn:
        conn.execute(update(audit_event).where(audit_event.c.seq == 2).values(action="account.set_role"))
    engine.dispose()
    code, doc, _ = _run(config, "audit", "verify", env=env)
    assert code == exitcodes.TAMPERED and not doc["ok"]
    assert [(f["seq"], f["kind"]) for f in doc["findings"]] == [(2, "edited")]
    code, _, text = _run(config, "audit", "verify", env=env, as_json=False)
    assert code == exitcodes.TAMPERED and "edited" in text and "does NOT verify" in text


def test_without_the_key(config: Path) -> None:
    env = _env(config, CRMHUB_AUDIT_KEY="")
    result = CliRunner().invoke(app, ["users", "add", "ada", "--role", "admin", "--password-env", "PW", "--config",
                                      str(config)], env=env)
    assert result.exit_code == 0 and "no audit checkpoint was signed" in result.stderr  # the action itself is done
    code, doc, _ = _run(config, "audit", "verify", env=env)
    assert code == exitcodes.CONFIG and "CRMHUB_AUDIT_KEY is not set" in doc["error"]["message"]
