"""The instance's custom objects: their types (metadata) and records, and the record operations of the REST API.

Sync Custom Objects (``action`` createOrUpdate | createOnly | updateOnly; ``dedupeBy`` dedupeFields | idField, the
latter with updateOnly only) and Delete Custom Objects (``deleteBy`` dedupeFields | idField) answer per record, in
input order, with ``seq``. A link value must name a live record of the linked object (``1004 Lead not found``),
as Marketo's sync does.
"""

from __future__ import annotations

from typing import Any

from sandbox.marketo.co_records import CoRecords, skipped, typed_values
from sandbox.marketo.co_schema import CoField, CoType, CoVersion, Registry
from sandbox.marketo.envelope import invalid, missing
from sandbox.marketo.lead_model import Lead
from sandbox.marketo.store import LeadStore

MAX_INPUT = 300
ACTIONS = ("createOrUpdate", "createOnly", "updateOnly")
KEYS = ("dedupeFields", "idField")


class CustomObjects:
    def __init__(self, leads: LeadStore) -> None:
        self.registry = Registry()
        self.records: dict[str, CoRecords] = {}
        self.leads = leads

    def of(self, api_name: str) -> tuple[CoType, CoVersion, CoRecords]:
        t = self.registry.approved(api_name)
        assert t.approved is not None
        return t, t.approved, self.records.setdefault(api_name, CoRecords())

    # -- links ---------------------------------------------------------------------------------------------
    def link_exists(self, f: CoField, value: Any) -> bool:
        if value is None or f.related_to is None:
            return True
        obj, target = f.related_to
        if obj == "lead":
            return bool(self.leads.find("id" if target == "id" else "email", value))
        if obj == "company":
            return True  # Marketo companies are not modelled: any company id is taken as it is given
        _, version, records = self.of(obj)
        return bool(records.find(version, target, value))

    def on_lead_deleted(self, lead: Lead, now: int) -> None:
        """A deleted lead takes the records linked to it (by id or email) with it."""
        for api_name, t in self.registry.types.items():
            version = t.approved
            if version is None:
                continue
            records = self.records.setdefault(api_name, CoRecords())
            for link in version.links():
                if link.related_to is None or link.related_to[0] != "lead":
                    continue
                value = lead.id if link.related_to[1] == "id" else lead.get("email")
                for guid in records.linked(value):
                    records.delete(version, guid, now=now)

    # -- record operations ------------------------------------------------------------------------------------
    def sync(self, api_name: str, body: dict[str, Any], *, now: int) -> list[dict[str, Any]]:
        _, version, records = self.of(api_name)
        action = body.get("action") or "createOrUpdate"
        dedupe_by = body.get("dedupeBy") or "dedupeFields"
        if action not in ACTIONS:
            raise invalid(f"Invalid action '{action}'")
        if dedupe_by not in KEYS:
            raise invalid(f"Invalid dedupeBy '{dedupe_by}': expected dedupeFields or idField")
        if dedupe_by == "idField" and action != "updateOnly":
            raise invalid("dedupeBy idField is only valid with action updateOnly")
        return [self._sync_one(version, records, i, raw, action, dedupe_by, now)
                for i, raw in enumerate(_input(body))]

    def _sync_one(self, version: CoVersion, records: CoRecords, seq: int, raw: Any, action: str, dedupe_by: str,
                  now: int) -> dict[str, Any]:
        if not isinstance(raw, dict):
            return skipped(seq, "1003", "Invalid data")
        values = typed_values(version, raw, allow_guid=dedupe_by == "idField")
        if "_skip" in values:
            return skipped(seq, str(values["_skip"]), str(values["_message"]))
        for link in version.links():
            if link.name in values and not self.link_exists(link, values[link.name]):
                return skipped(seq, "1004", "Lead not found")
        if dedupe_by == "idField":
            record = records.live.get(str(raw.get("marketoGUID") or ""))
            if record is None:
                return skipped(seq, "1013", "Object not found")
            changing = [d for d in version.dedupe_fields() if d in values and values[d] != record.values.get(d)]
            if changing:
                return skipped(seq, "1003", f"Dedupe field '{changing[0]}' cannot be changed")
            records.change(version, record, values, now=now)
            return {"seq": seq, "marketoGUID": record.guid, "status": "updated"}
        absent = [d for d in version.dedupe_fields() if values.get(d) is None]
        if absent:
            return skipped(seq, "1003", f"Value for dedupe field '{absent[0]}' not specified")
        found = records.by_key(version, values)
        if found is not None and action == "createOnly":
            return skipped(seq, "1017", "Object already exists")
        if found is None and action == "updateOnly":
            return skipped(seq, "1013", "Object not found")
        if found is not None:
            records.change(version, found, values, now=now)
            return {"seq": seq, "marketoGUID": found.guid, "status": "updated"}
        missing_link = [f.name for f in version.links() if values.get(f.name) is None]
        if missing_link:
            return skipped(seq, "1003", f"Value for link field '{missing_link[0]}' not specified")
        created = records.add(version, values, now=now)
        return {"seq": seq, "marketoGUID": created.guid, "status": "created"}

    def delete(self, api_name: str, body: dict[str, Any], *, now: int) -> list[dict[str, Any]]:
        _, version, records = self.of(api_name)
        delete_by = body.get("deleteBy") or "dedupeFields"
        if delete_by not in KEYS:
            raise invalid(f"Invalid deleteBy '{delete_by}': expected dedupeFields or idField")
        out = []
        for seq, raw in enumerate(_input(body)):
            record = None
            if isinstance(raw, dict):
                if delete_by == "idField":
                    record = records.live.get(str(raw.get("marketoGUID") or ""))
                else:
                    values = typed_values(version, raw, allow_guid=False)
                    record = None if "_skip" in values else records.by_key(version, values)
            if record is not None and records.delete(version, record.guid, now=now):
                out.append({"seq": seq, "marketoGUID": record.guid, "status": "deleted"})
            else:
                out.append(skipped(seq, "1013", "Object not found"))
        return out


def _input(body: dict[str, Any]) -> list[Any]:
    records = body.get("input")
    if records is None:
        raise missing("input")
    if not isinstance(records, list):
        raise invalid("input must be an array")
    if len(records) > MAX_INPUT:
        raise invalid(f"Too many records in input: at most {MAX_INPUT} allowed")
    return records
