"""Writing to Marketo: Sync Leads ``updateOnly`` by ``id`` (never by email: ~1% of leads share one, answered 1007),
at most 300 a call, one result per record in Marketo's own order, skipped records with their reasons.

Marketo has no etags; a change that carries the ``updatedAt`` read is checked against the current one first (one
read per 300) and reported as a conflict instead of overwriting what a person changed since. After a call, the
updated leads' ``updatedAt`` is read back (one read per 300) and becomes each result's version. Marketo's visible
``updatedAt`` does not move for custom fields, so after a score write it is usually the version read before: the
ledger still records it, and the engine tells our write from a person's by the values as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from connectors.base import ObjectSpec, OutboundChange, WriteResult
from connectors.errors import CrmhubError
from connectors.marketo.client import MarketoClient
from connectors.marketo.leads import LeadReader
from connectors.marketo.objects import BATCH
from connectors.marketo.values import chunks, parse_instant

# Reasons that fail the same way on a retry: bad value, missing lead, unknown field, several matches, not allowed.
PERMANENT = {"1003", "1004", "1005", "1006", "1007", "1008", "1011", "1012", "1013", "1076", "1077"}


class MarketoWriter:
    def __init__(self, client: MarketoClient, reader: LeadReader) -> None:
        self.client, self.reader = client, reader

    def write(self, spec: ObjectSpec, changes: Sequence[OutboundChange]) -> list[WriteResult]:
        results: dict[int, WriteResult] = {}
        todo: list[tuple[int, OutboundChange]] = []
        for i, change in enumerate(changes):
            if not str(change.source_id).strip().isdigit():
                results[i] = WriteResult(change.source_id, "failed", f"lead {change.source_id!r}: Marketo lead ids "
                                         f"are integers", retryable=False)
            else:
                todo.append((i, change))
        for part in chunks(todo, BATCH):
            results.update(self._conflicts(list(part)))
            ready = [(i, c) for i, c in part if i not in results]
            if ready:
                results.update(self._versions(self._sync(ready)))
        return [results[i] for i in range(len(changes))]

    def current(self, spec: ObjectSpec, source_ids: Sequence[str],
                fields: Sequence[str]) -> dict[str, tuple[dict[str, Any], str | None]]:
        """lead id -> (the fields' values now, updatedAt); deleted leads are left out."""
        ids = [int(s) for s in source_ids if str(s).strip().isdigit()]
        rows = self.reader.by_ids(list(dict.fromkeys(["id", "updatedAt", *fields])), ids)
        return {str(r["id"]): ({f: r.get(f) for f in fields}, r.get("updatedAt")) for r in rows}

    def _versions(self, done: dict[int, WriteResult]) -> dict[int, WriteResult]:
        ok = {r.source_id: i for i, r in done.items() if r.ok}
        if not ok:
            return done
        now = {str(r["id"]): r.get("updatedAt") for r in self.reader.by_ids(["id", "updatedAt"],
                                                                              [int(s) for s in ok])}
        out = dict(done)
        for sid, i in ok.items():
            r = done[i]
            out[i] = WriteResult(sid, r.status, r.message, r.retryable, r.fields, version=now.get(sid))
        return out

    def _sync(self, part: list[tuple[int, OutboundChange]]) -> dict[int, WriteResult]:
        inputs = [{**{k: _wire(v) for k, v in c.values.items()}, "id": int(c.source_id)} for _, c in part]
        try:
            body = self.client.post("/rest/v1/leads.json", {"action": "updateOnly", "lookupField": "id",
                                                            "input": inputs}, obj="leads")
        except CrmhubError as exc:  # the whole call refused: every record gets the reason
            return {i: WriteResult(c.source_id, "failed", exc.message[:500], exc.retryable) for i, c in part}
        out: dict[int, WriteResult] = {}
        rows = body.get("result") or []
        for pos, (i, change) in enumerate(part):
            row = rows[pos] if pos < len(rows) else None  # Marketo answers per input, in input order
            out[i] = _result(change, row)
        return out

    def _conflicts(self, part: list[tuple[int, OutboundChange]]) -> dict[int, WriteResult]:
        guarded = [(i, c) for i, c in part if c.expected_version]
        if not guarded:
            return {}
        current = {r["id"]: r.get("updatedAt") for r in self.reader.by_ids(["id", "updatedAt"],
                                                                            [int(c.source_id) for _, c in guarded])}
        out: dict[int, WriteResult] = {}
        for i, c in guarded:
            now = current.get(c.source_id)
            if now is None:
                out[i] = WriteResult(c.source_id, "failed", f"lead {c.source_id}: not found in Marketo", False)
            elif parse_instant(now) != parse_instant(c.expected_version):
                out[i] = WriteResult(c.source_id, "conflict", f"lead {c.source_id}: changed in Marketo at {now} "
                                     f"after crmhub read it ({c.expected_version}); not overwritten")
        return out


def _result(change: OutboundChange, row: dict[str, Any] | None) -> WriteResult:
    sid = change.source_id
    if row is None:
        return WriteResult(sid, "failed", f"lead {sid}: Marketo returned no result for this record", retryable=True)
    status = str(row.get("status", ""))
    if status in ("updated", "created"):
        return WriteResult(sid, status)
    reasons = row.get("reasons") or []
    codes = {str(r.get("code", "")) for r in reasons}
    text = "; ".join(f"{r.get('code')} {r.get('message')}" for r in reasons) or f"status {status!r}"
    fields = tuple(f for f in change.values if f in text)
    return WriteResult(sid, "failed", f"lead {sid}: skipped by Marketo: {text}"[:500],
                       retryable=not codes or not codes <= PERMANENT, fields=fields)


def _wire(value: Any) -> Any:
    """JSON types as they are; datetimes as ISO-8601 with their offset (Marketo reads a bare time as US Central)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
