"""Bulk Extract of leads for first loads: one job per window of at most 31 days (create -> enqueue -> status ->
file), the file's SHA-256 checked against the job's ``fileChecksum`` (a damaged file is fetched once more, then the
run stops with a clear error), CSV parsed with the stdlib reader. Filter on ``updatedAt`` where the subscription
allows it; Marketo answers 1035 where it does not, and the reader falls back to ``createdAt`` plus ``leadchanges``.
"""

from __future__ import annotations

import hashlib
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta

from connectors.base import Record
from connectors.errors import ApiError
from connectors.marketo.client import MarketoClient
from connectors.marketo.objects import WINDOW_DAYS
from connectors.marketo.values import csv_records, wire_instant

BASE = "/bulk/v1/leads/export"


class UpdatedAtFilterDisabled(Exception):
    """Marketo answered 1035: this subscription has no ``updatedAt`` filter on lead exports."""


def windows(lo: datetime, hi: datetime, days: int = WINDOW_DAYS) -> Iterator[tuple[datetime, datetime]]:
    """``[lo, hi]`` cut into spans of at most ``days`` days; Marketo's bounds are inclusive, so consecutive
    windows share their boundary second (a record there is read twice, never lost)."""
    start = lo
    while start < hi:
        end = min(hi, start + timedelta(days=days))
        yield start, end
        start = end


class LeadExport:
    """Jobs of one export endpoint: leads by default; a custom object's (``base`` ``/bulk/v1/customobjects/{name}/
    export``, ``obj`` its name) takes the same job definition. ``skip_empty``: a job that found no record is not
    downloaded (its file is a header line), a call saved on every quiet window."""

    def __init__(self, client: MarketoClient, *, poll_first: float = 0.5, poll_max: float = 30.0,
                 sleep: Callable[[float], None] = time.sleep, base: str = BASE, obj: str = "leads",
                 skip_empty: bool = False) -> None:
        self.client = client
        self.poll_first, self.poll_max, self.sleep = poll_first, poll_max, sleep
        self.base, self.obj, self.skip_empty = base, obj, skip_empty

    def run(self, fields: Sequence[str], filter_name: str, spans: Iterable[tuple[datetime, datetime]],
            *, ahead: int = 2) -> Iterator[tuple[datetime, datetime, list[Record]]]:
        """Each span's records, in order. ``ahead`` more jobs are queued while one is awaited: Marketo processes
        two at once and a job takes minutes, so a load of many windows should never wait on them one by one."""
        pending: deque[tuple[datetime, datetime, str]] = deque()
        todo = iter(spans)

        def submit() -> None:
            span = next(todo, None)
            if span is not None:
                pending.append((*span, self._submit(fields, filter_name, *span)))

        for _ in range(ahead + 1):
            submit()
        while pending:
            start, end, export_id = pending.popleft()
            status = self._wait(export_id)
            empty = self.skip_empty and status.get("numberOfRecords") == 0
            rows = [] if empty else list(csv_records(self._file(export_id, str(status.get("fileChecksum") or ""))))
            submit()
            yield start, end, rows

    def _submit(self, fields: Sequence[str], filter_name: str, start: datetime, end: datetime) -> str:
        body = {"fields": list(fields), "format": "CSV",
                "filter": {filter_name: {"startAt": wire_instant(start), "endAt": wire_instant(end)}}}
        try:
            created = self.client.post(f"{self.base}/create.json", body, obj=self.obj)
        except ApiError as exc:
            if "error 1035" in exc.message:
                raise UpdatedAtFilterDisabled(exc.message) from None
            raise
        export_id = str(created["result"][0]["exportId"])
        self.client.post(f"{self.base}/{export_id}/enqueue.json", None, obj=self.obj)
        return export_id

    def _wait(self, export_id: str) -> dict[str, object]:
        delay = self.poll_first
        while True:
            status: dict[str, object] = self.client.get(f"{self.base}/{export_id}/status.json",
                                                        obj=self.obj)["result"][0]
            state = status.get("status")
            if state == "Completed":
                return status
            if state in ("Failed", "Cancelled"):
                raise ApiError(f"bulk {self.obj} export {export_id} ended {state}; the cursor stays before this "
                               f"window, so the next run tries it again", object=self.obj)
            self.sleep(delay)
            delay = min(self.poll_max, delay * 2)

    def _file(self, export_id: str, checksum: str) -> bytes:
        algorithm, _, expected = checksum.partition(":")
        got = ""
        for _ in range(2):  # a damaged transfer is fetched once more; a file damaged at rest fails again
            data = self.client.download(f"{self.base}/{export_id}/file.json", obj=self.obj)
            if algorithm != "sha256" or not expected:
                return data
            got = hashlib.sha256(data).hexdigest()
            if got == expected:
                return data
        raise ApiError(f"bulk {self.obj} export {export_id}: the file's SHA-256 {got[:16]}… does not match the job's "
                       f"checksum {expected[:16]}… after a second download; nothing of this window was landed and "
                       f"the cursor stays before it: run again (Marketo builds a new file)", object=self.obj)
