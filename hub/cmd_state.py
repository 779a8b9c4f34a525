"""``crmhub state show|reset|set CONN OBJECT``: a stream's saved cursor (the logic is in sync/state.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from hub.cmd_audit import audit_cli
from hub.context import config_option, failures, json_option, open_app
from hub.output import Output

state_app = typer.Typer(no_args_is_help=True, help="A stream's saved cursor: show it, reset it, set it.")


@state_app.command("show")
def show_cmd(connection: str, object_: str = typer.Argument(..., metavar="OBJECT"), config: Path = config_option(),
             as_json: bool = json_option()) -> None:
    """Print the saved cursor (watermark and connector state) the next incremental run starts from."""
    from sync.state import show_state

    out = Output(as_json=as_json)
    with failures(out):
        app = open_app(config, out)
        doc = show_state(app.engine, app.cfg, connection, object_)
    out.json({"ok": True, **doc}) if as_json else _print(out, doc)


@state_app.command("reset")
def reset_cmd(connection: str, object_: str = typer.Argument(..., metavar="OBJECT"),
              yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
              config: Path = config_option(), as_json: bool = json_option()) -> None:
    """Delete the saved cursor: the next sync of the stream re-reads everything."""
    from sync.state import reset_state, show_state

    out = Output(as_json=as_json)
    with failures(out):
        app = open_app(config, out)
        show_state(app.engine, app.cfg, connection, object_)  # an unknown stream fails before the question
        if not yes:
            typer.confirm(f"reset the state of {connection}/{object_}? its next sync re-reads everything",
                          abort=True, err=True)
        doc = reset_state(app.engine, app.cfg, connection, object_)
        audit_cli(app.engine, out, action="state.reset", target=f"{connection}/{object_}",
                  after={"had_state": bool(doc["deleted"]["saved"])})
    if as_json:
        out.json({"ok": True, **doc})
    elif doc["deleted"]["saved"]:
        out.info(f"{connection}/{object_}: state deleted; the next sync re-reads everything "
                 f"(it was: {_summary(doc['deleted'])})")
    else:
        out.info(f"{connection}/{object_}: there was no saved state; the next sync reads everything")


@state_app.command("set")
def set_cmd(connection: str, object_: str = typer.Argument(..., metavar="OBJECT"),
            state: str = typer.Argument(..., help='The connector state, a JSON object, e.g. \'{"after": "123"}\'.'),
            watermark: str = typer.Option(None, "--watermark",
                                          help="ISO 8601 instant with an offset; default: keep the saved one."),
            config: Path = config_option(), as_json: bool = json_option()) -> None:
    """Replace the saved cursor's state (and, with --watermark, its watermark)."""
    from sync.state import set_state

    out = Output(as_json=as_json)
    with failures(out):
        app = open_app(config, out)
        doc = set_state(app.engine, app.cfg, connection, object_, state, watermark)
        # the keys only: a connector's state holds paging tokens and links, not for an audit document
        audit_cli(app.engine, out, action="state.set", target=f"{connection}/{object_}",
                  after={"state_keys": sorted(doc["state"] or {}), "watermark": watermark})
    out.json({"ok": True, **doc}) if as_json else _print(out, doc)


def _print(out: Output, doc: dict[str, Any]) -> None:
    stream = f"{doc['connection']}/{doc['object']}"
    if not doc["saved"]:
        out.info(f"{stream}: no saved state; the next sync reads everything")
        return
    out.info(f"{stream}: {_summary(doc)}")


def _summary(doc: dict[str, Any]) -> str:
    watermark = doc["watermark"].isoformat() if doc["watermark"] is not None else "none"
    by = f"run {doc['run_id']}" if doc["run_id"] is not None else "crmhub state set"
    return (f"watermark {watermark}, state {json.dumps(doc['state'], sort_keys=True)} "
            f"(saved by {by} at {doc['updated_at'].isoformat(timespec='seconds')})")
