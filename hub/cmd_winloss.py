"""``crmhub winloss`` and ``crmhub pricing``: win/loss by competitor, product, territory, segment and rep with
intervals and corrected tests, the controlled model's odds ratios, and discounting (analytics/winloss/)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import typer

from hub import exitcodes
from hub.context import config_option, failures, json_option, open_app
from hub.output import Output


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def _pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f} %"


def _interval(low: float | None, high: float | None) -> str:
    return "" if low is None or high is None else f"{100 * low:.1f}-{100 * high:.1f}"


def _p(value: float | None) -> str:
    return "" if value is None else (f"{value:.2g}" if value < 0.01 else f"{value:.3f}")


def winloss_command(
    by: str = typer.Option("competitor", "--by", help="Comma-separated dimensions: competitor, product, "
                           "territory, region, segment, industry, rep, team (several at once make cells)."),
    from_: datetime = typer.Option(None, "--from", formats=["%Y-%m-%d"], help="First close date (inclusive)."),
    to: datetime = typer.Option(None, "--to", formats=["%Y-%m-%d"], help="Last close date (inclusive)."),
    controls: str = typer.Option("competitor,segment,region", "--controls",
                                 help="The logistic model's factors besides log(amount)."),
    no_model: bool = typer.Option(False, "--no-model", help="Only the table, no logistic model."),
    config: Path = config_option(),
    as_json: bool = json_option(),
) -> None:
    """Win/loss over closed deals: win rate with its Wilson 95 % interval, Fisher's test of each cell against the
    rest with Benjamini-Hochberg q, the empirical-Bayes rate, and odds ratios of win ~ competitor + log(size) +
    segment + region."""
    from analytics.winloss.cells import FDR
    from analytics.winloss.report import winloss_report

    out = Output(as_json=as_json)
    with failures(out):
        app = open_app(config, out)
        try:
            report = winloss_report(app.engine, by, start=_day(from_), end=_day(to),
                                    controls=None if no_model else controls)
        except ValueError as exc:
            if as_json:
                out.json({"ok": False, "error": {"kind": "usage", "message": str(exc)}})
            out.error(str(exc))
            raise typer.Exit(exitcodes.CONFIG) from None
    if as_json:
        out.json(report.as_dict())
        return
    table = report.table
    fill = "no closed deals" if table.competitor_fill_rate is None else _pct(table.competitor_fill_rate)
    rate = _pct(table.wins / table.deals if table.deals else None)
    out.info(f"{table.deals:,} closed deals, {table.wins:,} won ({rate}); competitor recorded on {fill}")
    out.table(f"win/loss by {', '.join(table.dims)} (* BH q < {FDR:.0%})",
              [*table.dims, "#won", "#lost", "#open", "win rate", "95 % CI", "shrunk", "odds vs rest", "p", "q", ""],
              [(*c.labels, c.wins, c.losses, c.open, _pct(c.win_rate), _interval(c.ci_low, c.ci_high),
                _pct(c.shrunk), "" if c.odds_ratio is None else f"{c.odds_ratio:.2f}", _p(c.p), _p(c.q),
                "*" if c.flagged else "") for c in table.cells],
              numeric=["win rate", "95 % CI", "shrunk", "odds vs rest", "p", "q"])
    if table.chi_square:
        stat, dof, p = table.chi_square
        out.info(f"chi-square over the table: {stat:.2f} on {dof} dof, p = {_p(p)}")
    if table.prior:
        out.info(f"shrinkage prior ({table.prior.method}): mean {_pct(table.prior.mean)}, "
                 f"{table.prior.concentration:,.1f} pseudo-deals")
    for note in table.notes:
        out.info(f"note: {note}")
    model = report.model
    if model is not None:
        out.table(f"{model.formula}: odds ratios ({model.deals:,} deals; baselines: "
                  + ", ".join(f"{k} {v}" for k, v in model.baselines.items()) + ")",
                  ["term", "#deals", "odds ratio", "95 % CI", "p", "q"],
                  [(t.name, t.deals, f"{t.odds_ratio:.2f}", f"{t.ci_low:.2f}-{t.ci_high:.2f}", _p(t.p), _p(t.q))
                   for t in model.terms], numeric=["odds ratio", "95 % CI", "p", "q"])
        for note in model.notes:
            out.info(f"model note: {note}")


def pricing_command(
    from_: datetime = typer.Option(None, "--from", formats=["%Y-%m-%d"], help="First close date (inclusive)."),
    to: datetime = typer.Option(None, "--to", formats=["%Y-%m-%d"], help="Last close date (inclusive)."),
    config: Path = config_option(),
    as_json: bool = json_option(),
) -> None:
    """Pricing from line items: win rate by discount depth (Wilson intervals, isotonic fit), quarter-end
    discounting with its interval, discount with no win uplift per rep and quarter, list-vs-sold dispersion."""
    from analytics.winloss.report import pricing_report

    out = Output(as_json=as_json)
    with failures(out):
        app = open_app(config, out)
        report = pricing_report(app.engine, start=_day(from_), end=_day(to))
    if as_json:
        out.json(report.as_dict())
        return
    out.info(f"{report.priced_deals:,} of {report.closed_deals:,} closed deals priced from their line items")
    out.table("win rate by discount depth (p: one-sided Fisher, this bin wins more often than no discount)",
              ["depth", "#deals", "#won", "win rate", "95 % CI", "isotonic", "p"],
              [(b.label, b.deals, b.wins, _pct(b.win_rate), _interval(b.ci_low, b.ci_high), _pct(b.isotonic),
                _p(b.p_uplift)) for b in report.bins], numeric=["win rate", "95 % CI", "isotonic", "p"])
    q = report.quarter_end
    if q:
        out.info(f"quarter-end (last {q['days']} days) won deals: mean depth {_pct(q['mean_depth_quarter_end'])} "
                 f"vs {_pct(q['mean_depth_rest'])} ({q['deals_quarter_end']:,} vs {q['deals_rest']:,} deals); "
                 f"difference {100 * q['difference']:+.2f} points, 95 % CI {100 * q['ci_low']:+.2f} to "
                 f"{100 * q['ci_high']:+.2f}, p = {_p(q['p'])}")
    wasted = [r for r in report.no_uplift if r["discount_no_uplift"] > 0]
    out.table("discount with no win uplift, per rep and quarter", ["rep", "quarter", "#discounted won",
                                                                   "discount", "no uplift"],
              [(r["rep_name"], r["quarter"], r["discounted_won_deals"], r["discount"], r["discount_no_uplift"])
               for r in sorted(wasted, key=lambda r: -r["discount_no_uplift"])],
              numeric=["discount", "no uplift"])
    overall = report.dispersion.get("overall")
    if overall:
        out.info(f"sold ÷ list over {overall['lines']:,} won lines: median {overall['median']:.3f}, "
                 f"p10-p90 {overall['p10']:.3f}-{overall['p90']:.3f}, CV {overall['cv']:.3f}")
    for note in report.notes:
        out.info(f"note: {note}")
