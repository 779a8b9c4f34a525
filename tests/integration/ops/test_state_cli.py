"""``crmhub state show|reset|set``: the saved cursor of a stream after a real sync, a reset that makes the next
sync re-read everything (asked first unless --yes), a state that must be a JSON object, and errors naming the
unknown connection or object."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

import store
from access import list_events
from hub import exitcodes
from hub.cli import app
from sandbox.common.launcher import SandboxProcess
from sync.locks import stream_lock
from tests.support.ops_config import write_config


def _cli(*args: str, input: str | None = None) -> tuple[int, dict[str, Any], str]:
    result = CliRunner().invoke(app, list(args), input=input)
    body = json.loads(result.stdout) if "--json" in args and result.stdout.strip() else {}
    return result.exit_code, body, result.stderr


def test_show_reset_and_set_a_streams_state(hubspot: SandboxProcess, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crmhub.db'}"
    config = str(write_config(tmp_path / "crmhub.yaml", hubspot, url))
    code, synced, _ = _cli("sync", "hs_ops", "--object", "owners", "--config", config, "--json")
    assert code == 0
    first_read = synced["runs"][0]["counts"]["read"]

    code, shown, _ = _cli("state", "show", "hs_ops", "owners", "--config", config, "--json")
    assert code == 0 and shown["ok"] and shown["saved"] and shown["run_id"] == synced["runs"][0]["run_id"]
    assert isinstance(shown["state"], dict) and "watermark" in shown

    # Declined: nothing changes.
    code, _, err = _cli("state", "reset", "hs_ops", "owners", "--config", config, input="n\n")
    assert code == 1 and "reset the state of hs_ops/owners?" in err
    assert _cli("state", "show", "hs_ops", "owners", "--config", config, "--json")[1]["saved"]

    code, reset, _ = _cli("state", "reset", "hs_ops", "owners", "--yes", "--config", config, "--json")
    assert code == 0 and reset["saved"] is False and reset["deleted"]["saved"] is True
    code, again, _ = _cli("sync", "hs_ops", "--object", "owners", "--config", config, "--json")
    assert code == 0 and again["runs"][0]["counts"]["read"] == first_read  # re-read from the start

    code, _, err = _cli("state", "set", "hs_ops", "owners", "[1, 2]", "--config", config)
    assert code == 2 and "hs_ops" in err and "owners" in err and "must be a JSON object" in err and "array" in err
    code, _, err = _cli("state", "set", "hs_ops", "owners", "{after: 1}", "--config", config)
    assert code == 2 and "not JSON" in err
    code, _, err = _cli("state", "set", "hs_ops", "owners", "{}", "--watermark", "2024-05-01", "--config", config)
    assert code == 2 and "offset" in err

    code, done, _ = _cli("state", "set", "hs_ops", "owners", '{"after": "42"}', "--watermark",
                         "2024-05-01T00:00:00Z", "--config", config, "--json")
    assert code == 0 and done["state"] == {"after": "42"} and done["previous"]["saved"] is True
    shown = _cli("state", "show", "hs_ops", "owners", "--config", config, "--json")[1]
    assert (shown["state"], shown["watermark"], shown["run_id"]) == ({"after": "42"}, "2024-05-01T00:00:00+00:00",
                                                                     None)
    engine = store.make_engine(url)
    with engine.connect() as conn:
        assert store.load_cursor(conn, connection="hs_ops", object="owners")[1] == {"after": "42"}
    # the two changes are audited (the declined reset and the refused sets are not)
    assert [(e.action, e.actor, e.target, e.after) for e in reversed(list_events(engine))] == [
        ("state.reset", "cli", "hs_ops/owners", {"had_state": True}),
        ("state.set", "cli", "hs_ops/owners", {"state_keys": ["after"], "watermark": "2024-05-01T00:00:00Z"})]
    engine.dispose()


def test_unknown_connection_or_object_is_named(hubspot: SandboxProcess, tmp_path: Path) -> None:
    config = str(write_config(tmp_path / "crmhub.yaml", hubspot, f"sqlite:///{tmp_path / 'crmhub.db'}"))
    code, body, err = _cli("state", "show", "hs_opz", "owners", "--config", config, "--json")
    assert code == 2 and body["ok"] is False and "hs_opz" in err and "hs_ops" in err
    code, _, err = _cli("state", "reset", "hs_ops", "contact", "--yes", "--config", config)
    assert code == 2 and "'contact'" in err and "did you mean 'contacts'" in err and "owners" in err


def test_a_running_stream_keeps_its_state(hubspot: SandboxProcess, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crmhub.db'}"
    config = str(write_config(tmp_path / "crmhub.yaml", hubspot, url))
    engine = store.make_engine(url)
    store.ensure_schema(engine)
    with stream_lock(engine, "hs_ops", "owners") as held:
        assert held
        code, _, err = _cli("state", "reset", "hs_ops", "owners", "--yes", "--config", config)
    assert code == exitcodes.LOCKED and "running now" in err
    engine.dispose()
