"""``crmhub audit verify|checkpoint|prune|export``: the tamper-evident audit trail. The service is ``access``
(audit_verify, audit_checkpoint, audit_retention); these read settings and options and print."""

from __future__ import annotations

import csv
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import typer
from sqlalchemy import Engine

from access.audit import CLI, Actor, record
from access.audit_checkpoint import AuditKey, Checkpointer, CheckpointPolicy
from access.audit_retention import export, prune
from access.audit_verify import verify
from config import Settings
from errors import ConfigError
from hub import exitcodes
from hub.context import config_option, failures, json_option, open_app, settings
from hub.output import Output

audit_app = typer.Typer(no_args_is_help=True, help="The tamper-evident audit trail: verify, checkpoint, prune, export.")
FILE_HELP = "The append-only JSON-lines file of checkpoints (default: $CRMHUB_AUDIT_FILE)."


def audit_key(s: Settings) -> AuditKey:
    return AuditKey.of(s.audit_key.get_secret_value() if s.audit_key else None)


def checkpointer(engine: Engine, s: Settings, file: Path | None = None) -> Checkpointer:
    policy = CheckpointPolicy(every=s.audit_checkpoint_every, interval=timedelta(minutes=s.audit_checkpoint_minutes),
                              file=file or s.audit_file)
    return Checkpointer(engine, audit_key(s), policy)


def checkpoint_if_due(engine: Engine, out: Output) -> None:
    """After a command that audited something: a checkpoint when one is due; without CRMHUB_AUDIT_KEY a warning
    (the action itself is done and audited)."""
    s = settings()
    if s.audit_key is None or not s.audit_key.get_secret_value():
        out.warning("CRMHUB_AUDIT_KEY is not set: no audit checkpoint was signed (see `crmhub audit checkpoint`)")
        return
    checkpointer(engine, s).write_if_due()


def audit_cli(engine: Engine, out: Output, *, action: str, target: str, after: dict[str, Any] | None = None,
              by: str | None = None) -> None:
    """A change a CLI command made through a service that does not audit it itself: recorded in a transaction of
    its own right after the change (a crash between the two loses the row; the services that audit in the
    change's own transaction, access/, do not have that gap)."""
    with engine.begin() as conn:
        record(conn, at=datetime.now(UTC), actor=Actor(None, by) if by else CLI, action=action, target=target,
               before=None, after=after)
    checkpoint_if_due(engine, out)


def _when(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{option} {value!r}: expected an ISO date or time, e.g. 2026-01-31 or "
                          f"2026-01-31T12:00:00+00:00") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@audit_app.command("verify")
def audit_verify(file: Path = typer.Option(None, "--file", help=FILE_HELP),
                 config: Path = config_option(), as_json: bool = json_option()) -> None:
    """Check the chain and its signed checkpoints; exit 7 naming each row that was edited, deleted, inserted or
    reordered, and a truncated tail."""
    out = Output(as_json=as_json)
    with failures(out):
        s = settings()
        key = audit_key(s)
        report = verify(open_app(config, out).engine, key, file=file or s.audit_file)
    if as_json:
        out.json(report.public())
    else:
        out.info(f"{report.events} events (seq {report.first_seq or '-'} to {report.last_seq}, anchor "
                 f"{report.anchor_seq}), {report.checkpoints} checkpoints"
                 + (f", {report.file_checkpoints} in the file" if report.file_checkpoints is not None else ""))
        out.table(f"Findings: {len(report.findings)}", ["#seq", "kind", "detail"],
                  [(f.seq, f.kind, f.detail) for f in report.findings])
        out.info("the audit trail verifies" if report.ok else "the audit trail does NOT verify")
    if not report.ok:
        raise typer.Exit(exitcodes.TAMPERED)


@audit_app.command("checkpoint")
def audit_checkpoint(force: bool = typer.Option(False, "--force", help="Sign one even when none is due."),
                     file: Path = typer.Option(None, "--file", help=FILE_HELP),
                     config: Path = config_option(), as_json: bool = json_option()) -> None:
    """Sign the chain's head when a checkpoint is due (every $CRMHUB_AUDIT_CHECKPOINT_EVERY events, or any events
    after $CRMHUB_AUDIT_CHECKPOINT_MINUTES): run it from cron or a timer."""
    out = Output(as_json=as_json)
    with failures(out):
        points = checkpointer(open_app(config, out).engine, settings(), file)
        point = points.write() if force else points.write_if_due()
    if as_json:
        out.json({"checkpoint": point.public() if point else None})
    else:
        out.info(f"signed seq {point.seq} ({point.hash[:12]}…)" if point else "no checkpoint due")


@audit_app.command("prune")
def audit_prune(days: int = typer.Option(None, "--days", help="Keep this many days (default: "
                                                              "$CRMHUB_AUDIT_RETENTION_DAYS, 5 years)."),
                config: Path = config_option(), as_json: bool = json_option()) -> None:
    """Delete the events older than the retention period, up to the newest signed checkpoint among them (kept as
    the anchor, so verify still passes)."""
    out = Output(as_json=as_json)
    with failures(out):
        s = settings()
        if days is not None and days < 1:
            raise ConfigError(f"--days {days}: expected at least 1")
        keep = timedelta(days=days or s.audit_retention_days)
        pruned = prune(open_app(config, out).engine, audit_key(s), now=datetime.now(UTC), retention=keep)
    if as_json:
        out.json({"pruned": pruned.public()})
    else:
        out.info(f"pruned {pruned.events} events; the chain now starts after seq {pruned.anchor_seq}")


@audit_app.command("export")
def audit_export(start: str = typer.Option(None, "--from", help="From this UTC date or time (inclusive)."),
                 end: str = typer.Option(None, "--to", help="Up to this UTC date or time (exclusive)."),
                 as_csv: bool = typer.Option(False, "--csv", help="CSV on stdout (one row per event)."),
                 config: Path = config_option(), as_json: bool = json_option()) -> None:
    """The events for an auditor, in chain order, with seq, hashes and names still known (erased ones shown as such)."""
    out = Output(as_json=as_json)
    with failures(out):
        if as_csv and as_json:
            raise ConfigError("--csv and --json: choose one")
        events = [e.public() for e in export(open_app(config, out).engine, start=_when(start, "--from"),
                                             end=_when(end, "--to"))]
    if as_json:
        out.json({"count": len(events), "events": events})
    elif as_csv:
        columns = list(events[0]) if events else ["seq"]
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for event in events:
            writer.writerow({k: json.dumps(v, sort_keys=True) if isinstance(v, dict) else v
                             for k, v in event.items()})
    else:
        out.table(f"Audit events: {len(events)}", ["#seq", "at", "actor", "action", "target"],
                  [(e["seq"], e["at"], e["actor"], e["action"], e["target"]) for e in events])
