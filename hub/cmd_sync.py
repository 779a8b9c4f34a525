"""``crmhub sync``: run streams with a Rich progress bar and a summary (or ``--json``); exit 1 if anything failed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from hub import exitcodes
from hub.cmd_kpi_refresh import kpi_progress
from hub.context import App, settings
from hub.output import Output
from quality.checker import QualityChecker
from quality.suite import load_suites
from sync.counts import Counts
from sync.kpi_refresh import RefreshOutcome, refresh_after_sync
from sync.runner import Stream, plan_sync, run_plan, validate_mappings
from sync.stream import RunSummary
from sync.tokens import token_options


def sync_command(app: App, *, connections: Sequence[str], objects: Sequence[str], full_refresh: bool,
                 client_options: dict[str, Any] | None = None, validate: bool = True) -> tuple[list[RunSummary], int]:
    plan = plan_sync(app.cfg, connections=connections or None, objects=objects or None,
                     client_options={**token_options(app.engine, settings().secret_key), **(client_options or {})})
    try:
        if validate:
            validate_mappings(plan)
        checker = QualityChecker(load_suites(overrides=app.cfg.quality))
        if app.out.as_json:
            summaries = run_plan(plan, engine=app.engine, checker=checker, full_refresh=full_refresh)
        else:
            with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(bar_width=None),
                          TextColumn("{task.fields[counts]}"), TimeElapsedColumn(),
                          console=app.out.console, transient=False) as bar:
                summaries = run_plan(plan, engine=app.engine, checker=checker, full_refresh=full_refresh,
                                     progress=_progress(bar))
    finally:
        plan.close()
    return summaries, exit_code(summaries)


def kpi_refresh_after(app: App, summaries: Sequence[RunSummary]) -> RefreshOutcome:
    """kpi_value follows what the runs changed (sync/kpi_refresh.py), with a progress bar; a failed refresh is
    reported, never raised."""
    with kpi_progress(app.out) as progress:
        return refresh_after_sync(app.engine, app.cfg, summaries, progress=progress)


def print_kpi_refresh(out: Output, outcome: RefreshOutcome) -> None:
    if outcome.status not in ("disabled", "not_needed"):
        (out.error if outcome.status == "failed" else out.info)(outcome.line())


def _progress(bar: Progress) -> Callable[[Stream], Callable[[Counts], None]]:
    def for_stream(stream: Stream) -> Callable[[Counts], None]:
        task = bar.add_task(f"{stream.connector.name}/{stream.spec.name}", total=None, counts="")

        def update(c: Counts) -> None:
            bar.update(task, counts=f"read {c.read:,} · upserted {c.upserted:,} · quarantined {c.quarantined:,} · "
                                    f"deleted {c.deleted:,}")

        return update

    return for_stream


def exit_code(summaries: Sequence[RunSummary]) -> int:
    """The most actionable outcome: a budget stop, then failed runs or records (3 when every failure is refused
    credentials), then streams another process held, then success."""
    if any(s.status == "stopped" for s in summaries):
        return exitcodes.BUDGET
    failed = [s for s in summaries if not s.ok and s.status != "locked"]
    if any(s.error_kind != "auth" for s in failed):
        return exitcodes.RECORDS_FAILED
    if failed:
        return exitcodes.AUTH
    if any(s.status == "locked" for s in summaries):
        return exitcodes.LOCKED
    return exitcodes.OK


def print_summaries(app: App, summaries: Sequence[RunSummary]) -> None:
    out = app.out
    out.table("sync runs", ["run", "stream", "status", "#read", "#upserted", "#unchanged", "#quarantined", "#failed",
                            "#deleted", "#api calls", "seconds"],
              [(s.run_id, f"{s.connection}/{s.object}", s.status, s.counts.read, s.counts.upserted,
                s.counts.unchanged, s.counts.quarantined, s.counts.failed, s.counts.deleted, s.api_calls,
                round(s.seconds, 2)) for s in summaries])
    for s in summaries:
        if s.error:
            out.error(f"{s.connection}/{s.object}: {s.error}")
        for note in s.notes:
            out.info(f"[yellow]note[/] {s.connection}/{s.object}: {note}")
    quarantined = sum(s.counts.quarantined for s in summaries)
    if quarantined:
        out.info(f"[yellow]{quarantined:,} record(s) quarantined[/] — see `crmhub quality report` for the rules and "
                 f"examples; fix the data in the CRM (the next sync picks it up), or change the rule under "
                 f"`quality.<entity>.<rule>` in crmhub.yaml and run `crmhub quality replay`.")
