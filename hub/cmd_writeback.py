"""``crmhub writeback``: scores into each CRM through the write-back service (sync/writeback/service.py)."""

from __future__ import annotations

from collections.abc import Sequence

from hub import exitcodes
from hub.context import App, settings
from sync.writeback import WritebackSummary
from sync.writeback.service import write_back


def writeback_command(app: App, *, connections: Sequence[str], dry_run: bool,
                      retry: bool) -> tuple[list[WritebackSummary], int]:
    summaries = write_back(app.engine, app.cfg, connections, dry_run=dry_run, retry=retry,
                           secret_key=settings().secret_key)
    return summaries, exit_code(summaries)


def exit_code(summaries: Sequence[WritebackSummary]) -> int:
    if any(s.status == "stopped" for s in summaries):
        return exitcodes.BUDGET
    if any(s.status in ("failed", "partial") for s in summaries):
        return exitcodes.RECORDS_FAILED
    return exitcodes.OK
