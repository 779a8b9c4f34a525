"""Deterministic rules: records that share a key are the same person (or company), with confidence 1.

People: the same normalised email (not a role mailbox such as ``info@``); a cross-system id (Marketo's
``sfdcLeadId`` / ``sfdcContactId`` name the Salesforce Lead / Contact it syncs with); a converted lead and the
contact it became (``converted_contact_id``). Accounts: the same web domain (``domain``, else the host of ``website``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence

from identity import normalize
from identity.edges import Edge
from identity.records import Kind, Rec

# Where a Salesforce id is named by another CRM's record: custom key -> the Salesforce object it points at.
SFDC_ID_KEYS = {"sfdcLeadId": "Lead", "sfdcContactId": "Contact"}


def deterministic(recs: Sequence[Rec], kind: Kind) -> list[Edge]:
    if kind == "account":
        return _shared(recs, "domain", lambda r: r.domain)
    return _shared(recs, "email", lambda r: normalize.personal_email(r.email)) + _crm_ids(recs) + _converted(recs)


def _shared(recs: Sequence[Rec], rule: str, key: Callable[[Rec], Hashable | None]) -> list[Edge]:
    """A star per group of records sharing a key: the first record (by id) linked to each of the others."""
    groups: dict[Hashable, list[int]] = defaultdict(list)
    for i, rec in enumerate(recs):
        value = key(rec)
        if value is not None:
            groups[value].append(i)
    return [Edge.of(g[0], j, rule, 1.0, {rule: str(value)}) for value, g in groups.items() for j in g[1:]]


def _sf_key(object_name: str, record_id: str) -> tuple[str, str]:
    # Salesforce ids compare on their case-sensitive 15-character form; 18-character ids add a checksum suffix.
    return object_name, record_id[:15] if len(record_id) == 18 else record_id


def _crm_ids(recs: Sequence[Rec]) -> list[Edge]:
    by_sf_id = {_sf_key(r.object, r.source_id): i for i, r in enumerate(recs) if r.object in SFDC_ID_KEYS.values()}
    edges = []
    for i, rec in enumerate(recs):
        for key, sf_object in SFDC_ID_KEYS.items():
            value = rec.custom.get(key)
            if not isinstance(value, str) or not value:
                continue
            j = by_sf_id.get(_sf_key(sf_object, value))
            if j is not None and j != i:
                edges.append(Edge.of(i, j, "crm_id", 1.0, {key: value}))
    return edges


def _converted(recs: Sequence[Rec]) -> list[Edge]:
    index = {r.id: i for i, r in enumerate(recs)}
    edges = []
    for i, rec in enumerate(recs):
        target = rec.values.get("converted_contact_id") if rec.entity == "lead" else None
        j = index.get(target) if target else None
        if j is not None:
            edges.append(Edge.of(i, j, "converted", 1.0, {"converted_contact_id": recs[j].source_id}))
    return edges


def keyed_pairs(edges: Iterable[Edge]) -> set[tuple[int, int]]:
    return {(e.a, e.b) for e in edges}
