"""Bulk API 2.0 jobs and their life cycle, moved on by the store's ``settle`` like a background worker.

Query: UploadComplete -> InProgress -> JobComplete. Ingest: Open -> (one CSV upload) -> UploadComplete ->
InProgress -> JobComplete (or Failed); Aborted from any non-final state. ``bulk_latency_s`` is how long the
processing takes; a job's records are written when it completes.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sandbox.common.sfids import sfdc_id
from sandbox.salesforce.paths import Path
from sandbox.salesforce.timefmt import fmt_datetime

FINAL = ("JobComplete", "Failed", "Aborted")


@dataclass
class Job:
    id: str
    kind: str  # "query" or "ingest"
    operation: str
    object: str
    created_by: str
    created_at: datetime
    version: str
    line_ending: str = "LF"
    delimiter: str = "COMMA"
    state: str = "Open"
    modstamp: datetime | None = None
    external_id_field: str | None = None
    error_message: str | None = None
    ready_at: datetime | None = None  # when processing (query: the snapshot's delivery) completes
    processed: int = 0
    failed: int = 0
    # query jobs
    query: str = ""
    compiled: Any = None  # the checked query, run when the job's processing completes
    ids: list[str] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    # ingest jobs
    upload: str | None = None
    header: list[str] = field(default_factory=list)
    columns: Any = None  # the header resolved against the object, once processing starts
    todo: list[list[str]] = field(default_factory=list)  # rows not processed yet
    successful: list[list[str]] = field(default_factory=list)
    failures: list[list[str]] = field(default_factory=list)
    unprocessed: list[list[str]] = field(default_factory=list)

    def info(self, *, full: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id, "operation": self.operation, "object": self.object, "createdById": self.created_by,
            "createdDate": fmt_datetime(self.created_at), "systemModstamp": fmt_datetime(self.modstamp or
                                                                                        self.created_at),
            "state": self.state,
        }
        if self.external_id_field:
            out["externalIdFieldName"] = self.external_id_field
        out.update({"concurrencyMode": "Parallel", "contentType": "CSV", "apiVersion": float(self.version)})
        if self.kind == "ingest" and self.state == "Open":
            out["contentUrl"] = f"services/data/v{self.version}/jobs/ingest/{self.id}/batches"
        out.update({"lineEnding": self.line_ending, "columnDelimiter": self.delimiter})
        if not full:
            return out
        out["jobType"] = "V2Query" if self.kind == "query" else "V2Ingest"
        out["numberRecordsProcessed"] = self.processed
        if self.kind == "ingest":
            out["numberRecordsFailed"] = self.failed
        out["retries"] = 0
        busy_ms = int(self.processed * 0.4) + (5 if self.state in FINAL else 0)
        out["totalProcessingTime"] = busy_ms
        if self.kind == "ingest":
            out.update({"apiActiveProcessingTime": busy_ms, "apexProcessingTime": 0})
        else:
            out["isPkChunkingSupported"] = True
        if self.error_message:
            out["errorMessage"] = self.error_message
        return out


class BulkJobs:
    def __init__(self, *, now: Callable[[], datetime], latency_s: float) -> None:
        self.now = now
        self.latency = timedelta(seconds=latency_s)
        self.jobs: dict[str, Job] = {}
        self._active: set[str] = set()  # jobs being processed: every request moves them on, so keep it small
        self._numbers = itertools.count(1)
        # kind -> one step of processing a due job; True once the job is fully processed
        self.processors: dict[str, Callable[[Job], bool]] = {}

    def create(self, **kw: Any) -> Job:
        now = self.now()
        job = Job(id=sfdc_id("750", next(self._numbers)), created_at=now, modstamp=now, **kw)
        self.jobs[job.id] = job
        return job

    def get(self, job_id: str, kind: str) -> Job | None:
        job = self.jobs.get(job_id)
        return job if job is not None and job.kind == kind else None

    def set_state(self, job: Job, state: str) -> None:
        job.state = state
        job.modstamp = self.now()
        if state == "UploadComplete":
            job.ready_at = self.now() + self.latency
            self._active.add(job.id)
        self.advance()

    def advance(self) -> None:
        """Move jobs on: half-way through their processing time InProgress; once it is over, process them (a
        chunk of rows per call, so a 250,000-row load never stalls the server) and complete them."""
        now = self.now()
        for job_id in sorted(self._active):
            job = self.jobs.get(job_id)
            if job is None or job.state not in ("UploadComplete", "InProgress") or job.ready_at is None:
                self._active.discard(job_id)
                continue
            if now >= job.ready_at:
                job.state, job.modstamp = "InProgress", now
                if self.processors[job.kind](job) and job.state == "InProgress":
                    job.state = "JobComplete"
                if job.state in FINAL:
                    self._active.discard(job_id)
            elif job.state == "UploadComplete" and now >= job.ready_at - self.latency / 2:
                job.state, job.modstamp = "InProgress", now
