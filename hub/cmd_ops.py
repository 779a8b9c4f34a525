"""``crmhub scheduler`` and ``crmhub worker``: leave crmhub running on one machine, or spread runs over workers."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime
from pathlib import Path
from typing import Any

from hub.context import App


def scheduler_command(app: App) -> tuple[list[str], list[dict[str, Any]]]:
    """Run until stopped; returns the job ids and each job's schedule and next run as they were at start."""
    from sync.scheduler import build_scheduler, run_forever

    stop, kick = threading.Event(), threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    signal.signal(signal.SIGUSR1, lambda *_: kick.set())  # `kill -USR1 <pid>`: every stream's next tick now
    scheduler = build_scheduler(str(app.engine.url.render_as_string(hide_password=False)))
    app.out.info(f"scheduler: executor {app.cfg.scheduler.executor}, job store in the canonical database; "
                 "Ctrl-C or SIGTERM stops it after running jobs finish, SIGUSR1 runs every stream now")
    schedule: list[dict[str, Any]] = []

    def started(jobs: list[dict[str, Any]]) -> None:
        schedule.extend(jobs)
        rows = [(j["name"], j["trigger"], _when(j["next_run"])) for j in jobs]
        if app.out.as_json:  # stdout keeps the one JSON document, printed at stop
            for row in rows:
                app.out.note(f"{row[0]}: {row[1]}; next run {row[2]}")
        else:
            app.out.table("scheduled jobs", ["job", "schedule", "next run (UTC)"], rows)

    ids = run_forever(scheduler, app.cfg, Path(app.config_path).resolve(), stop, kick, started=started)
    return ids, schedule


def _when(at: datetime | None) -> str:
    return at.isoformat(timespec="seconds") if at is not None else "paused"


def worker_command(app: App, *, concurrency: int, queues: str | None, quiet: bool = False) -> None:
    """A Celery worker consuming stream runs; SIGTERM is Celery's warm shutdown (finish the current run).

    ``quiet``: no Celery banner on stdout (under ``--json`` stdout carries only crmhub's JSON document)."""
    from sync.celery_app import make_celery

    celery = make_celery(str(app.cfg.scheduler.broker_url))
    argv: list[Any] = [*(["--quiet"] if quiet else []), "worker", "--loglevel=INFO", f"--concurrency={concurrency}",
                       "--pool=prefork", "--without-gossip", "--without-mingle"]
    if queues:
        argv.append(f"--queues={queues}")
    with _stdout_on_stderr() if quiet else nullcontext():
        celery.worker_main(argv)


@contextmanager
def _stdout_on_stderr() -> Iterator[None]:
    """Celery writes its notes ("Warm shutdown") to file descriptor 1 and swaps ``sys.stdout`` for a logging proxy
    it never puts back: under ``--json`` both go to stderr for the worker's life, so stdout keeps one JSON document."""
    sys.stdout.flush()
    saved_fd, saved_stdout = os.dup(1), sys.stdout
    os.dup2(2, 1)
    try:
        yield
    finally:
        sys.stdout = saved_stdout
        os.dup2(saved_fd, 1)
        os.close(saved_fd)
