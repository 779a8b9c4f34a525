"""Prometheus metrics computed from the store at scrape time.

Every run (a scheduler tick, a Celery task in any worker process, a manual ``crmhub sync``) and every write-back
result lands in the store, so one collector reading it gives the whole deployment's figures from any process: the
scheduler's ``--metrics-port``, a worker's ``--metrics-port`` (no multiprocess mode is needed: the prefork children
write to the store, the parent serves it), and ``crmhub metrics`` for a textfile collector run from cron. Counters are
totals over the run history kept in the store; they only grow while run rows are kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric, SummaryMetricFamily
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import Collector
from sqlalchemy import Engine

from hub.context import App
from store import metrics as store_metrics
from store.metrics import Stream, StreamRuns

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
            yield from _runs(store_metrics.run_history(conn))
            yield _errors(store_metrics.error_kinds(conn))
            yield _lag(store_metrics.stream_lags(conn, self._clock()))
            yield from _writeback(store_metrics.writeback_counts(conn), store_metrics.dead_letter_counts(conn))
            yield _quarantine(store_metrics.open_quarantine_counts(conn))


def _runs(history: Mapping[Stream, StreamRuns]) -> Iterable[Metric]:
    runs = CounterMetricFamily("crmhub_runs", "Sync and write-back runs by final status.", labels=[*STREAM, "status"])
    records = CounterMetricFamily("crmhub_records", "Records by outcome (read, upserted, unchanged, quarantined, "
                                  "failed, deleted).", labels=[*STREAM, "outcome"])
    calls = CounterMetricFamily("crmhub_api_calls", "CRM API calls made by runs.", labels=STREAM)
    duration = SummaryMetricFamily("crmhub_run_duration_seconds", "Wall time of finished runs.", labels=STREAM)
    last = GaugeMetricFamily("crmhub_last_success_timestamp_seconds", "When the stream's last succeeded run "
                             "finished (Unix time).", labels=STREAM)
    for stream, totals in history.items():
        for status, n in totals.by_status.items():
            runs.add_metric([*stream, status], n)
        if totals.by_status:
            calls.add_metric(list(stream), totals.api_calls)
            for name, value in totals.records.items():
                records.add_metric([*stream, name], value)
        if totals.finished:
            duration.add_metric(list(stream), count_value=totals.finished, sum_value=totals.seconds)
        if totals.last_success is not None:
            last.add_metric(list(stream), totals.last_success.timestamp())
    return runs, records, calls, duration, last


def _errors(counts: Mapping[tuple[str, str, str], int]) -> Metric:
    """Failed and stopped runs by what ended them (sync/run_errors.py; ``unknown`` for runs recorded before)."""
    errors = CounterMetricFamily("crmhub_run_errors", "Runs that ended in an error, by kind (auth, budget, config, "
                                 "transient, api, quality, crm, internal).", labels=[*STREAM, "kind"])
    for labels, n in counts.items():
        errors.add_metric(list(labels), n)
    return errors


def _lag(lags: Mapping[Stream, float]) -> Metric:
    lag = GaugeMetricFamily("crmhub_stream_lag_seconds", "Seconds between now and the stream's cursor time.",
                            labels=STREAM)
    for stream, seconds in lags.items():
        lag.add_metric(list(stream), seconds)
    return lag


def _writeback(results_by: Mapping[tuple[str, str, str], int],
               dead_by: Mapping[tuple[str, str, bool], int]) -> Iterable[Metric]:
    results = CounterMetricFamily("crmhub_writeback_results", "Write-back results per record (updated, created, "
                                  "skipped, conflict, failed).", labels=[*STREAM, "status"])
    dead = GaugeMetricFamily("crmhub_writeback_dead_letters", "Unresolved write-back failures and conflicts.",
                             labels=[*STREAM, "retryable"])
    for labels, n in results_by.items():
        results.add_metric(list(labels), n)
    for (connection, obj, retryable), n in dead_by.items():
        dead.add_metric([connection, obj, str(retryable).lower()], n)
    return results, dead


def _quarantine(counts: Mapping[Stream, int]) -> Metric:
    gauge = GaugeMetricFamily("crmhub_quarantine_open", "Records held in quarantine, not yet replayed or dismissed.",
                              labels=STREAM)
    for stream, n in counts.items():
        gauge.add_metric(list(stream), n)
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
