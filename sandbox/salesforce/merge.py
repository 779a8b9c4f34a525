"""Merging duplicates, as a person does in the UI (Accounts, Contacts, Leads; up to two losing records).

The survivor keeps its values; every child of a losing record is re-parented to it (its SystemModstamp moves);
each losing record gets MasterRecordId = the survivor and is deleted to the Recycle Bin, so ``queryAll`` shows
it with IsDeleted and MasterRecordId, and ``sobjects/{name}/deleted`` lists it.
"""

from __future__ import annotations

from typing import Any

from sandbox.salesforce.coerce import RecordError, RecordsRefused
from sandbox.salesforce.fields import ObjectDef
from sandbox.salesforce.org import Org
from sandbox.salesforce.writes import Prepared

MERGEABLE = ("Account", "Contact", "Lead")
MAX_LOSERS = 2


def _ok(prepared: Prepared | list[RecordError]) -> Prepared:
    if isinstance(prepared, list):
        raise RecordsRefused(prepared)
    return prepared


def merge(org: Org, obj: ObjectDef, primary: str, losers: list[str], *, actor: str) -> dict[str, Any]:
    if obj.name not in MERGEABLE:
        raise RecordsRefused([RecordError("INVALID_TYPE_FOR_OPERATION", f"{obj.name} records cannot be merged", [])])
    if not 1 <= len(losers) <= MAX_LOSERS or primary in losers:
        raise RecordsRefused([RecordError("INVALID_OPERATION", "merge needs one survivor and one or two other "
                                           "records", [])])
    for rid in (primary, *losers):
        found = org.writer.existing(obj, rid)
        if isinstance(found, RecordError):
            raise RecordsRefused([found])
        if obj.name == "Lead" and found[org.store.tables["Lead"].columns["IsConverted"]]:
            raise RecordsRefused([RecordError("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead",
                                               [])])
    reparented: dict[str, list[str]] = {}
    batch: list[Prepared] = []
    doomed = set(losers)
    for rel in org.catalog.children_of(obj.name):
        child = org.store.tables[rel.child.name]
        ix = child.columns[rel.field.name]
        for cid, row in child.rows.items():
            if row[ix] in doomed and not row[child.ix_deleted]:
                batch.append(_ok(org.writer.prepare_system_update(rel.child, cid, {rel.field.name: primary},
                                                                  actor=actor)))
                reparented.setdefault(rel.child.name, []).append(cid)
    for rid in losers:
        batch.append(_ok(org.writer.prepare_system_update(obj, rid, {"MasterRecordId": primary}, actor=actor)))
    org.writer.apply(batch)
    deleted = org.store.delete(obj.name, losers, mode="soft", actor=actor)
    return {"primary": primary, "merged": losers, "reparented": reparented,
            "deleted": [{"object": d.obj, "id": d.id} for d in deleted]}
