"""Writing to Dataverse: PATCH per record inside ``$batch`` (<= 1,000 a call), one change set per record.

A change that carries the instant crmhub last knew the row at (``expected_version``, ISO 8601) is checked first:
one ``$batch`` of GETs reads every guarded row's ``modifiedon`` and etag; a row modified since is a conflict (never
overwritten, never retried), the others are PATCHed with ``If-Match: <that etag>`` so a save in between still answers
412. Unguarded changes use ``If-Match: *`` (update only, never a create by accident). Every PATCH asks for
``return=representation`` of ``modifiedon`` so the result carries the row's version after our write (the ledger keeps
it, and the next read of the row is recognised as our own echo). Records are addressed by id or by an alternate key
(``accountnumber=A-1``).
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
from connectors.dynamics.metadata import Catalog
from connectors.dynamics.objects import MAX_BATCH
from connectors.dynamics.values import parse_instant, record_segment
from connectors.dynamics.write_reads import RowNow, read_rows
from connectors.errors import CrmhubError

PROPERTY = re.compile(r"propert(?:y|ies) named '([^']+)'|property '([A-Za-z_][\w]*)'|attribute '?([A-Za-z_][\w]*)'?",
                      re.IGNORECASE)


class DynamicsWriter:
    def __init__(self, client: DynamicsClient, catalog: Catalog, *, batch_size: int = MAX_BATCH) -> None:
        self.client = client
        self.catalog = catalog  # the entity set of each table (a custom table's is not its logical name)
        self.batch_size = min(batch_size, MAX_BATCH)

    def current(self, spec: ObjectSpec, source_ids: Sequence[str],
                fields: Sequence[str]) -> dict[str, tuple[dict[str, Any], str | None]]:
        """source_id -> (the written columns' values now, modifiedon); absent rows are left out."""
        rows = read_rows(self.client, spec, self.catalog.entity_set(spec), source_ids, fields)
        return {sid: (row.values, row.modified) for sid, row in rows.items()}

    def write(self, spec: ObjectSpec, changes: Sequence[OutboundChange]) -> list[WriteResult]:
        results: list[WriteResult | None] = [None] * len(changes)
        entity_set = self.catalog.entity_set(spec)
        guarded = [c.source_id for c in changes if c.expected_version and _is_instant(c.expected_version)]
        now = read_rows(self.client, spec, entity_set, guarded, ()) if guarded else {}
        todo: list[tuple[int, batch.BatchRequest]] = []
        for i, change in enumerate(changes):
            try:
                url = f"{self.client.api_url}{entity_set}{record_segment(change.source_id)}?$select=modifiedon"
            except ValueError as exc:
                results[i] = WriteResult(change.source_id, "failed", f"record {change.source_id}: {exc}", False)
                continue
            if_match, refusal = _guard(change, now)
            if refusal is not None:
                results[i] = refusal
                continue
            headers = {"If-Match": if_match, "Prefer": "return=representation"}
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
        return [_result(changes[i], req, answer) for (i, req), answer in zip(chunk, answers, strict=True)]


def _is_instant(value: str) -> bool:
    try:
        parse_instant(value)
    except (ValueError, TypeError):
        return False
    return True


def _guard(change: OutboundChange, now: dict[str, RowNow]) -> tuple[str, WriteResult | None]:
    """(the If-Match to send, or the result that stops the write)."""
    expected = change.expected_version
    if not expected:
        return "*", None
    if not _is_instant(expected):
        return expected, None  # an etag given as it is: Dataverse compares it
    rid = change.source_id
    row = now.get(rid)
    if row is None:
        return "*", WriteResult(rid, "failed", f"record {rid} does not exist in Dynamics (deleted since crmhub read "
                                               "it)", False)
    if row.modified and parse_instant(row.modified) > parse_instant(expected):
        return "*", WriteResult(rid, "conflict", f"record {rid} changed in Dynamics at {row.modified} after crmhub "
                                                 f"last knew it ({expected}); not overwritten", False,
                                tuple(change.values))
    return row.etag or "*", None


def _result(change: OutboundChange, req: batch.BatchRequest, answer: batch.PartResponse | None) -> WriteResult:
    rid = change.source_id
    if answer is None:
        return WriteResult(rid, "failed", f"record {rid}: no answer in the $batch response", True)
    if answer.status < 300:
        body = answer.body if isinstance(answer.body, dict) else {}
        return WriteResult(rid, "created" if answer.status == 201 else "updated", version=body.get("modifiedon"))
    error = answer.body.get("error", {}) if isinstance(answer.body, dict) else {}
    code, text = str(error.get("code", "")), str(error.get("message", answer.body or ""))[:400]
    if answer.status == 412 and req.headers.get("If-Match", "*") != "*":
        return WriteResult(rid, "conflict", f"record {rid} changed in Dynamics between crmhub's read and its write "
                                            f"(etag {req.headers['If-Match']}); not overwritten", False,
                           tuple(change.values))
    if answer.status == 404:
        return WriteResult(rid, "failed", f"record {rid} does not exist in Dynamics ({code})", False)
    fields = _fields(text, change)
    where = f"record {rid}" + (f", field {', '.join(fields)}" if fields else "")
    retryable = answer.status == 429 or answer.status >= 500
    return WriteResult(rid, "failed", f"{where}: {text} ({code or answer.status})"[:500], retryable, fields)


def _fields(message: str, change: OutboundChange) -> tuple[str, ...]:
    """The column the error is about: named in the message when Dataverse says, else the only one sent."""
    named = {a or b or c for a, b, c in PROPERTY.findall(message)}
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
