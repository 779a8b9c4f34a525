"""``crmhub scheduler``: APScheduler 3 in ONE process, its job store in the canonical database.

One job per enabled stream, id ``sync:<connection>/<object>``, and one per connection with a write-back schedule,
id ``writeback:<connection>`` (re-score, then write back; always in this process); coalescing and
``max_instances=1`` so a late or long run never piles up; jobs no longer in crmhub.yaml are removed at start. Interval
jobs run once at start; cron jobs wait for their slot. Under ``executor: local`` a job
runs the stream in this process; under ``executor: celery`` it only enqueues it for a worker. A kick (SIGUSR1 to
``crmhub scheduler``) makes every stream's next tick happen now, e.g. after a CRM outage or to catch up on demand.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from config import CrmhubConfig, Schedule

JOB_PREFIX = "sync:"
WRITEBACK_PREFIX = "writeback:"
OUR_PREFIXES = (JOB_PREFIX, WRITEBACK_PREFIX)
MISFIRE_GRACE_SECONDS = 300  # a tick missed by less than this (a restart, a pause) still runs, once
KICK_POLL_SECONDS = 0.5  # how soon a kick is acted on; the signal handler only sets an event (no locks in handlers)


def build_scheduler(store_url: str, *, threads: int = 4) -> BackgroundScheduler:
    return BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=store_url, tablename="apscheduler_jobs")},
        executors={"default": ThreadPoolExecutor(max_workers=threads)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS},
        timezone=UTC,
    )


def register_streams(scheduler: BackgroundScheduler, cfg: CrmhubConfig, config_path: Path) -> list[str]:
    """Add or replace a job per enabled stream and per scheduled write-back; drop jobs that left the config.
    Interval jobs run once now (a restart must not leave data or scores stale for a whole interval); cron jobs
    keep their slots. Returns the job ids."""
    wanted: list[str] = []
    now = datetime.now(UTC)
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
            _add(scheduler, job_id, f"sync {name}/{obj}", func, args, cfg.effective_schedule(name, obj), now)
            wanted.append(job_id)
        if conn.writeback.enabled and conn.writeback.schedule is not None:
            job_id = f"{WRITEBACK_PREFIX}{name}"
            # Under either executor in this process: one write-back per connection at a time, and it is light.
            _add(scheduler, job_id, f"write-back {name}", "sync.writeback.job:run_writeback_job",
                 [str(config_path), name], conn.writeback.schedule, now)
            wanted.append(job_id)
    for job in scheduler.get_jobs():
        if job.id.startswith(OUR_PREFIXES) and job.id not in wanted:
            scheduler.remove_job(job.id)
    return wanted


def _add(scheduler: BackgroundScheduler, job_id: str, name: str, func: str, args: list[str], schedule: Schedule,
         now: datetime) -> None:
    trigger = schedule.trigger()
    first = {"next_run_time": now} if isinstance(trigger, IntervalTrigger) else {}
    scheduler.add_job(func, trigger=trigger, args=args, id=job_id, name=name, replace_existing=True, **first)


def next_runs(scheduler: BackgroundScheduler) -> list[dict[str, Any]]:
    """Each of crmhub's jobs with its schedule and next run (what ``crmhub scheduler`` prints at start)."""
    return [{"job": job.id, "name": job.name, "trigger": str(job.trigger), "next_run": job.next_run_time}
            for job in sorted(scheduler.get_jobs(), key=lambda j: (j.next_run_time is None, j.next_run_time, j.id))
            if job.id.startswith(OUR_PREFIXES)]


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


def run_forever(scheduler: BackgroundScheduler, cfg: CrmhubConfig, config_path: Path, stop: threading.Event,
                kick: threading.Event | None = None,
                started: Callable[[list[dict[str, Any]]], None] | None = None) -> list[str]:
    """Start paused, register, tell ``started`` each job's next run, resume; each ``kick`` (SIGUSR1) is one tick
    of every stream now; on ``stop`` (SIGINT/SIGTERM) let running jobs finish, then return."""
    scheduler.start(paused=True)
    ids = register_streams(scheduler, cfg, config_path)
    if started is not None:
        started(next_runs(scheduler))
    scheduler.resume()
    try:
        while not stop.wait(KICK_POLL_SECONDS if kick is not None else None):
            if kick is not None and kick.is_set():
                kick.clear()
                tick_now(scheduler)
    finally:
        scheduler.shutdown(wait=True)
    return ids
