"""``crmhub scheduler``: APScheduler 3 in ONE process, its job store in the canonical database.

One job per enabled stream, id ``sync:<connection>/<object>``; coalescing and ``max_instances=1`` so a late or long
run never piles up; jobs of streams no longer in crmhub.yaml are removed at start. Under ``executor: local`` a job
runs the stream in this process; under ``executor: celery`` it only enqueues it for a worker.
"""

from __future__ import annotations

import threading
from datetime import UTC
from pathlib import Path
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

JOB_PREFIX = "sync:"
MISFIRE_GRACE_SECONDS = 300  # a tick missed by less than this (a restart, a pause) still runs, once


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


def run_forever(scheduler: BackgroundScheduler, cfg: Any, config_path: Path, stop: threading.Event) -> list[str]:
    """Start paused, register, resume; on ``stop`` (SIGINT/SIGTERM) let running jobs finish, then return."""
    scheduler.start(paused=True)
    ids = register_streams(scheduler, cfg, config_path)
    scheduler.resume()
    try:
        stop.wait()
    finally:
        scheduler.shutdown(wait=True)
    return ids
