"""``crmhub pipeline health|cycle|warnings|waterfall``: pipeline health and the sales cycle (analytics/pipeline/).

Every command reads the store as of ``--as-of`` (default: now); ``warnings`` also replaces the stored set, which the
write-back reads.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer

from hub import exitcodes
from hub.context import config_option, failures, json_option, open_app
from hub.output import Output

pipeline_app = typer.Typer(no_args_is_help=True, help="Pipeline health, sales cycle, deal warnings, waterfall.")


def _as_of_option() -> Any:
    return typer.Option(None, "--as-of", help="The instant to look from, ISO 8601 (a date is its midnight UTC; "
                                              "default: now).")


def _instant(out: Output, text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        _fail(out, f"--as-of: expected an ISO 8601 date or time such as 2026-06-30, not {text!r}")
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _fail(out: Output, message: str) -> None:
    if out.as_json:
        out.json({"ok": False, "error": {"kind": "config", "message": message}})
    out.error(message)
    raise typer.Exit(exitcodes.CONFIG)


def _days(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


@pipeline_app.command("health")
def health_cmd(
    cohorts: bool = typer.Option(False, "--cohorts", help="Conversion per monthly stage-entry cohort."),
    as_of: str = _as_of_option(),
    config: Path = config_option(),
    as_json: bool = json_option(),
) -> None:
    """Stage conversion on distinct deals (re-entries once, skipped stages passed) and days in each stage."""
    from analytics.pipeline.service import health

    out = Output(as_json=as_json)
    when = _instant(out, as_of)
    with failures(out):
        app = open_app(config, out)
        result = health(app.engine, when, cohorts=cohorts)
    if as_json:
        out.json(result)
        return
    out.table(f"stage conversion as of {when:%Y-%m-%d}",
              ["pipeline", "stage", *(["cohort"] if cohorts else []), "#entered", "#passed", "#lost", "#open",
               "#rate", "#closed rate"],
              [(r["pipeline"], r["stage"], *([r["cohort"]] if cohorts else []), r["entered"], r["passed"],
                r["lost"], r["open"], f"{r['rate']:.1%}",
                "" if r["closed_rate"] is None else f"{r['closed_rate']:.1%}") for r in result["conversion"]])
    out.table("days in stage (Kaplan-Meier; spells still running censored)",
              ["pipeline", "stage", "#spells", "#running", "#median", "#p80", "#naive mean", "#bias"],
              [(r["pipeline"], r["stage"], r["n"], r["n_censored"], _days(r["median"]), _days(r["p80"]),
                _days(r["naive_mean"]), _days(r["naive_bias_days"])) for r in result["stage_days"]])
    for v in result["velocity"]:
        if v["velocity_per_day"] is None:
            out.info("velocity: not enough closed deals in the last 365 days")
            continue
        gains = ", ".join(f"{name} {gain:,.0f}" for name, gain in v["plus_10_percent"].items())
        out.info(f"velocity {v['velocity_per_day']:,.0f}/day = {v['open_deals']:,.0f} open x {v['win_rate']:.1%} "
                 f"won x {v['avg_won_amount']:,.0f} / {v['days_to_win']:.1f} days; +10 % of each lever adds {gains}")
    out.table("quota coverage (open pipeline closing this period / quota remaining)",
              ["owner", "period", "#quota", "#won", "#remaining", "#pipeline", "#coverage"],
              [(c["owner_id"], f"{c['period_start']}..{c['period_end']}", c["quota"], c["won"], c["remaining"],
                c["pipeline"], "" if c["coverage"] is None else f"{c['coverage']:.2f}x") for c in result["coverage"]])


@pipeline_app.command("cycle")
def cycle_cmd(
    by: str = typer.Option(None, help="pipeline | segment | owner_id (default: all deals together)."),
    as_of: str = _as_of_option(),
    config: Path = config_option(),
    as_json: bool = json_option(),
) -> None:
    """Days from creation to close: Kaplan-Meier median and p80 (open deals censored), the won share and time to win
    (Aalen-Johansen, lost deals competing), and the naive mean of closed deals with its bias."""
    from analytics.pipeline.cycle import DIMENSIONS
    from analytics.pipeline.service import sales_cycle

    out = Output(as_json=as_json)
    if by is not None and by not in DIMENSIONS:
        _fail(out, f"--by must be one of {', '.join(DIMENSIONS)}, not {by!r}")
    when = _instant(out, as_of)
    with failures(out):
        app = open_app(config, out)
        result = sales_cycle(app.engine, when, by=by)
    if as_json:
        out.json(result)
        return
    key = by or "group"
    out.table(f"sales cycle in days as of {when:%Y-%m-%d}",
              [key, "#deals", "#open", "#median", "#p80", "#won share", "#days to win", "#naive mean", "#bias"],
              [(r[key], r["n"], r["n_censored"], _days(r["median"]), _days(r["p80"]),
                "" if r["event_share"] is None else f"{r['event_share']:.1%}", _days(r["event_median"]),
                _days(r["naive_mean"]), _days(r["naive_bias_days"])) for r in result["cycle"]])


@pipeline_app.command("warnings")
def warnings_cmd(
    dry_run: bool = typer.Option(False, "--dry-run", help="Compute and show, keep the stored warnings as they are."),
    as_of: str = _as_of_option(),
    config: Path = config_option(),
    as_json: bool = json_option(),
) -> None:
    """Deal warnings against stage norms (stalled, ghosted, overdue, pushed, few or no senior contacts); replaces
    the stored set in one transaction."""
    from analytics.pipeline.service import refresh_warnings

    out = Output(as_json=as_json)
    when = _instant(out, as_of)
    with failures(out):
        app = open_app(config, out)
        result = refresh_warnings(app.engine, when, save=not dry_run)
    if as_json:
        out.json(result)
        return
    out.table(f"deal warnings as of {when:%Y-%m-%d}", ["deal", "kind", "reason"],
              [(w["opportunity_id"], w["kind"], w["reason"]) for w in result["warnings"]])
    counts = ", ".join(f"{n:,} {kind}" for kind, n in result["by_kind"].items()) or "none"
    out.info(f"{result['open_deals']:,} open deals; warnings: {counts}"
             + ("" if dry_run else f"; {result['stored']:,} stored"))


@pipeline_app.command("waterfall")
def waterfall_cmd(
    period: str = typer.Option("quarter", help="month | quarter: the one containing --as-of."),
    by: str = typer.Option("owner_id", help="owner_id | segment | pipeline"),
    as_of: str = _as_of_option(),
    config: Path = config_option(),
    as_json: bool = json_option(),
) -> None:
    """How the period's pipeline (open deals expected to close in it) moved: start, created, increased, decreased,
    slipped in and out, won, lost, end; each row reconciles exactly (``check`` 0)."""
    from analytics.pipeline.cycle import DIMENSIONS
    from analytics.pipeline.service import pipeline_waterfall
    from analytics.pipeline.waterfall import STEPS

    out = Output(as_json=as_json)
    if period not in ("month", "quarter"):
        _fail(out, f"--period must be month or quarter, not {period!r}")
    if by not in DIMENSIONS:
        _fail(out, f"--by must be one of {', '.join(DIMENSIONS)}, not {by!r}")
    when = _instant(out, as_of)
    with failures(out):
        app = open_app(config, out)
        result = pipeline_waterfall(app.engine, when, period=period, by=by)
    if as_json:
        out.json(result)
        return
    out.table(f"pipeline waterfall, {period} from {result['start']:%Y-%m-%d} through {result['through']:%Y-%m-%d}",
              [by, *(f"#{step}" for step in STEPS), "#check"],
              [(r[by], *(r[step] for step in STEPS), r["check"]) for r in result["rows"]])
