"""``crmhub score leads|deals|models`` and ``crmhub forecast [adjust|adjustments]``: scoring and forecasting.

Scores, models and forecasts land in the store (analytics/); write-back reads them from there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import typer

from hub import exitcodes
from hub.context import config_option, failures, json_option, open_app
from hub.output import Output

score_app = typer.Typer(no_args_is_help=True, help="Lead scores and deal win probabilities.")
forecast_app = typer.Typer(invoke_without_command=True, help="Revenue forecast per rep, team and company.")


@contextmanager
def _status(out: Output, message: str) -> Iterator[Callable[[str], None]]:
    """A Rich spinner for long work (on stderr with --json); yields a function that updates its text. Where the
    console is no terminal (a log, a pipe, CI) a spinner shows nothing: each step is a line on stderr instead."""
    if not out.console.is_terminal:
        out.note(message)
        yield out.note
        return
    with out.console.status(message) as status:
        yield lambda text: status.update(text)


def _trained_lines(out: Output, trained: dict[str, Any], what: str) -> None:
    """What training gave, in words: the figures, and why a version was not made active."""
    m = trained["metrics"]
    out.info(f"trained {trained['version']} on {trained['n_train']:,} {what}: {m['folds']}-fold AUC {m['auc']:.3f}, "
             f"Brier {m['brier']:.3f} (base rate {m['brier_base_rate']:.3f}), {m['seconds']:.0f} s")
    if trained["rejected"]:
        keeps = trained["active_version"] or "the rule model"
        out.warning(f"{trained['version']} was not activated: {'; '.join(trained['rejected'])}. {keeps} keeps "
                    "scoring")


def _fail(out: Output, message: str, code: int) -> None:
    if out.as_json:
        out.json({"ok": False, "error": {"kind": "scoring", "message": message}})
    out.error(message)
    raise typer.Exit(code)


@score_app.command("leads")
def score_leads_cmd(
    train: bool = typer.Option(False, "--train", help="Retrain the conversion model first (needs labelled leads)."),
    entity: str = typer.Option(None, help="lead | contact (default: both)."),
    algorithm: str = typer.Option("auto", help="auto | hgb | catboost | logistic (auto: chosen by inner CV on at "
                                               "most 4,000 training rows per fold)."),
    config: Path = config_option(),
    as_json: bool = json_option(),
) -> None:
    """Score every live lead and contact: 0-100 with sub-scores, grade, reasons, model version, validity."""
    from analytics.scoring import PEOPLE, NotEnoughLabels, ScoringOptions, score_people, train_lead_model

    out = Output(as_json=as_json)
    if entity is not None and entity not in PEOPLE:
        _fail(out, f"--entity must be lead or contact, not {entity!r}", exitcodes.CONFIG)
    with failures(out):
        app = open_app(config, out)
        options = ScoringOptions.from_settings(app.cfg.scoring)
        trained: dict[str, Any] | None = None
        with _status(out, "scoring leads") as say:
            if train:
                try:
                    trained = train_lead_model(app.engine, options=options, algorithm=algorithm, progress=say)
                except NotEnoughLabels as exc:
                    _fail(out, str(exc), exitcodes.RECORDS_FAILED)
            run = score_people(app.engine, options=options, entities=[entity] if entity else PEOPLE, progress=say)
    warning = run.nothing_scored
    if as_json:
        out.json({"ok": warning is None, "trained": trained, **run.as_dict(),
                  **({"warning": warning} if warning else {})})
    else:
        if trained:
            _trained_lines(out, trained, "leads")
            for name, why in trained["left_out"].items():
                if not why.startswith("no information"):
                    out.info(f"left out {name}: {why}")
            if trained["still_open"]:
                out.info(f"{trained['still_open']:,} unconverted leads are still open (scoring.labels): not used")
        for one in run.runs:
            if one.scored:
                out.table(f"{one.entity} scores ({one.model_version})", ["grade", "#records"],
                          sorted(one.grades.items()))
        out.info(", ".join(f"scored {one.scored:,} {one.entity}s" for one in run.runs)
                 + f" in {sum(sum(one.seconds.values()) for one in run.runs):.1f} s")
        if warning:
            out.warning(warning)
    if warning:
        raise typer.Exit(exitcodes.RECORDS_FAILED)


@score_app.command("deals")
def score_deals_cmd(
    train: bool = typer.Option(False, "--train", help="Retrain the win model on closed deals first."),
    algorithm: str = typer.Option("auto", help="auto | hgb | catboost | logistic"),
    config: Path = config_option(),
    as_json: bool = json_option(),
) -> None:
    """Win probability for every open deal, with reasons; reports the tracked accuracy on closed deals."""
    from analytics import deals

    out = Output(as_json=as_json)
    with failures(out):
        app = open_app(config, out)
        trained = None
        with _status(out, "scoring deals") as say:
            if train:
                try:
                    trained = deals.train(app.engine, algorithm=algorithm, progress=say,
                                          exclude=app.cfg.scoring.exclude_deal_features)
                except ValueError as exc:
                    _fail(out, str(exc), exitcodes.RECORDS_FAILED)
            result = deals.score(app.engine, validity_hours=app.cfg.scoring.validity_hours,
                                 top=app.cfg.scoring.top_reasons, progress=say)
    if as_json:
        out.json({"ok": True, "trained": trained, **result})
        return
    if trained:
        _trained_lines(out, trained, "closed deals")
    out.info(f"scored {result['scored']:,} open deals with {result['model_version']}; "
             f"{deals.accuracy_text(result['tracked_accuracy'])}")


@score_app.command("models")
def models_cmd(kind: str = typer.Option(None, help="lead | deal | forecast"), config: Path = config_option(),
               as_json: bool = json_option()) -> None:
    """Model versions in the store: features, training window, metrics, which one is active."""
    from analytics.registry import list_models

    out = Output(as_json=as_json)
    with failures(out):
        app = open_app(config, out)
        with app.engine.connect() as conn:
            models = [m.as_dict() for m in list_models(conn, kind)]
    if as_json:
        out.json({"models": models})
        return
    out.table("models", ["version", "kind", "algorithm", "status", "#trained on", "AUC", "created"],
              [(m["version"], m["kind"], m["algorithm"], m["status"], m["n_train"], m["metrics"].get("auc"),
                m["created_at"]) for m in models])


@forecast_app.callback()
def forecast_cmd(
    ctx: typer.Context,
    period: str = typer.Option("month", help="month | quarter"),
    periods: int = typer.Option(2, min=1, max=12, help="The current period and the following ones."),
    backtest: bool = typer.Option(False, "--backtest", help="Also backtest month by month against two baselines."),
    config: Path = config_option(),
    as_json: bool = json_option(),
) -> None:
    """Forecast won revenue per rep, team and company with p10/p50/p90; stored with its model version."""
    if ctx.invoked_subcommand is not None:
        return
    from analytics import forecast
    from analytics.deals import load

    out = Output(as_json=as_json)
    if period not in ("month", "quarter"):
        _fail(out, f"--period must be month or quarter, not {period!r}", exitcodes.CONFIG)
    with failures(out):
        app = open_app(config, out)
        with _status(out, "forecasting"):
            result = forecast.run_forecast(app.engine, period_kind=period, periods=periods)
            tested = None
            if backtest:
                with app.engine.connect() as conn:
                    tested = forecast.backtest(load(conn))
                forecast.record_backtest(app.engine, tested)
    if as_json:
        out.json({"ok": True, **result, "backtest": tested})
        return
    out.table(f"forecast by {period} ({result['model_version']})",
              ["period", "level", "key", "#expected", "#p10", "#p90", "#adjusted"],
              [(r["period_start"], r["level"], r["key"], r["expected"], r["p10"], r["p90"], r["adjusted"])
               for r in result["rows"] if r["level"] != "rep"])
    for note in result["notes"]:
        out.warning(note)
    if tested and tested.get("note"):
        out.warning(f"backtest: {tested['note']}")
    elif tested:
        out.table("backtest", ["method", "#MAPE", "#MAE", "#bias"],
                  [(name, tested[name].get("mape"), tested[name].get("mae"), tested[name].get("bias"))
                   for name in ("model", "stage_weighted", "last_period")])


@forecast_app.command("adjust")
def adjust_cmd(
    level: str = typer.Argument(..., help="rep | team | company"),
    key: str = typer.Argument(..., help="The rep's id, the team's name, or 'company'."),
    value: float = typer.Argument(..., help="The adjusted forecast."),
    period_start: str = typer.Option(..., "--period-start", help="First day of the period, YYYY-MM-DD."),
    period: str = typer.Option("month", help="month | quarter"),
    reason: str = typer.Option(..., help="Why (kept in the audit trail)."),
    author: str = typer.Option(..., help="Who (kept in the audit trail)."),
    config: Path = config_option(),
    as_json: bool = json_option(),
) -> None:
    """Override a forecast by hand; every adjustment is kept with its author, reason and previous value."""
    from analytics import forecast

    out = Output(as_json=as_json)
    try:
        start = date.fromisoformat(period_start)
    except ValueError:
        _fail(out, f"--period-start must be YYYY-MM-DD, not {period_start!r}", exitcodes.CONFIG)
        return
    with failures(out):
        app = open_app(config, out)
        try:
            row = forecast.adjust(app.engine, period_kind=period, period_start=start, level=level, key=key,
                                  value=value, reason=reason, author=author)
        except ValueError as exc:
            _fail(out, str(exc), exitcodes.CONFIG)
            return
    out.json({"ok": True, "adjustment": row}) if as_json else out.info(
        f"{level} {key} {period} from {start}: {row['previous_value']} -> {value} ({author}: {reason})")


@forecast_app.command("adjustments")
def adjustments_cmd(config: Path = config_option(), as_json: bool = json_option()) -> None:
    """The audit trail of manual forecast adjustments."""
    from analytics import forecast

    out = Output(as_json=as_json)
    with failures(out):
        rows = forecast.adjustments(open_app(config, out).engine)
    if as_json:
        out.json({"adjustments": rows})
        return
    out.table("forecast adjustments", ["when", "author", "period", "level", "key", "#from", "#to", "reason"],
              [(r["created_at"], r["author"], f"{r['period_kind']} {r['period_start']}", r["level"], r["key"],
                r["previous_value"], r["value"], r["reason"]) for r in rows])
