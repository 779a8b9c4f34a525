"""The figures behind crmhub's Prometheus metrics, read from the run history, cursors, write-back results and
quarantine. Plain rows keyed by stream (connection, object): ``hub/metrics.py`` only turns them into metrics."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, func, select

from store.tables import RUN_COUNT_FIELDS, quarantine, sync_cursor, sync_run, writeback_result

Stream = tuple[str, str]  # (connection, object)


@dataclass(slots=True)
class StreamRuns:
    """A stream's run history in total: runs per final status, API calls, records per outcome, durations."""

    by_status: dict[str, int] = field(default_factory=dict)
    api_calls: int = 0
    records: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RUN_COUNT_FIELDS, 0))
    finished: int = 0  # runs with a finish time, and their wall time in total
    seconds: float = 0.0
    last_success: datetime | None = None


def run_history(conn: Connection) -> dict[Stream, StreamRuns]:
    c = sync_run.c
    out: dict[Stream, StreamRuns] = {}
    sums = [func.sum(c[name]) for name in RUN_COUNT_FIELDS]
    query = (select(c.connection, c.object, c.status, func.count(), func.sum(c.api_calls), *sums)
             .group_by(c.connection, c.object, c.status))
    for row in conn.execute(query):
        stream = out.setdefault((row[0], row[1]), StreamRuns())
        stream.by_status[row[2]] = int(row[3])
        stream.api_calls += int(row[4] or 0)
        for name, value in zip(RUN_COUNT_FIELDS, row[5:], strict=True):
            stream.records[name] += int(value or 0)
    finished = select(c.connection, c.object, c.started_at, c.finished_at, c.status).where(c.finished_at.is_not(None))
    for connection, obj, started_at, finished_at, status in conn.execute(finished):
        stream = out.setdefault((connection, obj), StreamRuns())
        stream.finished += 1
        stream.seconds += max(0.0, (finished_at - started_at).total_seconds())
        if status == "succeeded" and (stream.last_success is None or finished_at > stream.last_success):
            stream.last_success = finished_at
    return dict(sorted(out.items()))


def error_kinds(conn: Connection) -> dict[tuple[str, str, str], int]:
    """Failed and stopped runs per (connection, object, error kind); ``unknown`` for runs recorded without one."""
    counts: dict[tuple[str, str, str], int] = {}
    query = select(sync_run.c.connection, sync_run.c.object, sync_run.c.errors).where(sync_run.c.error.is_not(None))
    for connection, obj, details in conn.execute(query):
        kinds = [str(d.get("kind")) for d in details or [] if isinstance(d, dict) and d.get("kind")] or ["unknown"]
        for kind in kinds:
            counts[(connection, obj, kind)] = counts.get((connection, obj, kind), 0) + 1
    return dict(sorted(counts.items()))


def stream_lags(conn: Connection, now: datetime) -> dict[Stream, float]:
    """Seconds from each cursor's watermark to ``now``; cursors without one (a Dataverse delta link) count from their
    last save."""
    c = sync_cursor.c
    rows = conn.execute(select(c.connection, c.object, c.watermark, c.updated_at).order_by(c.connection, c.object))
    return {(connection, obj): max(0.0, (now - (watermark or updated)).total_seconds())
            for connection, obj, watermark, updated in rows}


def writeback_counts(conn: Connection) -> dict[tuple[str, str, str], int]:
    """Write-back results per (connection, object, status)."""
    c = writeback_result.c
    query = (select(c.connection, c.object, c.status, func.count())
             .group_by(c.connection, c.object, c.status).order_by(c.connection, c.object, c.status))
    return {(row[0], row[1], row[2]): int(row[3]) for row in conn.execute(query)}


def dead_letter_counts(conn: Connection) -> dict[tuple[str, str, bool], int]:
    """Unresolved write-back failures and conflicts per (connection, object, retryable)."""
    c = writeback_result.c
    query = (select(c.connection, c.object, c.retryable, func.count())
             .where(c.resolved_at.is_(None), c.status.in_(("failed", "conflict")))
             .group_by(c.connection, c.object, c.retryable))
    return {(row[0], row[1], bool(row[2])): int(row[3]) for row in conn.execute(query)}


def open_quarantine_counts(conn: Connection) -> Mapping[Stream, int]:
    c = quarantine.c
    query = select(c.connection, c.object, func.count()).where(c.status == "open").group_by(c.connection, c.object)
    return {(connection, obj): int(n) for connection, obj, n in conn.execute(query)}


