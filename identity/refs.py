"""A canonical row's references read through identity: the cluster (one canonical account or person across
connections) of the record its ``account_id`` or ``contact_id`` names.

Resolution does not rewrite refs: a case synced from HubSpot keeps the canonical id of its HubSpot company, and
``identity_member`` says which cluster that company is in. So every entity that refers to accounts or people — the
opportunity as much as the case, contract, quote, QBR or health record of issue 17 — resolves the same way, by
its ref columns' names, with no per-entity code.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Connection, and_, select

import store
from identity.records import ENTITIES_OF, Kind
from mapping.model import ENTITIES, TABLE_OF
from store.tables import identity_member

# The ref columns that name a record identity clusters, and the kind of cluster it is in.
RESOLVED_REF_KINDS: Mapping[str, Kind] = {
    "account_id": "account",
    "converted_account_id": "account",
    "contact_id": "person",
    "converted_contact_id": "person",
    "lead_id": "person",
}


def resolvable_refs(entity: str) -> tuple[str, ...]:
    """The ref columns of ``entity`` identity resolves (every entity with an account_id has one)."""
    return tuple(f for f, kind in ENTITIES[entity].items() if kind == "ref" and f in RESOLVED_REF_KINDS)


def resolved_refs(conn: Connection, entity: str, column: str) -> dict[str, str]:
    """Live row id of ``entity`` -> the cluster of the record its ``column`` names (rows whose record is in no
    cluster yet, or that name none, are absent)."""
    if column not in resolvable_refs(entity):
        raise ValueError(f"{entity}.{column} is not a ref identity resolves; {entity} has: "
                         f"{', '.join(resolvable_refs(entity)) or 'none'}")
    table = store.canonical_tables[TABLE_OF[entity]]
    m = identity_member.c
    members = ENTITIES_OF[RESOLVED_REF_KINDS[column]]
    query = (select(table.c.id, m.cluster_id)
             .join(identity_member, and_(m.record_id == table.c[column], m.entity.in_(members)))
             .where(table.c.deleted_at.is_(None)))
    return dict(conn.execute(query).tuples().all())
