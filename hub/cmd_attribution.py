"""``crmhub attribution [--model ...] [--window ...]`` and ``crmhub attribution roi``: multi-touch attribution.

The journeys, models and ROI are services (``analytics.attribution.report``); these commands print them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from hub import exitcodes
from hub.context import config_option, failures, json_option, open_app
from hub.output import Output

attribution_app = typer.Typer(invoke_without_command=True,
                              help="Multi-touch attribution of pipeline and revenue to channels; source ROI.")


def _fail(out: Output, message: str) -> None:
    if out.as_json:
        out.json({"ok": False, "error": {"kind": "config", "message": message}})
    out.error(message)
    raise typer.Exit(exitcodes.CONFIG)


@attribution_app.callback()
def attribution_cmd(
    ctx: typer.Context,
    model: str = typer.Option("all", help="first | last | linear | time_decay | u | w | full_path | markov | "
                                          "shapley | all (all: every model side by side)."),
    window: str = typer.Option("pipeline", help="pipeline (touches before an opportunity's creation) | revenue "
                                                "(touches before a won or lost deal's close)."),
    channel_by: str = typer.Option("kind", "--channel-by", help="kind (the activity type) | campaign (the "
                                                                "campaign's type where a touch has one)."),
    half_life: float = typer.Option(7.0, "--half-life", help="time_decay: days for a touch's weight to halve."),
    markov_order: int = typer.Option(1, "--markov-order", help="markov: how many past channels a state holds."),
    lookback: int = typer.Option(365, "--lookback", help="Days of touches before the window's end."),
    config: Path = config_option(),
    as_json: bool = json_option(),
) -> None:
    """Attributed conversions and value per channel under one model, or a comparison across every model."""
    if ctx.invoked_subcommand is not None:
        return
    from analytics.attribution.credit import ModelSettings
    from analytics.attribution.load import JourneyOptions
    from analytics.attribution.report import attribution_report

    out = Output(as_json=as_json)
    try:
        options = JourneyOptions(window=window, channel_by=channel_by, lookback_days=lookback)
        settings = ModelSettings(half_life_days=half_life, markov_order=markov_order)
    except ValueError as exc:
        _fail(out, str(exc))
        return
    with failures(out):
        app = open_app(config, out)
        try:
            doc = attribution_report(app.engine, model=model, options=options, settings=settings)
        except ValueError as exc:
            _fail(out, str(exc))
            return
    if as_json:
        out.json(doc)
        return
    _print_report(out, doc)


def _print_report(out: Output, doc: dict[str, Any]) -> None:
    out.info(f"{doc['journeys']:,} journeys ({doc['converting']:,} converting, {doc['touches']:,} touches) in the "
             f"{doc['window']} window; attributed value {doc['value']:,.2f}")
    models = [m["model"] for m in doc["models"]]
    out.table(f"attributed conversions per channel ({doc['window']})", ["channel", *models],
              [(c["channel"], *(c[m]["conversions"] for m in models)) for c in doc["channels"]], numeric=models)
    out.table(f"attributed value per channel ({doc['window']})", ["channel", *models],
              [(c["channel"], *(c[m]["value"] for m in models)) for c in doc["channels"]], numeric=models)
    for m in doc["models"]:
        if m["model"] == "shapley" and m["details"]["method"] == "sampled":
            out.info(f"shapley: sampled over {m['details']['permutations']:,} permutations of "
                     f"{m['details']['channels']} channels; standard errors in --json")


@attribution_app.command("roi")
def roi_cmd(
    model: str = typer.Option("linear", help="The model that attributes pipeline and revenue to campaigns."),
    channel_by: str = typer.Option("kind", "--channel-by", help="kind | campaign"),
    lookback: int = typer.Option(365, "--lookback", help="Days of touches before the window's end."),
    config: Path = config_option(),
    as_json: bool = json_option(),
) -> None:
    """Per campaign and lead source: attributed pipeline and revenue, cost, ROI, conversion rates (Wilson 95 %)."""
    from analytics.attribution.report import roi_report

    out = Output(as_json=as_json)
    with failures(out):
        app = open_app(config, out)
        try:
            doc = roi_report(app.engine, model=model, channel_by=channel_by, lookback_days=lookback)
        except ValueError as exc:
            _fail(out, str(exc))
            return
    if as_json:
        out.json(doc)
        return
    out.table(f"campaign ROI ({doc['model']})",
              ["campaign", "type", "#members", "response rate (95 %)", "#pipeline", "#revenue", "#cost", "#ROI"],
              [(c["name"] or c["campaign_id"], c["type"], c["members"], _rate(c["response_rate"]), c["pipeline"],
                c["revenue"], c["actual_cost"], c["revenue_roi"]) for c in doc["campaigns"]])
    out.table(f"lead sources ({doc['model']})", ["source", "#leads", "conversion rate (95 %)", "#pipeline",
                                                 "#revenue"],
              [(s["source"], s["leads"], _rate(s["conversion_rate"]), s["pipeline"], s["revenue"])
               for s in doc["sources"]])
    out.info(doc["note"])


def _rate(rate: dict[str, Any]) -> str:
    if rate["rate"] is None:
        return "n/a"
    return f"{rate['rate']:.1%} ({rate['low']:.1%}-{rate['high']:.1%})"
