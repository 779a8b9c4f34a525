"""Writing to Dataverse: PATCH per record inside ``$batch`` (<= 1,000 a call), one change set per record.

``If-Match: <etag>`` when the change carries the version crmhub read (a 412 means a person changed the record since:
reported as a conflict, never overwritten, never retried); ``If-Match: *`` otherwise, so a PATCH only updates and
never creates a record by accident. Records are addressed by id or by an alternate key (``accountnumber=A-1``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from connectors.base import ObjectSpec, OutboundChange, WriteResult
from connectors.dynamics import batch
from connectors.dynamics.client import DynamicsClient
from connectors.dynamics.objects import MAX_BATCH
from connectors.dynamics.values import record_segment
from connectors.errors import CrmhubError

PROPERTY = re.compile(r"propert(?:y|ies) named '([^']+)'|attribute '?([A-Za-z_][\w]*)'?", re.IGNORECASE)


class DynamicsWriter:
    def __init__(self, client: DynamicsClient, *, batch_size: int = MAX_BATCH) -> None:
        self.client = client
        self.batch_size = min(batch_size, MAX_BATCH)

    def write(self, spec: ObjectSpec, changes: Sequence[OutboundChange]) -> list[WriteResult]:
        results: list[WriteResult | None] = [None] * len(changes)
        todo: list[tuple[int, batch.BatchRequest]] = []
        for i, change in enumerate(changes):
            try:
                url = f"{self.client.api_url}{spec.name}{record_segment(change.source_id)}"
            except ValueError as exc:
                results[i] = WriteResult(change.source_id, "failed", f"record {change.source_id}: {exc}", False)
                continue
            headers = {"If-Match": change.expected_version or "*"}
            todo.append((i, batch.BatchRequest("PATCH", url, headers, {k: _wire(v) for k, v in
                                                                        change.values.items()})))
        chunks = [todo[s:s + self.batch_size] for s in range(0, len(todo), self.batch_size)]
        workers = max(1, min(len(chunks), self.client.max_concurrency))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="dynamics-write") as pool:
            for chunk, answers in zip(chunks, pool.map(lambda c: self._send(spec, c, changes), chunks), strict=True):
                for (i, _), result in zip(chunk, answers, strict=True):
                    results[i] = result
        return [r or WriteResult(c.source_id, "failed", "Dataverse returned no result for this record", True)
                for r, c in zip(results, changes, strict=True)]

    def _send(self, spec: ObjectSpec, chunk: list[tuple[int, batch.BatchRequest]],
              changes: Sequence[OutboundChange]) -> list[WriteResult]:
        body, boundary = batch.build([req for _, req in chunk])
        try:
            resp = self.client.post_batch(body, boundary, object=spec.name)
        except CrmhubError as exc:
            # The whole call failed (throttled past the retries, network): nothing of it was applied.
            return [WriteResult(changes[i].source_id, "failed", f"record {changes[i].source_id}: {exc.message}"[:500],
                                exc.retryable) for i, _ in chunk]
        answers = batch.parse(resp.headers.get("Content-Type", ""), resp.content, len(chunk))
        return [_result(changes[i], answer) for (i, _), answer in zip(chunk, answers, strict=True)]


def _result(change: OutboundChange, answer: batch.PartResponse | None) -> WriteResult:
    rid = change.source_id
    if answer is None:
        return WriteResult(rid, "failed", f"record {rid}: no answer in the $batch response", True)
    if answer.status < 300:
        return WriteResult(rid, "created" if answer.status == 201 else "updated")
    error = answer.body.get("error", {}) if isinstance(answer.body, dict) else {}
    code, text = str(error.get("code", "")), str(error.get("message", answer.body or ""))[:400]
    if answer.status == 412 and change.expected_version:
        return WriteResult(rid, "conflict", f"record {rid} changed in Dynamics since crmhub read it (etag "
                                            f"{change.expected_version}); not overwritten", False, tuple(change.values))
    if answer.status == 404:
        return WriteResult(rid, "failed", f"record {rid} does not exist in Dynamics ({code})", False)
    fields = _fields(text, change)
    where = f"record {rid}" + (f", field {', '.join(fields)}" if fields else "")
    retryable = answer.status == 429 or answer.status >= 500
    return WriteResult(rid, "failed", f"{where}: {text} ({code or answer.status})"[:500], retryable, fields)


def _fields(message: str, change: OutboundChange) -> tuple[str, ...]:
    """The column the error is about: named in the message when Dataverse says, else the only one sent."""
    named = {a or b for a, b in PROPERTY.findall(message)}
    hits = tuple(f for f in change.values if f in named)
    return hits or (tuple(change.values) if len(change.values) == 1 else ())


def _wire(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value
