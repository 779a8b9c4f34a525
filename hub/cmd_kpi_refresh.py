"""``crmhub kpi refresh [--full]``: materialise the computed KPIs into kpi_value (incremental unless --full).

The service is sync/kpi_refresh.py (the one ``crmhub sync`` and the scheduler call after their runs); this prints
what it did. Exit 1 when a KPI failed (the others are written), 6 when another process holds the refresh.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from analytics.kpi.refresh import Progress as RefreshProgress
from hub import exitcodes
from hub.context import config_option, failures, json_option, open_app
from hub.output import Output
from sync.kpi_refresh import refresh_kpis


@contextmanager
def kpi_progress(out: Output) -> Iterator[RefreshProgress | None]:
    """A Rich progress bar fed by a refresh (KPI x grain steps done of those to do, the last grain), shown from
    its first grain: a refresh with nothing to recompute shows none. None under --json."""
    if out.as_json:
        yield None
        return
    bar = Progress(SpinnerColumn(), TextColumn("refreshing kpi_value"), BarColumn(bar_width=None),
                   MofNCompleteColumn(), TextColumn("{task.fields[kpi]}"), TimeElapsedColumn(), console=out.console)
    task = bar.add_task("kpi_value", total=None, kpi="")

    def tell(done: int, total: int, code: str) -> None:
        if not bar.live.is_started:
            bar.start()
        bar.update(task, completed=done, total=total, kpi=code)

    try:
        yield tell
    finally:
        if bar.live.is_started:
            bar.stop()


def refresh_command(
    full: bool = typer.Option(False, "--full", help="Recompute every computed KPI, changed or not."),
    config: Path = config_option(),
    as_json: bool = json_option(),
) -> None:
    """Recompute the KPIs whose inputs changed since the last refresh (every one with --full) into kpi_value."""
    out = Output(as_json=as_json)
    with failures(out):
        app = open_app(config, out)
        with kpi_progress(out) as progress:
            outcome = refresh_kpis(app.engine, app.cfg, full=full, progress=progress)
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
