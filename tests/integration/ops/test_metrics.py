"""Prometheus metrics from the store: ``crmhub metrics`` after a real sync, the scheduler's ``--metrics-port``
endpoint, and error kinds / write-back results / lag, each scraped and parsed with prometheus_client's parser."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine, insert, select

import store
from hub.metrics import StoreCollector, exposition, serve
from sandbox.common.launcher import SandboxProcess
from store.tables import sync_cursor, sync_run, writeback_result
from tests.support.ops_config import write_config

CRMHUB = str(Path(sys.executable).parent / "crmhub")


def parse(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(metrics: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return metrics[(name, frozenset(labels.items()))]


def test_crmhub_metrics_after_a_real_sync(hubspot: SandboxProcess, tmp_path: Path) -> None:
    db = tmp_path / "crmhub.db"
    config = write_config(tmp_path / "crmhub.yaml", hubspot, f"sqlite:///{db}")
    sync = subprocess.run([CRMHUB, "sync", "--config", str(config), "--json"], capture_output=True, text=True,
                          timeout=600)
    assert sync.returncode == 0, sync.stderr[-2000:]
    proc = subprocess.run([CRMHUB, "metrics", "--config", str(config)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    metrics = parse(proc.stdout)

    engine = store.make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        runs = conn.execute(select(sync_run)).mappings().all()
        cursors = {r.object: r.watermark for r in conn.execute(select(sync_cursor))}
    engine.dispose()
    assert {r["object"] for r in runs} == {"owners", "companies", "deals", "contacts"}
    for run in runs:
        stream = {"connection": "hs_ops", "object": run["object"]}
        assert value(metrics, "crmhub_runs_total", **stream, status="succeeded") == 1
        assert value(metrics, "crmhub_api_calls_total", **stream) == run["api_calls"] > 0
        for outcome in ("read", "upserted", "unchanged", "quarantined", "failed", "deleted"):
            assert value(metrics, "crmhub_records_total", **stream, outcome=outcome) == run[outcome]
        assert value(metrics, "crmhub_run_duration_seconds_count", **stream) == 1
        seconds = (run["finished_at"] - run["started_at"]).total_seconds()
        assert abs(value(metrics, "crmhub_run_duration_seconds_sum", **stream) - seconds) < 1e-3
        lag = value(metrics, "crmhub_stream_lag_seconds", **stream)
        expected = (datetime.now(UTC) - cursors[run["object"]]).total_seconds()
        assert 0 <= lag <= expected  # measured a moment before `expected`
    assert value(metrics, "crmhub_records_total", connection="hs_ops", object="contacts", outcome="read") > 50

    as_json = subprocess.run([CRMHUB, "metrics", "--config", str(config), "--json"], capture_output=True, text=True,
                             timeout=120)
    assert as_json.returncode == 0 and '"crmhub_runs_total"' in as_json.stdout


def test_error_kinds_writeback_results_and_lag(sqlite_db: Engine) -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    with sqlite_db.begin() as conn:
        for status, kind in (("failed", "auth"), ("failed", "auth"), ("stopped", "budget"), ("succeeded", None)):
            run_id = store.start_run(conn, connection="sf", object="Lead", full_refresh=False)
            store.finish_run(conn, run_id=run_id, status=status, counts={"read": 3, "upserted": 3}, api_calls=2,
                             error=f"{kind} went wrong" if kind else None,
                             errors=[{"kind": kind}] if kind else ())
        conn.execute(insert(writeback_result), [_result("updated", False), _result("updated", False),
                                                _result("failed", True), _result("conflict", False)])
        store.save_cursor(conn, connection="sf", object="Lead", watermark=now - timedelta(seconds=90), state={},
                          run_id=None)
    metrics = parse(_exposition(sqlite_db, now))
    lead = {"connection": "sf", "object": "Lead"}
    assert value(metrics, "crmhub_run_errors_total", **lead, kind="auth") == 2
    assert value(metrics, "crmhub_run_errors_total", **lead, kind="budget") == 1
    assert value(metrics, "crmhub_runs_total", **lead, status="failed") == 2
    assert value(metrics, "crmhub_records_total", **lead, outcome="read") == 12
    assert value(metrics, "crmhub_api_calls_total", **lead) == 8
    assert value(metrics, "crmhub_stream_lag_seconds", **lead) == 90
    assert value(metrics, "crmhub_writeback_results_total", **lead, status="updated") == 2
    assert value(metrics, "crmhub_writeback_results_total", **lead, status="conflict") == 1
    assert value(metrics, "crmhub_writeback_dead_letters", **lead, retryable="true") == 1
    assert value(metrics, "crmhub_writeback_dead_letters", **lead, retryable="false") == 1


def _exposition(engine: Engine, now: datetime) -> str:
    from prometheus_client import CollectorRegistry, generate_latest

    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(engine, clock=lambda: now))
    return generate_latest(registry).decode()


def _result(status: str, retryable: bool) -> dict[str, Any]:
    return {"run_id": 1, "connection": "sf", "object": "Lead", "source_id": "00Q1", "field_set": "score",
            "status": status, "retryable": retryable, "values": {}, "created_at": datetime.now(UTC)}


def test_an_empty_store_still_exposes_parseable_metrics(sqlite_db: Engine) -> None:
    names = {f.name for f in text_string_to_metric_families(exposition(sqlite_db))}
    assert {"crmhub_runs", "crmhub_records", "crmhub_stream_lag_seconds", "crmhub_run_errors"} <= names


def test_metrics_listen_on_loopback_unless_another_host_is_asked(sqlite_db: Engine) -> None:
    """The figures name every connection and stream: only this machine sees them unless --metrics-host says so."""
    host, port = serve(sqlite_db, 0)
    assert host == "127.0.0.1"
    assert "crmhub_runs" in httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    other, other_port = serve(sqlite_db, 0, "127.0.0.2")  # any loopback address shows the option is honoured
    assert other == "127.0.0.2"
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{other_port}/metrics", timeout=5)


def test_scheduler_serves_metrics_on_its_port(hubspot: SandboxProcess, tmp_path: Path) -> None:
    db = tmp_path / "crmhub.db"
    config = write_config(tmp_path / "crmhub.yaml", hubspot, f"sqlite:///{db}")
    engine = store.make_engine(f"sqlite:///{db}")
    store.ensure_schema(engine)
    with engine.begin() as conn:
        run_id = store.start_run(conn, connection="hs_ops", object="contacts", full_refresh=False)
        store.finish_run(conn, run_id=run_id, status="succeeded", counts={"read": 7}, api_calls=1)
    engine.dispose()
    port = _free_port()
    proc = subprocess.Popen([CRMHUB, "scheduler", "--config", str(config), "--metrics-port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy())
    lines: list[str] = []
    listed = threading.Event()

    def watch() -> None:  # the job table comes once the signal handlers are in: a SIGTERM before would kill it
        for line in proc.stdout:
            lines.append(line.decode(errors="replace"))
            if all(f"sync hs_ops/{o}" in "".join(lines) for o in ("owners", "companies", "deals", "contacts")):
                listed.set()

    reader = threading.Thread(target=watch, daemon=True)
    reader.start()
    try:
        text = _scrape(f"http://127.0.0.1:{port}/metrics", proc)
        metrics = parse(text)
        assert value(metrics, "crmhub_records_total", connection="hs_ops", object="contacts", outcome="read") == 7
        # At start, each job with its schedule and next run (interval jobs: now, once).
        assert listed.wait(120), "".join(lines)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)
    reader.join(timeout=10)
    printed = "".join(lines)
    assert proc.returncode == 0, proc.stderr.read().decode()[-2000:]
    assert f"metrics: http://127.0.0.1:{port}/metrics" in printed
    assert "scheduled jobs" in printed and "next run (UTC)" in printed


@pytest.mark.redis
def test_worker_serves_metrics_on_its_port(hubspot: SandboxProcess, tmp_path: Path) -> None:
    """The worker's parent process serves the store's figures; its prefork children write them to the store."""
    broker = "redis://127.0.0.1:6379/13"
    try:
        redis.Redis.from_url(broker, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis not reachable at {broker}: {exc}")
    config = write_config(tmp_path / "crmhub.yaml", hubspot, f"sqlite:///{tmp_path / 'crmhub.db'}",
                          executor="celery", broker=broker)
    port = _free_port()
    proc = subprocess.Popen([CRMHUB, "--log-level", "INFO", "worker", "--config", str(config), "--concurrency", "1",
                             "--metrics-port", str(port), "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ready, lines = threading.Event(), []

    def watch() -> None:  # Celery says "ready." once its signal handlers are in: a SIGTERM before would kill it
        for line in proc.stderr:
            lines.append(line.decode(errors="replace"))
            if " ready." in lines[-1]:
                ready.set()

    threading.Thread(target=watch, daemon=True).start()
    try:
        names = {f.name for f in text_string_to_metric_families(_scrape(f"http://127.0.0.1:{port}/metrics", proc))}
        assert {"crmhub_runs", "crmhub_stream_lag_seconds", "crmhub_writeback_results"} <= names
        assert ready.wait(120), "".join(lines)[-2000:]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    # --json: stdout is one JSON document, no Celery banner or shutdown note in it.
    assert proc.returncode == 0, "".join(lines)[-2000:]
    assert json.loads(proc.stdout.read().decode()) == {"ok": True, "stopped": "worker"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _scrape(url: str, proc: subprocess.Popen[bytes]) -> str:
    for _ in range(600):  # the scheduler imports and migrates before it listens
        if proc.poll() is not None:
            raise AssertionError(f"scheduler exited {proc.returncode}: {proc.stderr.read().decode()[-2000:]}")
        try:
            return httpx.get(url, timeout=5).text
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("the scheduler never served /metrics")
