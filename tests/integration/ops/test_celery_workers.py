"""Two real Celery workers on the machine's Redis, a PostgreSQL store: every stream runs exactly once per tick."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import Engine, func, select

from sandbox.common.launcher import SandboxProcess
from store.tables import sync_run
from sync.celery_app import SYNC_TASK, make_celery
from tests.support.ops_config import OBJECTS, write_config
from tests.support.stores import fresh_engine

# Alone, after the parallel phase of make test: each tick must finish within a wall-clock limit while two workers,
# their prefork children and the sandboxes share the machine; a neighbour test fitting models took the cores they need.
pytestmark = pytest.mark.serial

BROKER = "redis://127.0.0.1:6379/14"
TICKS = 2


@pytest.fixture
def pg(tmp_path: Path) -> Iterator[Engine]:
    yield from fresh_engine("postgresql", tmp_path)


@pytest.fixture
def broker() -> Iterator[str]:
    try:
        client = redis.Redis.from_url(BROKER, socket_connect_timeout=2)
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis not reachable at {BROKER}: {exc}")
    client.flushdb()
    yield BROKER
    client.flushdb()


def test_two_workers_run_every_stream_exactly_once_per_tick(pg: Engine, hubspot: SandboxProcess, broker: str,
                                                           tmp_path: Path) -> None:
    path = write_config(tmp_path / "crmhub.yaml", hubspot, pg.url.render_as_string(hide_password=False),
                        executor="celery", broker=broker)
    crmhub = str(Path(sys.executable).with_name("crmhub"))
    workers = [subprocess.Popen([crmhub, "worker", "--config", str(path), "--concurrency", "2"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env={**os.environ, "CRMHUB_CONFIG": str(path)}) for _ in range(2)]
    app = make_celery(broker, result_backend=broker)
    try:
        for _ in range(TICKS):
            pending = [app.send_task(SYNC_TASK, args=[str(path), "hs_ops", o]) for o in OBJECTS]
            results = [p.get(timeout=180) for p in pending]
            assert all(r["status"] == "succeeded" for r in results), results
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(timeout=30)
        app.close()
    with pg.connect() as conn:
        per_stream = dict(conn.execute(select(sync_run.c.object, func.count()).group_by(sync_run.c.object)).all())
    assert per_stream == dict.fromkeys(OBJECTS, TICKS)
