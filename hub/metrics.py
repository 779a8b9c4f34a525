"""Prometheus metrics computed from the store at scrape time.

Every run (a scheduler tick, a Celery task in any worker process, a manual ``crmhub sync``) and every write-back
result lands in the store, so one collector reading it gives the whole deployment's figures from any process: the
scheduler's ``--metrics-port``, a worker's ``--metrics-port`` (no multiprocess mode is needed: the prefork children
write to the store, the parent serves it), and ``crmhub metrics`` for a textfile collector run from cron. Counters are
totals over the run history kept in the store; they only grow while run rows are kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric, SummaryMetricFamily
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import Collector
from sqlalchemy import Connection, Engine, func, select

from hub.context import App
from store.tables import RUN_COUNT_FIELDS, quarantine, sync_cursor, sync_run, writeback_result

STREAM = ["connection", "object"]
# Loopback unless asked: the figures name every connection and stream, which is nobody else's business by default.
DEFAULT_HOST = "127.0.0.1"
log = logging.getLogger(__name__)


class StoreCollector(Collector):
    def __init__(self, engine: Engine, *, clock: Callable[[], datetime] | None = None) -> None:
        self._engine = engine
        self._clock = clock or (lambda: datetime.now(UTC))

    def collect(self) -> Iterable[Metric]:
        with self._engine.connect() as conn:
            yield from _runs(conn)
            yield _errors(conn)
            yield _lag(conn, self._clock())
            yield from _writeback(conn)
            yield _quarantine(conn)


def _runs(conn: Connection) -> Iterable[Metric]:
    c = sync_run.c
    runs = CounterMetricFamily("crmhub_runs", "Sync and write-back runs by final status.", labels=[*STREAM, "status"])
    records = CounterMetricFamily("crmhub_records", "Records by outcome (read, upserted, unchanged, quarantined, "
                                  "failed, deleted).", labels=[*STREAM, "outcome"])
    calls = CounterMetricFamily("crmhub_api_calls", "CRM API calls made by runs.", labels=STREAM)
    duration = SummaryMetricFamily("crmhub_run_duration_seconds", "Wall time of finished runs.", labels=STREAM)
    last = GaugeMetricFamily("crmhub_last_success_timestamp_seconds", "When the stream's last succeeded run "
                             "finished (Unix time).", labels=STREAM)
    sums = [func.sum(c[name]) for name in RUN_COUNT_FIELDS]
    query = (select(c.connection, c.object, c.status, func.count(), func.sum(c.api_calls), *sums)
             .group_by(c.connection, c.object, c.status))
    per_stream: dict[tuple[str, str], list[int]] = {}
    for row in conn.execute(query):
        stream = (row[0], row[1])
        runs.add_metric([*stream, row[2]], row[3])
        totals = per_stream.setdefault(stream, [0] * (len(RUN_COUNT_FIELDS) + 1))
        for i, value in enumerate(row[4:]):
            totals[i] += int(value or 0)
    for stream, totals in sorted(per_stream.items()):
        calls.add_metric(list(stream), totals[0])
        for name, value in zip(RUN_COUNT_FIELDS, totals[1:], strict=True):
            records.add_metric([*stream, name], value)
    finished = select(c.connection, c.object, c.started_at, c.finished_at, c.status).where(c.finished_at.is_not(None))
    spent: dict[tuple[str, str], tuple[int, float]] = {}
    latest: dict[tuple[str, str], datetime] = {}
    for row in conn.execute(finished):
        n, total = spent.get((row[0], row[1]), (0, 0.0))
        spent[(row[0], row[1])] = (n + 1, total + max(0.0, (row[3] - row[2]).total_seconds()))
        if row[4] == "succeeded" and row[3] > latest.get((row[0], row[1]), row[3].min.replace(tzinfo=UTC)):
            latest[(row[0], row[1])] = row[3]
    for stream, (n, total) in sorted(spent.items()):
        duration.add_metric(list(stream), count_value=n, sum_value=total)
    for stream, when in sorted(latest.items()):
        last.add_metric(list(stream), when.timestamp())
    return runs, records, calls, duration, last


def _errors(conn: Connection) -> Metric:
    """Failed and stopped runs by what ended them (sync/run_errors.py; ``unknown`` for runs recorded before)."""
    errors = CounterMetricFamily("crmhub_run_errors", "Runs that ended in an error, by kind (auth, budget, config, "
                                 "transient, api, quality, crm, internal).", labels=[*STREAM, "kind"])
    counts: dict[tuple[str, str, str], int] = {}
    query = select(sync_run.c.connection, sync_run.c.object, sync_run.c.errors).where(sync_run.c.error.is_not(None))
    for connection, obj, details in conn.execute(query):
        kinds = [str(d.get("kind")) for d in details or [] if isinstance(d, dict) and d.get("kind")] or ["unknown"]
        for kind in kinds:
            counts[(connection, obj, kind)] = counts.get((connection, obj, kind), 0) + 1
    for labels, n in sorted(counts.items()):
        errors.add_metric(list(labels), n)
    return errors


def _lag(conn: Connection, now: datetime) -> Metric:
    """Now minus the cursor's watermark; cursors without one (a Dataverse delta link) count from their last save."""
    lag = GaugeMetricFamily("crmhub_stream_lag_seconds", "Seconds between now and the stream's cursor time.",
                            labels=STREAM)
    c = sync_cursor.c
    for connection, obj, watermark, updated in conn.execute(select(c.connection, c.object, c.watermark,
                                                                   c.updated_at).order_by(c.connection, c.object)):
        lag.add_metric([connection, obj], max(0.0, (now - (watermark or updated)).total_seconds()))
    return lag


def _writeback(conn: Connection) -> Iterable[Metric]:
    c = writeback_result.c
    results = CounterMetricFamily("crmhub_writeback_results", "Write-back results per record (updated, created, "
                                  "skipped, conflict, failed).", labels=[*STREAM, "status"])
    dead = GaugeMetricFamily("crmhub_writeback_dead_letters", "Unresolved write-back failures and conflicts.",
                             labels=[*STREAM, "retryable"])
    for row in conn.execute(select(c.connection, c.object, c.status, func.count())
                            .group_by(c.connection, c.object, c.status).order_by(c.connection, c.object, c.status)):
        results.add_metric([row[0], row[1], row[2]], row[3])
    open_ = (select(c.connection, c.object, c.retryable, func.count())
             .where(c.resolved_at.is_(None), c.status.in_(("failed", "conflict")))
             .group_by(c.connection, c.object, c.retryable))
    for row in conn.execute(open_):
        dead.add_metric([row[0], row[1], str(bool(row[2])).lower()], row[3])
    return results, dead


def _quarantine(conn: Connection) -> Metric:
    gauge = GaugeMetricFamily("crmhub_quarantine_open", "Records held in quarantine, not yet replayed or dismissed.",
                              labels=STREAM)
    c = quarantine.c
    for connection, obj, n in conn.execute(select(c.connection, c.object, func.count()).where(c.status == "open")
                                           .group_by(c.connection, c.object)):
        gauge.add_metric([connection, obj], n)
    return gauge


def registry_for(engine: Engine) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(engine))
    return registry


def exposition(engine: Engine) -> str:
    """The current metrics in Prometheus' text format (``crmhub metrics``)."""
    return generate_latest(registry_for(engine)).decode("utf-8")


def serve(engine: Engine, port: int, host: str = DEFAULT_HOST) -> tuple[str, int]:
    """Serve ``/metrics`` on a background thread for the life of the process; returns the bound (host, port)."""
    server, _thread = start_http_server(port, addr=host, registry=registry_for(engine))
    bound_host, bound_port = server.server_address[:2]
    return str(bound_host), int(bound_port)


def serve_for(app: App, port: int | None, host: str = DEFAULT_HOST) -> None:
    """``--metrics-port`` / ``--metrics-host``: start serving when asked, and say where."""
    if port is None:
        return
    bound_host, bound_port = serve(app.engine, port, host)
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    app.out.info(f"metrics: http://{shown}:{bound_port}/metrics")
    log.info("serving Prometheus metrics on %s port %d", bound_host, bound_port)


def samples(text: str) -> list[dict[str, Any]]:
    """The exposition as JSON rows (``crmhub metrics --json``), parsed back with prometheus_client's own parser."""
    return [{"name": s.name, "labels": dict(s.labels), "value": s.value}
            for family in text_string_to_metric_families(text) for s in family.samples]
