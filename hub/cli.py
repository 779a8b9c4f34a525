"""``crmhub``: configure, check, sync and inspect. Every command has ``--json``; exit codes are in hub/exitcodes.py."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from config import ConfigFileError, Settings
from hub import exitcodes
from hub.cmd_access import tokens_app, users_app
from hub.cmd_attribution import attribution_app
from hub.cmd_audit import audit_app
from hub.cmd_identity import duplicates_command, identity_app
from hub.cmd_inspect import (
    check_command,
    discover_command,
    print_discover,
    print_scores,
    print_tables,
    quality_report,
    runs_command,
    tables_command,
)
from hub.cmd_kpi import kpi_app
from hub.cmd_models import models_app
from hub.cmd_pipeline import pipeline_app
from hub.cmd_quality import replay_command
from hub.cmd_route import route_command
from hub.cmd_score import forecast_app, score_app
from hub.cmd_serve import serve_command
from hub.cmd_state import state_app
from hub.cmd_sync import kpi_refresh_after, print_kpi_refresh, print_summaries, sync_command
from hub.cmd_winloss import pricing_command, winloss_command
from hub.context import config_option, failures, json_option, open_app, settings
from hub.metrics import DEFAULT_HOST
from hub.output import Output

app = typer.Typer(no_args_is_help=True, add_completion=False, help="crmhub: CRM connector and sync hub.")
config_app = typer.Typer(no_args_is_help=True, help="Check the configuration.")
db_app = typer.Typer(no_args_is_help=True, help="The canonical store.")
quality_app = typer.Typer(no_args_is_help=True, help="Data quality and quarantine.")
sandbox_app = typer.Typer(no_args_is_help=True, help="The CRM sandboxes (faithful local emulators).")


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        sys.stdout.write(f"crmhub {version('crmhub')}\n")
        raise typer.Exit(exitcodes.OK)


@app.callback()
def main(
    _version: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                  help="Print the installed crmhub version and exit."),
    log_format: str | None = typer.Option(None, "--log-format",
                                          help="Logs on stderr: text, or json (one object per line); default "
                                               "$CRMHUB_LOG_FORMAT or text."),
    log_level: str | None = typer.Option(None, "--log-level",
                                         help="DEBUG, INFO, WARNING or ERROR; default $CRMHUB_LOG_LEVEL or WARNING."),
) -> None:
    """crmhub: CRM connector and sync hub."""
    from hub.logs import FORMATS, LEVELS, configure_logging

    try:
        s: Settings | None = settings()  # the CLI's edge: CRMHUB_* are read here and in open_app, nowhere else
    except ConfigFileError as exc:
        if any(problem.path.startswith("CRMHUB_LOG_") for problem in exc.problems):
            Output(as_json=False).error(str(exc))  # the logs are this callback's job: nobody else would say it
            raise typer.Exit(exitcodes.CONFIG) from None
        s = None  # the command itself reports the bad variable, in its own output shape (--json or not)
    fmt = log_format or (s.log_format if s else "text")
    level = (log_level or (s.log_level if s else "WARNING")).upper()
    if fmt not in FORMATS or level not in LEVELS:
        Output(as_json=False).error(f"--log-format must be one of {', '.join(FORMATS)} and --log-level one of "
                                    f"{', '.join(LEVELS)}")
        raise typer.Exit(exitcodes.CONFIG)
    configure_logging(fmt=fmt, level=level)


def metrics_host_option() -> Any:
    return typer.Option(DEFAULT_HOST, "--metrics-host",
                        help="The address /metrics listens on (0.0.0.0: every interface).")


app.add_typer(config_app, name="config")
app.add_typer(db_app, name="db")
app.add_typer(quality_app, name="quality")
app.add_typer(sandbox_app, name="sandbox")
app.add_typer(score_app, name="score")
app.add_typer(forecast_app, name="forecast")
app.add_typer(attribution_app, name="attribution")
app.add_typer(pipeline_app, name="pipeline")
app.add_typer(identity_app, name="identity")
app.add_typer(state_app, name="state")
app.add_typer(models_app, name="models")
app.add_typer(kpi_app, name="kpi")
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
app.add_typer(audit_app, name="audit")
app.command("serve")(serve_command)
app.command("winloss")(winloss_command)
app.command("pricing")(pricing_command)
app.command("route")(route_command)
quality_app.command("duplicates")(duplicates_command)
quality_app.command("replay")(replay_command)


@app.command()
def init(
    path: Path = typer.Option(Path("crmhub.yaml"), help="Where to write the example config."),
    force: bool = typer.Option(False, help="Overwrite an existing file."),
    as_json: bool = json_option(),
) -> None:
    """Write a commented example crmhub.yaml to start from."""
    from config import example_config

    out = Output(as_json=as_json)
    if path.exists() and not force:
        out.error(f"{path} exists; pass --force to overwrite it")
        raise typer.Exit(exitcodes.CONFIG)
    path.write_text(example_config())
    out.json({"ok": True, "path": str(path)}) if as_json else out.info(
        f"wrote {path}: fill in the connections, then run `crmhub config check`"
    )


@config_app.command("check")
def config_check(config: Path = config_option(), as_json: bool = json_option()) -> None:
    """Validate crmhub.yaml against everything crmhub ships (no network); every problem with its key path."""
    from sync.config_check import check_config_file

    out = Output(as_json=as_json)
    path = config or settings().config
    found = check_config_file(path)
    problems = [p for p in found if p.is_error]
    warnings = [p for p in found if not p.is_error]
    if as_json:
        out.json(
            {
                "ok": not problems,
                "path": str(path),
                "problems": [{"path": p.path, "message": p.message} for p in problems],
                "warnings": [{"path": p.path, "message": p.message} for p in warnings],
            }
        )
    else:
        for p in problems:
            out.error(str(p))
        for p in warnings:
            out.warning(str(p))
        if not problems:
            out.info(f"[green]{path} is valid[/]" + (f" ({len(warnings)} warning(s))" if warnings else ""))
    raise typer.Exit(exitcodes.CONFIG if problems else exitcodes.OK)


@db_app.command("upgrade")
def db_upgrade(config: Path = config_option(), as_json: bool = json_option()) -> None:
    """Apply the store's migrations (they also run on first use)."""
    import store

    out = Output(as_json=as_json)
    with failures(out):
        ctx = open_app(config, out)
        revision = store.current_revision(ctx.engine)
    out.json({"ok": True, "revision": revision}) if as_json else out.info(f"store at revision {revision}")


@app.command()
def check(connection: str, config: Path = config_option(), as_json: bool = json_option()) -> None:
    """Authenticate against a connection with one cheap call."""
    out = Output(as_json=as_json)
    with failures(out):
        result = check_command(open_app(config, out), connection)
    out.json(result) if as_json else out.info(
        f"[green]{connection}: credentials accepted[/] ({result['api_calls']} API call)"
    )


@app.command()
def discover(
    connection: str,
    diff: bool = typer.Option(False, "--diff", help="Fields added, removed or retyped since the last sync."),
    accept: list[str] = typer.Option([], "--accept", help="Accept a pending type change: OBJECT.FIELD or OBJECT."),
    config: Path = config_option(), as_json: bool = json_option(),
) -> None:
    """List the objects and fields of a connection, custom ones included."""
    out = Output(as_json=as_json)
    with failures(out):
        result = discover_command(open_app(config, out), connection, diff=diff, accept=accept)
    out.json(result) if as_json else print_discover(out, result)


@app.command()
def sync(
    connections: list[str] = typer.Argument(None, help="Connections to sync (default: all)."),
    object_: list[str] = typer.Option(None, "--object", "-o", help="Only these objects."),
    full_refresh: bool = typer.Option(False, "--full-refresh", help="Re-read everything from the start."),
    config: Path = config_option(),
    as_json: bool = json_option(),
) -> None:
    """Sync connections into the canonical store (incremental from the saved cursors)."""
    out = Output(as_json=as_json)
    with failures(out):
        ctx = open_app(config, out)
        summaries, code = sync_command(
            ctx, connections=connections or [], objects=object_ or [], full_refresh=full_refresh
        )
        kpis = kpi_refresh_after(ctx, summaries)
    if as_json:
        out.json({"ok": code == exitcodes.OK, "runs": [s.as_dict() for s in summaries], "kpi_refresh": kpis.brief()})
    else:
        print_summaries(ctx, summaries)
        print_kpi_refresh(out, kpis)
    raise typer.Exit(code)


@app.command()
def runs(
    limit: int = typer.Option(20, help="How many recent runs."),
    connection: str = typer.Option(None),
    config: Path = config_option(),
    as_json: bool = json_option(),
) -> None:
    """Recent sync runs with their counts, API calls, duration and errors."""
    out = Output(as_json=as_json)
    with failures(out):
        rows = runs_command(open_app(config, out), limit=limit, connection=connection)
    if as_json:
        out.json({"ok": True, "runs": rows})
        return
    out.table(
        "runs",
        ["run", "stream", "status", "#read", "#upserted", "#unchanged", "#echoes", "#quarantined", "#failed",
         "#deleted", "#api calls", "started", "error"],
        [(r["run_id"], f"{r['connection']}/{r['object']}", r["status"], *(r["counts"][name] for name in (
            "read", "upserted", "unchanged", "echoes", "quarantined", "failed", "deleted")), r["api_calls"],
          r["started_at"], r["error"] or "") for r in rows],
    )


@app.command()
def tables(
    connection: str = typer.Option(None, help="Only this connection's records (and raw tables)."),
    columns: bool = typer.Option(False, "--columns", help="Each raw table's columns and CRM fields too."),
    config: Path = config_option(),
    as_json: bool = json_option(),
) -> None:
    """The store's tables: canonical entities and the typed raw tables of objects no mapping holds, with their rows."""
    out = Output(as_json=as_json)
    with failures(out):
        rows = tables_command(open_app(config, out), connection=connection)
    if as_json:
        out.json({"ok": True, "tables": rows})
        return
    print_tables(out, rows, columns=columns)


@quality_app.command("report")
def quality_report_cmd(config: Path = config_option(), as_json: bool = json_option()) -> None:
    """Quarantined records by rule, source and object, with examples."""
    out = Output(as_json=as_json)
    with failures(out):
        report = quality_report(open_app(config, out))
    if as_json:
        out.json(report)
        return
    out.table(
        "quarantine (open)",
        ["connection", "object", "rule", "#records"],
        [(r["connection"], r["object"], r["rule"], r["count"]) for r in report["summary"]],
    )
    print_scores(out, report["scores"])
    for group in report["examples"]:
        for ex in group["examples"]:
            out.info(
                f"  {group['connection']}/{group['object']} {group['rule']}: record {ex['source_id']}: {ex['message']}"
            )


@sandbox_app.command("serve")
def sandbox_serve(
    name: str,
    scale: int = typer.Option(1000, help="Population size to seed."),
    seed: int = typer.Option(7),
    profile: str = typer.Option("strict", help="strict | unlimited"),
    https_port: int = typer.Option(0),
    http_port: int = typer.Option(0),
    state_dir: Path = typer.Option(Path(".crmhub/sandbox"), help="Certificates and logs."),
    option: list[str] = typer.Option(None, help="KEY=VALUE sandbox options."),
    as_json: bool = json_option(),
) -> None:
    """Serve one CRM sandbox in the foreground; prints its URLs and CA path (one JSON line on stdout)."""
    import sys

    from sandbox.__main__ import main as sandbox_main

    args = [
        name,
        "--seed",
        str(seed),
        "--scale",
        str(scale),
        "--profile",
        profile,
        "--state-dir",
        str(state_dir / name),
        "--https-port",
        str(https_port),
        "--http-port",
        str(http_port),
    ]
    for opt in option or []:
        args += ["--option", opt]
    if not as_json:  # stdout is the sandbox's JSON line either way; this is the people's line on stderr
        sys.stderr.write(f"starting the {name} sandbox (scale {scale}); Ctrl-C stops it\n")
    sandbox_main(args)


@app.command()
def writeback(
    connection: list[str] = typer.Argument(None, help="Connections (default: every one with writeback.enabled)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be sent and why; send nothing."),
    retry: bool = typer.Option(False, "--retry", help="Re-send the retryable failures of earlier write-backs."),
    config: Path = config_option(), as_json: bool = json_option(),
) -> None:
    """Write scores into each CRM: only changed values, one result per record, conflicts never overwritten."""
    from hub.cmd_writeback import writeback_command

    out = Output(as_json=as_json)
    with failures(out):
        summaries, code = writeback_command(open_app(config, out), connections=connection or [], dry_run=dry_run,
                                            retry=retry)
        if as_json:
            out.json({"ok": code == exitcodes.OK, "writebacks": [s.as_dict() for s in summaries]})
        else:
            out.table("write-back", ["stream", "status", "#sent", "#updated", "#unchanged", "#skipped",
                                     "#conflicts", "#failed", "#refused", "#reconciled", "#api calls"],
                      [(f"{s.connection}/{s.object}", s.status, s.sent, s.updated, s.unchanged, s.skipped,
                        s.conflicts, s.failed, s.refused, s.reconciled, s.api_calls) for s in summaries])
            for s in summaries:
                for p in s.preview[:20]:
                    out.info(f"{s.connection}/{s.object} {p['source_id']}: {p['why']} -> {p['values']}")
    raise typer.Exit(code)


@app.command()
def scheduler(config: Path = config_option(), as_json: bool = json_option(),
              metrics_port: int = typer.Option(None, "--metrics-port", help="Serve Prometheus /metrics on this port."),
              metrics_host: str = metrics_host_option(),
              ) -> None:
    """Run every enabled stream on its schedule (APScheduler, one process) until SIGINT/SIGTERM (SIGUSR1: all now)."""
    from hub.cmd_ops import scheduler_command
    from hub.metrics import serve_for

    out = Output(as_json=as_json)
    with failures(out):
        ctx = open_app(config, out)
        serve_for(ctx, metrics_port, metrics_host)
        ids, schedule = scheduler_command(ctx)
        out.json({"ok": True, "jobs": ids, "schedule": schedule}) if as_json else out.info(
            f"scheduler stopped ({len(ids)} jobs)")


@app.command()
def worker(config: Path = config_option(),
           concurrency: int = typer.Option(2, min=1, help="Stream runs at once in this worker."),
           queues: str = typer.Option(None, help="Comma-separated Celery queues (default: the default queue)."),
           metrics_port: int = typer.Option(None, "--metrics-port", help="Serve Prometheus /metrics on this port."),
           metrics_host: str = metrics_host_option(),
           as_json: bool = json_option(),
           ) -> None:
    """A Celery worker for `scheduler.executor: celery` (broker: scheduler.broker_url)."""
    from hub.cmd_ops import worker_command
    from hub.metrics import serve_for

    out = Output(as_json=as_json)
    with failures(out):
        ctx = open_app(config, out)
        serve_for(ctx, metrics_port, metrics_host)
        worker_command(ctx, concurrency=concurrency, queues=queues, quiet=as_json)
    out.json({"ok": True, "stopped": "worker"}) if as_json else out.info("worker stopped")


@app.command()
def metrics(config: Path = config_option(), as_json: bool = json_option()) -> None:
    """Print the Prometheus metrics computed from the store (for a textfile collector run from cron)."""
    from hub.metrics import exposition, samples

    out = Output(as_json=as_json)
    with failures(out):
        text = exposition(open_app(config, out).engine)
    if as_json:
        out.json({"metrics": samples(text)})
    else:
        sys.stdout.write(text)


@app.command("secret-key")
def secret_key(as_json: bool = json_option()) -> None:
    """Print a new key for CRMHUB_SECRET_KEY (encrypts cached OAuth tokens and the web console's TOTP seeds)."""
    from store.tokens import KEY_VARIABLE, new_key

    key = new_key()
    if as_json:
        Output(as_json=True).json({"variable": KEY_VARIABLE, "key": key})
    else:
        sys.stdout.write(f"{key}\n")
        Output(as_json=False).note(f"set it as {KEY_VARIABLE} (e.g. export {KEY_VARIABLE}=...) in every "
                                   f"crmhub process's environment; keep it as secret as the CRM credentials")


@app.command()
def demo(
    scale: int = typer.Option(1000, help="Population size seeded into the sandboxes."),
    workdir: Path = typer.Option(Path(".demo"), help="Where the demo keeps its config and store."),
    crm: list[str] = typer.Option(None, "--crm", help="Only these CRMs (repeatable): hubspot, salesforce, …"),
    as_json: bool = json_option(),
) -> None:
    """Start the sandboxes, sync, edit as a person would, sync again, report against ground truth, then KPIs."""
    from hub.demo import run_demo

    out = Output(as_json=as_json)
    with failures(out):
        code = run_demo(out, scale=scale, workdir=workdir, only=crm or [])
    raise typer.Exit(code)
