"""Bulk extract jobs: Created -> Queued -> Processing -> Completed (or Cancelled), on the sandbox clock.

One queue is shared by lead and activity exports: at most 10 jobs queued or processing and 2 processing at once.
A job processes for at least ``export_job_s`` seconds of sandbox clock, and until its file is written: the file is
built in a worker thread from the records picked when processing began, and appears whole when the job completes.
Its bytes count against the day's export quota (US Central days). Completed files are kept 7 days, statuses 30.
State moves lazily: every call that looks at jobs first replays what happened since the last look.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sandbox.common.clock import Clock
from sandbox.marketo.config import Settings
from sandbox.marketo.envelope import MarketoError, invalid
from sandbox.marketo.timefmt import central_day, iso

FILE_RETENTION_S = 7 * 86_400
STATUS_RETENTION_S = 30 * 86_400


@dataclass
class ExportJob:
    id: str
    kind: str                     # "leads" | "activities"
    format: str
    spec: dict[str, Any]          # the checked job definition the file builder reads
    status: str = "Created"
    created_at: float = 0.0
    queued_at: float | None = None
    started_at: float | None = None
    finished_at: float | None = None
    records: int | None = None
    file: bytes | None = None
    checksum: str | None = None
    size: int = 0               # the size written at completion (a corrupted file no longer matches it)
    work: Future[tuple[bytes, int, float]] | None = None

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"exportId": self.id, "format": self.format, "status": self.status,
                               "createdAt": iso(self.created_at)}
        for key, value in (("queuedAt", self.queued_at), ("startedAt", self.started_at),
                           ("finishedAt", self.finished_at)):
            if value is not None:
                out[key] = iso(value)
        if self.status == "Completed":
            out["numberOfRecords"] = self.records
            out["fileSize"] = self.size
            out["fileChecksum"] = self.checksum
        return out


Planner = Callable[[ExportJob], Callable[[], tuple[bytes, int]]]
WAIT_S = 2.0  # how long a status call waits for a due file before answering "Processing"


class Exports:
    def __init__(self, *, settings: Settings, clock: Clock, plan: Planner) -> None:
        self.settings = settings
        self.clock = clock
        self.plan = plan
        self.workers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="marketo-export")
        self.jobs: dict[str, ExportJob] = {}
        self.bytes_by_day: dict[Any, int] = {}
        self._slot_free_at = 0.0

    # -- the queue -------------------------------------------------------------------------------------
    def advance(self) -> None:
        now = self.clock.now().timestamp()
        duration = self.settings.export_job_s
        waited: set[str] = set()
        while True:
            self._start_waiting()
            due = [j for j in self.jobs.values()
                   if j.status == "Processing" and (j.started_at or 0) + duration <= now]
            ready = [j for j in sorted(due, key=lambda j: j.started_at or 0) if self._written(j, waited)]
            if not ready:
                return
            job = min(ready, key=lambda j: self._finish_time(j, duration))
            self._complete(job, self._finish_time(job, duration))
            self._slot_free_at = job.finished_at or now

    def _written(self, job: ExportJob, waited: set[str]) -> bool:
        assert job.work is not None
        if not job.work.done() and job.id not in waited:
            waited.add(job.id)
            try:
                job.work.result(timeout=WAIT_S)
            except FutureTimeout:
                return False
            except Exception:  # the job fails, as Marketo's sometimes do; the sandbox keeps serving
                return True
        return job.work.done()

    @staticmethod
    def _finish_time(job: ExportJob, duration: int) -> float:
        assert job.work is not None
        written_at = job.work.result()[2] if job.work.exception() is None else 0.0
        return max((job.started_at or 0) + duration, written_at)

    def _start_waiting(self) -> None:
        running = sum(1 for j in self.jobs.values() if j.status == "Processing")
        waiting = sorted((j for j in self.jobs.values() if j.status == "Queued"), key=lambda j: j.queued_at or 0)
        for job in waiting[: max(0, self.settings.export_max_running - running)]:
            job.status = "Processing"
            job.started_at = max(job.queued_at or 0, self._slot_free_at)
            write = self.plan(job)
            job.work = self.workers.submit(self._timed, write)

    def _timed(self, write: Callable[[], tuple[bytes, int]]) -> tuple[bytes, int, float]:
        data, records = write()
        return data, records, self.clock.now().timestamp()

    def _complete(self, job: ExportJob, at: float) -> None:
        assert job.work is not None
        if job.work.exception() is not None:
            job.status, job.finished_at = "Failed", at
            return
        data, records, _ = job.work.result()
        job.file, job.records, job.size = data, records, len(data)
        job.checksum = "sha256:" + hashlib.sha256(data).hexdigest()
        job.status, job.finished_at = "Completed", at
        job.work = None
        day = central_day(datetime.fromtimestamp(at, UTC))
        self.bytes_by_day[day] = self.bytes_by_day.get(day, 0) + len(data)

    # -- operations ------------------------------------------------------------------------------------
    def create(self, kind: str, fmt: str, spec: dict[str, Any]) -> ExportJob:
        self.advance()
        self._check_quota()
        job = ExportJob(str(uuid.uuid4()), kind, fmt, spec, created_at=self.clock.now().timestamp())
        self.jobs[job.id] = job
        return job

    def get(self, kind: str, export_id: str) -> ExportJob:
        self.advance()
        job = self.jobs.get(export_id)
        now = self.clock.now().timestamp()
        if job is None or job.kind != kind or (job.finished_at is not None
                                               and now - job.finished_at > STATUS_RETENTION_S):
            raise invalid(f"Export id '{export_id}' not found")
        return job

    def enqueue(self, kind: str, export_id: str) -> ExportJob:
        job = self.get(kind, export_id)
        if job.status in ("Queued", "Processing"):
            raise MarketoError("1029", "Job already queued")
        if job.status != "Created":
            raise invalid(f"Export job '{export_id}' cannot be enqueued from status {job.status}")
        active = sum(1 for j in self.jobs.values() if j.status in ("Queued", "Processing"))
        if active >= self.settings.export_max_queued:
            raise MarketoError("1029", f"Too many jobs ({self.settings.export_max_queued}) in queue")
        self._check_quota()
        job.status, job.queued_at = "Queued", self.clock.now().timestamp()
        self.advance()
        return job

    def cancel(self, kind: str, export_id: str) -> ExportJob:
        job = self.get(kind, export_id)
        if job.status not in ("Created", "Queued", "Processing"):
            raise invalid(f"Export job '{export_id}' cannot be cancelled from status {job.status}")
        if job.status == "Processing":
            self._slot_free_at = self.clock.now().timestamp()
        job.status = "Cancelled"
        self.advance()
        return job

    def listing(self, kind: str, statuses: set[str]) -> list[ExportJob]:
        self.advance()
        now = self.clock.now().timestamp()
        jobs = [j for j in self.jobs.values() if j.kind == kind and now - j.created_at <= FILE_RETENTION_S
                and (not statuses or j.status in statuses)]
        return sorted(jobs, key=lambda j: j.created_at, reverse=True)

    def file(self, kind: str, export_id: str) -> ExportJob | None:
        """The completed job whose file is still kept, or ``None`` (the endpoint then answers 404)."""
        self.advance()
        job = self.jobs.get(export_id)
        now = self.clock.now().timestamp()
        if job is None or job.kind != kind or job.status != "Completed" or job.file is None:
            return None
        if now - (job.finished_at or now) > FILE_RETENTION_S:
            return None
        return job

    def corrupt(self, export_id: str) -> ExportJob | None:
        self.advance()
        job = self.jobs.get(export_id)
        if job is None or job.file is None:
            return None
        data = bytearray(job.file)
        # Truncate the tail and flip a byte: what a broken transfer or a bad disk would leave.
        if len(data) > 1:
            data[len(data) // 2] ^= 0x20
            del data[-max(1, len(data) // 10):]
        job.file = bytes(data)
        return job

    def used_today(self) -> int:
        return self.bytes_by_day.get(central_day(self.clock.now()), 0)

    def _check_quota(self) -> None:
        limit = self.settings.export_daily_mb * 1024 * 1024
        if self.settings.limits_enabled and self.used_today() >= limit:
            raise MarketoError("1029", "Export daily quota exceeded")
