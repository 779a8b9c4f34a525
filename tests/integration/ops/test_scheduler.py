"""APScheduler in one process with its job store in the canonical database: one job per stream, kept in step with
the config across restarts; a tick under the local executor runs the stream here."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from sqlalchemy import Engine, select

from config import load_config
from sandbox.common.launcher import SandboxProcess
from store.tables import sync_run
from sync.scheduler import build_scheduler, next_runs, register_streams
from tests.support.ops_config import OBJECTS, write_config


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_jobs_persist_in_the_store_and_follow_the_config(db: Engine, hubspot: SandboxProcess, tmp_path: Path) -> None:
    path = write_config(tmp_path / "crmhub.yaml", hubspot, _url(db))
    first = build_scheduler(_url(db))
    first.start(paused=True)
    ids = register_streams(first, load_config(path), path)
    assert sorted(ids) == sorted(f"sync:hs_ops/{o}" for o in OBJECTS)
    job = first.get_job("sync:hs_ops/contacts")
    assert job.coalesce and job.max_instances == 1 and job.next_run_time.tzinfo is not None
    first.shutdown(wait=False)
    # A restart with one stream fewer: the store still has the jobs, and the dropped one goes.
    path.write_text(path.read_text().replace(", contacts]", "]"))
    second = build_scheduler(_url(db))
    second.start(paused=True)
    assert len(second.get_jobs()) == len(OBJECTS)  # read back from the database, not re-created
    register_streams(second, load_config(path), path)
    assert sorted(j.id for j in second.get_jobs()) == sorted(f"sync:hs_ops/{o}" for o in OBJECTS[:-1])
    second.shutdown(wait=False)


def test_a_tick_runs_each_stream_once_under_the_local_executor(db: Engine, hubspot: SandboxProcess,
                                                               tmp_path: Path) -> None:
    path = write_config(tmp_path / "crmhub.yaml", hubspot, _url(db))
    scheduler = build_scheduler(_url(db))
    scheduler.start(paused=True)
    ids = register_streams(scheduler, load_config(path), path)
    done = threading.Semaphore(0)
    scheduler.add_listener(lambda _event: done.release(), EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    for job_id in ids:
        scheduler.modify_job(job_id, next_run_time=datetime.now(UTC))
    scheduler.resume()
    assert all(done.acquire(timeout=120) for _ in ids)
    scheduler.shutdown(wait=True)  # the next ticks are an hour away
    with db.connect() as conn:
        runs = conn.execute(select(sync_run.c.object, sync_run.c.status)).all()
    assert sorted(runs) == sorted((o, "succeeded") for o in OBJECTS)


def test_interval_jobs_run_at_start_cron_jobs_wait_and_write_back_is_scheduled(hubspot: SandboxProcess,
                                                                               tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crmhub.db'}"
    path = write_config(tmp_path / "crmhub.yaml", hubspot, url)
    text = path.read_text().replace("    schedule: {interval_minutes: 60}\n", "    schedule: {cron: '0 3 * * *'}\n")
    text = text.replace(f"objects: [{', '.join(OBJECTS)}]",
                        "objects: {owners: {schedule: {interval_minutes: 30}}, contacts: {}}")
    path.write_text(text + "    writeback: {enabled: true, fields: {lead_score: crmhub_score}, "
                           "schedule: {interval_minutes: 120}}\n")
    scheduler = build_scheduler(url)
    scheduler.start(paused=True)
    before = datetime.now(UTC)
    ids = register_streams(scheduler, load_config(path), path)
    after = datetime.now(UTC)
    assert sorted(ids) == ["sync:hs_ops/contacts", "sync:hs_ops/owners", "writeback:hs_ops"]
    runs = {r["job"]: r for r in next_runs(scheduler)}
    assert before <= runs["sync:hs_ops/owners"]["next_run"] <= after  # interval: once now
    assert before <= runs["writeback:hs_ops"]["next_run"] <= after
    cron = runs["sync:hs_ops/contacts"]["next_run"]
    assert (cron.hour, cron.minute) == (3, 0) and cron > after  # cron: its slot
    assert "interval" in runs["writeback:hs_ops"]["trigger"] and "cron" in runs["sync:hs_ops/contacts"]["trigger"]
    job = scheduler.get_job("writeback:hs_ops")
    assert job.func_ref == "sync.writeback.job:run_writeback_job" and job.args == (str(path), "hs_ops")
    scheduler.shutdown(wait=False)
    # Write-back no longer scheduled: its job goes at the next start.
    path.write_text(text)
    again = build_scheduler(url)
    again.start(paused=True)
    assert "writeback:hs_ops" not in register_streams(again, load_config(path), path)
    assert again.get_job("writeback:hs_ops") is None
    again.shutdown(wait=False)
