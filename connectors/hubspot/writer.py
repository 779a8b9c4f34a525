"""Writing to HubSpot: batch update by id (<= 100 a call), one result per record, 207 partial failures included.

HubSpot has no etags; when a change carries the modified time we read it at, the current one is fetched first (one
batch read per 100) and a record a person touched since is reported as a conflict instead of being overwritten.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from connectors.base import ObjectSpec, OutboundChange, WriteResult
from connectors.errors import ApiError
from connectors.hubspot.client import HubSpotClient
from connectors.hubspot.objects import BATCH_WRITE, modified_property
from connectors.hubspot.values import parse_instant

# Categories that will fail the same way on a retry; anything else (rate, server) may pass later.
PERMANENT = {"VALIDATION_ERROR", "OBJECT_NOT_FOUND", "PROPERTY_DOESNT_EXIST", "READ_ONLY_VALUE", "INVALID_OPTION"}


class HubSpotWriter:
    def __init__(self, client: HubSpotClient) -> None:
        self.client = client

    def write(self, spec: ObjectSpec, changes: Sequence[OutboundChange]) -> list[WriteResult]:
        results: dict[str, WriteResult] = {}
        for start in range(0, len(changes), BATCH_WRITE):
            chunk = list(changes[start:start + BATCH_WRITE])
            conflicts = self._conflicts(spec, chunk)
            results.update({c.source_id: conflicts[c.source_id] for c in chunk if c.source_id in conflicts})
            todo = [c for c in chunk if c.source_id not in conflicts]
            if todo:
                results.update(self._update(spec, todo))
        # Every record gets a result, in the order given.
        return [results.get(c.source_id) or WriteResult(c.source_id, "failed", "HubSpot returned no result for "
                                                        "this record", retryable=True) for c in changes]

    def current(self, spec: ObjectSpec, source_ids: Sequence[str],
                fields: Sequence[str]) -> dict[str, tuple[dict[str, Any], str | None]]:
        """record id -> (the properties' values now, the modified time); archived records are left out."""
        modified = modified_property(spec)
        ids = list(dict.fromkeys(source_ids))
        out: dict[str, tuple[dict[str, Any], str | None]] = {}
        for start in range(0, len(ids), BATCH_WRITE):
            _, body = self.client.batch(spec.name, "read", [{"id": i} for i in ids[start:start + BATCH_WRITE]],
                                        properties=[modified, *fields])
            for row in body.get("results", []):
                props = row.get("properties") or {}
                out[str(row["id"])] = ({f: props.get(f) for f in fields}, props.get(modified) or row.get("updatedAt"))
        return out

    def _update(self, spec: ObjectSpec, todo: list[OutboundChange]) -> dict[str, WriteResult]:
        inputs = [{"id": c.source_id, "properties": {k: _wire(v) for k, v in c.values.items()}} for c in todo]
        try:
            _, body = self.client.batch(spec.name, "update", inputs)
        except ApiError as exc:
            # HubSpot may refuse a whole batch for one bad input: halve it until the bad records stand alone,
            # so the good ones still land and every bad one gets its own reason.
            if len(todo) == 1:
                return {todo[0].source_id: WriteResult(todo[0].source_id, "failed", exc.message[:500], False)}
            half = len(todo) // 2
            return {**self._update(spec, todo[:half]), **self._update(spec, todo[half:])}
        out: dict[str, WriteResult] = {}
        for row in body.get("results", []):
            # updatedAt is the record's new modified time: the ledger keeps it so our own write never reads back
            # as a person's edit in the next conflict check.
            out[str(row["id"])] = WriteResult(str(row["id"]), "updated", version=row.get("updatedAt"))
        for err in body.get("errors", []):
            category = str(err.get("category", ""))
            sub = err.get("errors") or []
            codes = {str(e.get("code", "")) for e in sub}
            message = "; ".join(str(e.get("message", "")) for e in sub) or str(err.get("message", ""))
            context = err.get("context") or {}
            fields = tuple(k for k in context if k != "ids")
            ids = [str(i) for i in context.get("ids", [])]
            retryable = not (category in PERMANENT or codes & PERMANENT)
            for rid in ids or [c.source_id for c in todo if c.source_id not in out]:
                out[rid] = WriteResult(rid, "failed", f"{category}: {message}"[:500], retryable, fields)
        return out

    def _conflicts(self, spec: ObjectSpec, chunk: list[OutboundChange]) -> dict[str, WriteResult]:
        guarded = [c for c in chunk if c.expected_version]
        if not guarded:
            return {}
        modified = modified_property(spec)
        _, body = self.client.batch(spec.name, "read", [{"id": c.source_id} for c in guarded],
                                    properties=[modified])
        current: dict[str, Any] = {str(r["id"]): (r.get("properties") or {}).get(modified)
                                   for r in body.get("results", [])}
        out: dict[str, WriteResult] = {}
        for c in guarded:
            now = current.get(c.source_id)
            if now is None:
                out[c.source_id] = WriteResult(c.source_id, "failed", "record not found in HubSpot", False)
            elif parse_instant(now) != parse_instant(c.expected_version):
                out[c.source_id] = WriteResult(
                    c.source_id, "conflict",
                    f"changed in HubSpot at {parse_instant(now).isoformat()} after crmhub read it "
                    f"({parse_instant(c.expected_version).isoformat()}); not overwritten")
        return out


def _wire(value: Any) -> str | None:
    """HubSpot takes strings; booleans as 'true'/'false'."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
