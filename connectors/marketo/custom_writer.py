"""Writing to a Marketo custom object: Sync Custom Objects ``updateOnly`` by ``idField`` (the marketoGUID), at most
300 a call, one result per record in input order; skipped records carry Marketo's reasons (``1013`` not found,
``1006`` unknown field, ``1003`` a bad value or a dedupe field, which names the record and cannot change).

A change that carries the ``updatedAt`` crmhub read is checked first against the current one (a query by
marketoGUID, 300 a call) and reported as a conflict instead of overwriting what someone changed since; after the
write, the records' ``updatedAt`` is read back as each result's version.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from connectors.base import ObjectSpec, OutboundChange, WriteResult
from connectors.errors import CrmhubError
from connectors.marketo.client import MarketoClient
from connectors.marketo.objects import BATCH
from connectors.marketo.values import chunks, parse_instant
from connectors.marketo.writer import PERMANENT


class CustomObjectWriter:
    def __init__(self, client: MarketoClient) -> None:
        self.client = client

    def write(self, spec: ObjectSpec, changes: Sequence[OutboundChange]) -> list[WriteResult]:
        results: dict[int, WriteResult] = {}
        for part in chunks(list(enumerate(changes)), BATCH):
            results.update(self._conflicts(spec.name, list(part)))
            ready = [(i, c) for i, c in part if i not in results]
            if ready:
                results.update(self._sync(spec.name, ready))
        ok = [r.source_id for r in results.values() if r.ok]
        versions = {g: v for g, (_, v) in self.current(spec, ok, []).items()} if ok else {}
        return [WriteResult(r.source_id, r.status, r.message, r.retryable, r.fields,
                            version=versions.get(r.source_id)) if r.ok else r
                for r in (results[i] for i in range(len(changes)))]

    def current(self, spec: ObjectSpec, source_ids: Sequence[str],
                fields: Sequence[str]) -> dict[str, tuple[dict[str, Any], str | None]]:
        """marketoGUID -> (the fields' values now, updatedAt); deleted records are left out."""
        out: dict[str, tuple[dict[str, Any], str | None]] = {}
        names = ",".join(dict.fromkeys(["marketoGUID", "updatedAt", *fields]))
        for part in chunks(list(dict.fromkeys(source_ids)), BATCH):
            token: str | None = None
            while True:
                body = self.client.get(f"/rest/v1/customobjects/{spec.name}.json", {
                    "filterType": "idField", "filterValues": ",".join(part), "fields": names, "batchSize": BATCH,
                    "nextPageToken": token}, obj=spec.name)
                for row in body.get("result") or ():
                    out[str(row["marketoGUID"])] = ({f: row.get(f) for f in fields}, row.get("updatedAt"))
                token = body.get("nextPageToken") if body.get("moreResult") else None
                if not token:
                    break
        return out

    def _sync(self, name: str, part: list[tuple[int, OutboundChange]]) -> dict[int, WriteResult]:
        inputs = [{**{k: _wire(v) for k, v in c.values.items()}, "marketoGUID": c.source_id} for _, c in part]
        try:
            body = self.client.post(f"/rest/v1/customobjects/{name}.json",
                                    {"action": "updateOnly", "dedupeBy": "idField", "input": inputs}, obj=name)
        except CrmhubError as exc:  # the whole call refused: every record gets the reason
            return {i: WriteResult(c.source_id, "failed", exc.message[:500], exc.retryable) for i, c in part}
        rows = body.get("result") or []
        return {i: _result(name, change, rows[pos] if pos < len(rows) else None)
                for pos, (i, change) in enumerate(part)}

    def _conflicts(self, name: str, part: list[tuple[int, OutboundChange]]) -> dict[int, WriteResult]:
        guarded = [(i, c) for i, c in part if c.expected_version]
        if not guarded:
            return {}
        spec = ObjectSpec(name, "", "marketoGUID", "updatedAt")
        now = {g: v for g, (_, v) in self.current(spec, [c.source_id for _, c in guarded], []).items()}
        out: dict[int, WriteResult] = {}
        for i, c in guarded:
            seen = now.get(c.source_id)
            if seen is None:
                out[i] = WriteResult(c.source_id, "failed", f"{name} {c.source_id}: not found in Marketo", False)
            elif parse_instant(seen) != parse_instant(str(c.expected_version)):
                out[i] = WriteResult(c.source_id, "conflict", f"{name} {c.source_id}: changed in Marketo at {seen} "
                                     f"after crmhub read it ({c.expected_version}); not overwritten")
        return out


def _result(name: str, change: OutboundChange, row: dict[str, Any] | None) -> WriteResult:
    sid = change.source_id
    if row is None:
        return WriteResult(sid, "failed", f"{name} {sid}: Marketo returned no result for this record", retryable=True)
    status = str(row.get("status", ""))
    if status in ("updated", "created"):
        return WriteResult(sid, status)
    reasons = row.get("reasons") or []
    codes = {str(r.get("code", "")) for r in reasons}
    text = "; ".join(f"{r.get('code')} {r.get('message')}" for r in reasons) or f"status {status!r}"
    return WriteResult(sid, "failed", f"{name} {sid}: skipped by Marketo: {text}"[:500],
                       retryable=not codes or not codes <= PERMANENT,
                       fields=tuple(f for f in change.values if f in text))


def _wire(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
