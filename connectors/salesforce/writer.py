"""Writing to Salesforce: sObject Collections (<= 200 a call, allOrNone=false), Bulk 2.0 ingest above a threshold.

Every change gets one result, in order. ``source_id`` is a record Id (update), or ``<ExternalIdField>=<value>``
(upsert by that external id: ``External_Id__c=ACC-0000042`` creates the record when no record has the value).
A change with ``expected_version`` (the modified time crmhub read, or its own write's) is compared with the current
``LastModifiedDate`` first: a record a person saved since is reported as a conflict, not overwritten. A request
Salesforce refuses whole (an unknown field is a 400 for all records) is halved until each bad record stands alone with
its own reason. Collections and Bulk results carry no version, so after a write the written ids' ``SystemModstamp`` is
read back (one SOQL query per 200 ids: an ``IN`` list of 200 Ids stays far below the URI limit, and the call is the
price of a ledger that can tell our own save from a person's later one).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from connectors.base import ObjectSpec, OutboundChange, WriteResult
from connectors.errors import ApiError
from connectors.salesforce.bulk import Bulk
from connectors.salesforce.client import SalesforceClient
from connectors.salesforce.objects import COLLECTION_MAX
from connectors.salesforce.values import parse_instant, soql_string
from connectors.salesforce.write_values import bulk_rows, failure_of, wire

RETRYABLE = {"UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE", "REQUEST_RUNNING_TOO_LONG",
             "ALL_OR_NONE_OPERATION_ROLLED_BACK"}


def target(change: OutboundChange) -> tuple[str | None, str]:
    """(external id field or None, the id or external value)."""
    field, eq, value = change.source_id.partition("=")
    return (field, value) if eq else (None, change.source_id)


class SalesforceWriter:
    def __init__(self, client: SalesforceClient, bulk: Bulk, *, bulk_threshold: int) -> None:
        self.client, self.bulk, self.bulk_threshold = client, bulk, bulk_threshold

    def write(self, spec: ObjectSpec, changes: Sequence[OutboundChange]) -> list[WriteResult]:
        results = self._conflicts(spec, changes)
        todo = [c for c in changes if c.source_id not in results]
        groups: dict[str | None, list[OutboundChange]] = {}
        for c in todo:
            groups.setdefault(target(c)[0], []).append(c)
        for ext, group in groups.items():
            if len(group) >= self.bulk_threshold:
                results.update(self._bulk(spec, ext, group))
                continue
            for start in range(0, len(group), COLLECTION_MAX):
                results.update(self._collection(spec, ext, group[start:start + COLLECTION_MAX]))
        self._versions(spec, results)
        return [results.get(c.source_id) or WriteResult(c.source_id, "failed", "Salesforce returned no result for "
                                                        "this record", retryable=True) for c in changes]

    def current(self, spec: ObjectSpec, source_ids: Sequence[str],
                fields: Sequence[str]) -> dict[str, tuple[dict[str, Any], str | None]]:
        """source_id (a record Id) -> (the fields' values now, SystemModstamp); deleted records are left out."""
        out: dict[str, tuple[dict[str, Any], str | None]] = {}
        names = ", ".join(dict.fromkeys(["Id", "SystemModstamp", *fields]))
        ids = [sid for sid in dict.fromkeys(source_ids) if "=" not in sid]
        for start in range(0, len(ids), COLLECTION_MAX):
            chunk = ", ".join(soql_string(sid) for sid in ids[start:start + COLLECTION_MAX])
            body = self.client.get_json("query", obj=spec.name, params={
                "q": f"SELECT {names} FROM {spec.name} WHERE Id IN ({chunk})"})
            for row in body.get("records", []):
                out[str(row["Id"])] = ({f: row.get(f) for f in fields}, row.get("SystemModstamp"))
        return out

    def _versions(self, spec: ObjectSpec, results: dict[str, WriteResult]) -> None:
        """Put each written record's SystemModstamp after our save on its result (upserts by external id are
        addressed by that id, not ours: their version stays unknown)."""
        written = [sid for sid, r in results.items() if r.ok and "=" not in sid]
        if not written:
            return
        now = self.current(spec, written, ())
        for sid in written:
            if sid in now:
                r = results[sid]
                results[sid] = WriteResult(sid, r.status, r.message, r.retryable, r.fields, version=now[sid][1])

    def _collection(self, spec: ObjectSpec, ext: str | None, chunk: list[OutboundChange]) -> dict[str, WriteResult]:
        records = []
        for c in chunk:
            key, value = target(c)
            rec: dict[str, Any] = {"attributes": {"type": spec.name}, **{k: wire(v) for k, v in c.values.items()}}
            rec[key or "id"] = value
            records.append(rec)
        path = f"composite/sobjects/{spec.name}/{ext}" if ext else "composite/sobjects"
        try:
            body = self.client.send_json("PATCH", path, {"allOrNone": False, "records": records}, obj=spec.name)
        except ApiError as exc:
            if exc.status is None or exc.status >= 500 or exc.status in (401, 403):
                raise
            if len(chunk) == 1:
                return {chunk[0].source_id: WriteResult(chunk[0].source_id, "failed", exc.message[:500], False)}
            half = len(chunk) // 2
            return {**self._collection(spec, ext, chunk[:half]), **self._collection(spec, ext, chunk[half:])}
        out: dict[str, WriteResult] = {}
        for c, row in zip(chunk, body, strict=False):
            if row.get("success"):
                out[c.source_id] = WriteResult(c.source_id, "created" if row.get("created") else "updated")
                continue
            errors = row.get("errors") or []
            codes = {str(e.get("statusCode", "")) for e in errors}
            message = "; ".join(f"{e.get('statusCode')}: {e.get('message')}" for e in errors) or "refused"
            fields = tuple(f for e in errors for f in e.get("fields") or ())
            out[c.source_id] = WriteResult(c.source_id, "failed", f"{spec.name} {c.source_id}: {message}"[:500],
                                           bool(codes & RETRYABLE), fields)
        return out

    def _bulk(self, spec: ObjectSpec, ext: str | None, group: list[OutboundChange]) -> dict[str, WriteResult]:
        key = ext or "Id"
        header, rows = bulk_rows(key, [(target(c)[1], c.values) for c in group])
        found = self.bulk.ingest(spec.name, "upsert" if ext else "update", header, rows, external_id=ext)
        by_key = {target(c)[1]: c.source_id for c in group}
        out: dict[str, WriteResult] = {}
        for row in found["successful"]:
            sid = by_key.get(row.get(key) or row.get("sf__Id", ""))
            if sid:
                created = str(row.get("sf__Created", "")).lower() == "true"
                out[sid] = WriteResult(sid, "created" if created else "updated")
        for row in found["failed"]:
            sid = by_key.get(row.get(key, ""))
            if sid:
                code, message, fields = failure_of(row.get("sf__Error", ""))
                out[sid] = WriteResult(sid, "failed", f"{spec.name} {sid}: {code}: {message}"[:500],
                                       code in RETRYABLE, fields)
        for row in found["unprocessed"]:
            sid = by_key.get(row.get(key, ""))
            if sid:
                out[sid] = WriteResult(sid, "failed", f"{spec.name} {sid}: not processed by the Bulk job", True)
        return out

    def _conflicts(self, spec: ObjectSpec, changes: Sequence[OutboundChange]) -> dict[str, WriteResult]:
        guarded = [c for c in changes if c.expected_version and target(c)[0] is None]
        out: dict[str, WriteResult] = {}
        for start in range(0, len(guarded), COLLECTION_MAX):
            chunk = guarded[start:start + COLLECTION_MAX]
            ids = ", ".join(soql_string(c.source_id) for c in chunk)
            # LastModifiedDate, not SystemModstamp: the system moves SystemModstamp alone (re-parenting, roll-ups,
            # merges), which is nobody's edit; a person's save moves both.
            body = self.client.get_json("query", obj=spec.name, params={
                "q": f"SELECT Id, LastModifiedDate FROM {spec.name} WHERE Id IN ({ids})"})
            current = {str(r["Id"]): r["LastModifiedDate"] for r in body.get("records", [])}
            for c in chunk:
                now = current.get(c.source_id)
                if now is None:
                    out[c.source_id] = WriteResult(c.source_id, "failed", f"{spec.name} {c.source_id}: no such "
                                                   "record (deleted or never existed)", False)
                elif parse_instant(now) > parse_instant(c.expected_version):
                    out[c.source_id] = WriteResult(
                        c.source_id, "conflict",
                        f"{spec.name} {c.source_id}: changed in Salesforce at {parse_instant(now).isoformat()} after "
                        f"crmhub read it ({parse_instant(c.expected_version).isoformat()}); not overwritten")
        return out
