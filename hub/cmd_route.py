"""``crmhub route``: the store's unassigned leads to reps, by the pools and rules of a routing file.

Decisions land in the store (routing_decision) with their inputs; owners reach the CRMs through write-back.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer

from hub import exitcodes
from hub.context import config_option, failures, json_option, open_app
from hub.output import Output


def route_command(
    pool: str = typer.Option(None, "--pool", help="Route only the leads this pool receives (default: every pool)."),
    batch: bool = typer.Option(False, "--batch", help="Assign the whole backlog at once: maximum expected value "
                                                      "within every cap (a min-cost assignment)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Decide and show; store nothing."),
    routing: Path = typer.Option(Path("routing.yaml"), "--routing", help="The routing file: pools, members, "
                                                                         "strategies, rules, caps."),
    config: Path = config_option(), as_json: bool = json_option(),
) -> None:
    """Route unassigned leads to reps (round robin, weighted, or by expected value); store every decision."""
    from analytics.routing.service import Labels, route
    from analytics.routing.spec import load_routing

    out = Output(as_json=as_json)
    with failures(out):
        spec = load_routing(routing)
        if pool is not None and pool not in spec.pools:
            message = f"--pool {pool!r} is not a pool of {routing} (pools: {', '.join(sorted(spec.pools))})"
            if as_json:
                out.json({"ok": False, "error": {"kind": "config", "message": message}})
            out.error(message)
            raise typer.Exit(exitcodes.CONFIG)
        app = open_app(config, out)
        labels = app.cfg.scoring.labels
        run = route(app.engine, spec, now=datetime.now(UTC), pool=pool, batch=batch, dry_run=dry_run,
                    labels=Labels(tuple(labels.not_converted_statuses), labels.unconverted_after_days))
    summary = run.summary()
    if as_json:
        out.json({**summary, "decisions": [{k: d[k] for k in ("pool", "lead_id", "rep_id", "fired",
                                                               "expected_value")} for d in run.decisions]})
        return
    out.table(f"routing decisions ({run.mode}{', dry run: nothing stored' if dry_run else ''})",
              ["pool", "lead", "rep", "expected value", "why"],
              [(d["pool"], d["lead_id"], d["rep_id"] or "(queued)", d["expected_value"], d["fired"])
               for d in run.decisions[:50]])
    for name, b in run.batches.items():
        out.info(f"batch {name}: {b['leads']:,} leads, expected value {b['value']:,.2f}, optimality gap "
                 f"{b['gap']:.2%} ({b['method']})")
    out.info(f"{summary['assigned']:,} assigned, {summary['queued']:,} queued in {summary['seconds']:.2f} s"
             + ("" if dry_run else f"; run {summary['run_id']}"))
