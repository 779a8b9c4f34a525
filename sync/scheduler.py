"""``crmhub scheduler``: APScheduler 3 in ONE process, its job store in the canonical database.

One job per enabled stream, id ``sync:<connection>/<object>``; coalescing and ``max_instances=1`` so a late or long
run never piles up; jobs of streams no longer in crmhub.yaml are removed at start. Under ``executor: local`` a job
runs the stream in this process; under ``executor: celery`` it only enqueues it for a worker. A kick (SIGUSR1 to
``crmhub scheduler``) makes every stream's next tick happen now, e.g. after a CRM outage or to catch up on demand.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

JOB_PREFIX = "sync:"
MISFIRE_GRACE_SECONDS = 300  # a tick missed by less than this (a restart, a pause) still runs, once
KICK_POLL_SECONDS = 0.5  # how soon a kick is acted on; the signal handler only sets an event (no locks in handlers)


def build_scheduler(store_url: str, *, threads: int = 4) -> BackgroundScheduler:
    return BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=store_url, tablename="apscheduler_jobs")},
        executors={"default": ThreadPoolExecutor(max_workers=threads)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS},
        timezone=UTC,
    )


def register_streams(scheduler: BackgroundScheduler, cfg: Any, config_path: Path) -> list[str]:
    """Add or replace a job per enabled stream; drop jobs of streams that left the config. Returns the job ids."""
    wanted: list[str] = []
    for name, conn in cfg.connections.items():
        for obj, settings in conn.objects.items():
            if not settings.enabled:
                continue
            job_id = f"{JOB_PREFIX}{name}/{obj}"
            if cfg.scheduler.executor == "celery":
                func, args = "sync.celery_app:enqueue_stream", [str(config_path), name, obj,
                                                                str(cfg.scheduler.broker_url)]
            else:
                func, args = "sync.jobs:run_stream_job", [str(config_path), name, obj]
            scheduler.add_job(func, trigger=cfg.effective_schedule(name, obj).trigger(), args=args, id=job_id,
                              name=f"sync {name}/{obj}", replace_existing=True)
            wanted.append(job_id)
    for job in scheduler.get_jobs():
        if job.id.startswith(JOB_PREFIX) and job.id not in wanted:
            scheduler.remove_job(job.id)
    return wanted


def tick_now(scheduler: BackgroundScheduler) -> list[str]:
    """Move every stream's next tick to now; the trigger schedules the one after from there. Returns the job ids.

    A stream still running from its last tick is not run twice: ``max_instances=1`` under the local executor, the
    stream lock on the worker under Celery (the extra run is reported as locked and records no run).
    """
    now = datetime.now(UTC)
    ids = [job.id for job in scheduler.get_jobs() if job.id.startswith(JOB_PREFIX)]
    for job_id in ids:
        scheduler.modify_job(job_id, next_run_time=now)
    return ids


def run_forever(scheduler: BackgroundScheduler, cfg: Any, config_path: Path, stop: threading.Event,
                kick: threading.Event | None = None) -> list[str]:
    """Start paused, register, resume; each ``kick`` (SIGUSR1) is one tick of every stream now; on ``stop``
    (SIGINT/SIGTERM) let running jobs finish, then return."""
    scheduler.start(paused=True)
    ids = register_streams(scheduler, cfg, config_path)
    scheduler.resume()
    try:
        while not stop.wait(KICK_POLL_SECONDS if kick is not None else None):
            if kick is not None and kick.is_set():
                kick.clear()
                tick_now(scheduler)
    finally:
        scheduler.shutdown(wait=True)
    return ids
