"""``crmhub kpi refresh [--full]``: materialise the computed KPIs into kpi_value (incremental unless --full).

The service is sync/kpi_refresh.py (the one ``crmhub sync`` and the scheduler call after their runs); this prints
what it did. Exit 1 when a KPI failed (the others are written), 6 when another process holds the refresh.
"""

from __future__ import annotations

from pathlib import Path

import typer

from hub import exitcodes
from hub.context import config_option, failures, json_option, open_app
from hub.output import Output
from sync.kpi_refresh import refresh_kpis


def refresh_command(
    full: bool = typer.Option(False, "--full", help="Recompute every computed KPI, changed or not."),
    config: Path = config_option(),
    as_json: bool = json_option(),
) -> None:
    """Recompute the KPIs whose inputs changed since the last refresh (every one with --full) into kpi_value."""
    out = Output(as_json=as_json)
    with failures(out):
        app = open_app(config, out)
        outcome = refresh_kpis(app.engine, app.cfg, full=full)
    report = outcome.report
    code = exitcodes.LOCKED if outcome.status == "locked" else (
        exitcodes.RECORDS_FAILED if report is not None and report.failed else exitcodes.OK)
    if as_json:
        out.json({"ok": code == exitcodes.OK, **outcome.as_dict()})
        raise typer.Exit(code)
    out.info(outcome.line())
    if report is not None:
        if report.changed:
            out.info(f"changed since the last refresh: {', '.join(report.changed)}")
        for kpi, why in sorted(report.failed.items()):
            out.error(f"{kpi}: {why}")
        for warning in (w for found in report.warnings.values() for w in found):
            out.info(f"[yellow]warning[/] {warning}")
        if report.rates is not None:
            for warning in report.rates.warnings:
                out.info(f"[yellow]rates[/] {warning}")
    raise typer.Exit(code)
