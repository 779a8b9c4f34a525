"""``crmhub quality replay``: land quarantined records that pass the current mapping and suites."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from hub import exitcodes
from hub.context import config_option, failures, json_option, open_app
from hub.output import Output
from sync.admin import replay_quarantined


def replay_command(
    connection: str | None = typer.Option(None, "--connection", help="Only this connection's records."),
    rule: str | None = typer.Option(None, "--rule", help="Only records quarantined by this rule."),
    batch_size: int = typer.Option(500, min=1, max=10_000, help="Records per transaction."),
    config: Path = config_option(), as_json: bool = json_option(),
) -> None:
    """Map and check quarantined records again and land the ones that now pass (no CRM call)."""
    out = Output(as_json=as_json)
    with failures(out):
        app = open_app(config, out)
        counts = replay_quarantined(app.engine, app.cfg, connection=connection, rule=rule, batch_size=batch_size)
    result: dict[str, Any] = {"streams": [c.as_dict() for c in counts],
                              "landed": sum(c.landed for c in counts),
                              "still_quarantined": sum(c.still_quarantined for c in counts)}
    errors = [e for c in counts for e in c.errors]
    if as_json:
        out.json(result)
    else:
        out.table("quality replay", ["connection", "object", "#examined", "#landed", "#still quarantined",
                                     "#not replayable"],
                  [(c.connection, c.object, c.examined, c.landed, c.still_quarantined, c.not_replayable)
                   for c in counts])
        for e in errors:
            out.error(e)
        if not counts:
            out.info("nothing to replay: no open quarantined record matches")
    if errors:
        raise typer.Exit(exitcodes.RECORDS_FAILED)
