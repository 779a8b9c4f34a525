"""What a tombstone keeps: the ids and the deletion time, never the person.

When a delete lands, the canonical row keeps only ``TOMBSTONE_KEEPS`` (every other column, ``custom`` included, is
nulled); the raw payloads quarantine kept of the record are emptied and their reasons cut to field and rule (a
reason's value and message quote the record); the record leaves the identity tables (member row, the golden values it
supplied, the evidence of merges it took part in, which quotes emails and ids); and its scores are removed, so
nothing reads them as live and write-back has nothing to send. The quarantine rows of deleted records are themselves
purged after ``store.deleted_quarantine_retention_days`` (``purge_deleted_quarantine``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, and_, delete, exists, or_, select, true, update

from store.chunking import IN_LIST_CHUNK, chunked, one_of
from store.raw import entity_table
from store.tables import (
    canonical_tables,
    deal_score,
    identity_cluster,
    identity_member,
    identity_merge,
    lead_score,
    quarantine,
    source_link,
)

# Identity, provenance and the record's own times: what a tombstone needs to stay a tombstone (and to come back to
# life if the CRM restores the record: the next read rewrites the whole row).
TOMBSTONE_KEEPS: frozenset[str] = frozenset(
    {"id", "source_connection", "source_object", "source_id", "created_at", "updated_at", "deleted_at", "synced_at"}
)
# The part of a quarantine reason that says what was wrong without quoting the record.
REASON_KEEPS: tuple[str, ...] = ("field", "rule")
SCORED_ENTITIES: frozenset[str] = frozenset({"lead", "contact"})


def erased_columns(entity: str | Table) -> list[str]:
    """The columns of ``entity``'s table (canonical, or a raw table given as a Table) a tombstone nulls."""
    table = canonical_tables[entity] if isinstance(entity, str) else entity
    return [c.name for c in table.columns if c.name not in TOMBSTONE_KEEPS]


def erase_canonical(conn: Connection, targets: Iterable[tuple[str, str]]) -> None:
    """Null the personal columns of the rows (entity, id) — canonical or raw: every CRM field a raw table holds is
    nulled like a canonical one — and drop their identity links and their scores."""
    by_entity: dict[str, list[str]] = {}
    for entity, canonical_id in targets:
        by_entity.setdefault(entity, []).append(canonical_id)
    for entity, ids in by_entity.items():
        table = entity_table(conn, entity)
        blank = dict.fromkeys(erased_columns(table))
        for chunk in chunked(list(dict.fromkeys(ids)), IN_LIST_CHUNK):
            conn.execute(update(table).where(table.c.id.in_(chunk), table.c.deleted_at.is_not(None)).values(blank))
            _drop_scores(conn, entity, chunk)
            _drop_identity(conn, entity, chunk)


def _drop_scores(conn: Connection, entity: str, ids: Sequence[str]) -> None:
    if entity in SCORED_ENTITIES:
        conn.execute(delete(lead_score).where(lead_score.c.entity == entity, lead_score.c.record_id.in_(ids)))
    elif entity == "opportunity":
        conn.execute(delete(deal_score).where(deal_score.c.opportunity_id.in_(ids)))


def _drop_identity(conn: Connection, entity: str, ids: Sequence[str]) -> None:
    m = identity_member.c
    clusters = dict(conn.execute(select(m.record_id, m.cluster_id).where(m.entity == entity, m.record_id.in_(ids)))
                    .tuples().all())
    if clusters:
        conn.execute(delete(identity_member).where(m.entity == entity, m.record_id.in_(list(clusters))))
        _strip_golden(conn, set(clusters.values()), gone=set(clusters))
    g = identity_merge.c
    conn.execute(update(identity_merge).where(or_(g.record_a.in_(ids), g.record_b.in_(ids))).values(evidence={}))


def _strip_golden(conn: Connection, cluster_ids: set[str], *, gone: set[str]) -> None:
    """Clusters lose the golden values their deleted members supplied; a cluster left with no member goes."""
    c = identity_cluster.c
    now = datetime.now(UTC)
    for row in conn.execute(select(c.id, c.golden, c.sources, c.member_count).where(c.id.in_(sorted(cluster_ids))))\
            .all():
        golden, sources = _as_dict(row.golden), _as_dict(row.sources)
        remaining = conn.execute(select(identity_member.c.record_id).where(identity_member.c.cluster_id == row.id))\
            .scalars().all()
        if not remaining:
            conn.execute(delete(identity_cluster).where(c.id == row.id))
            continue
        taken = [f for f, src in sources.items() if isinstance(src, dict) and src.get("record") in gone]
        for name in taken:
            golden[name] = None
            del sources[name]
        conn.execute(update(identity_cluster).where(c.id == row.id)
                     .values(golden=golden, sources=sources, member_count=len(remaining), updated_at=now))


def _as_dict(value: Any) -> dict[str, Any]:
    # JSON columns come back decoded from the ORM types, but raw inserts (identity/persist.py) may leave text.
    return dict(json.loads(value) if isinstance(value, str) else value or {})


def strip_quarantine(conn: Connection, *, connection: str, object: str, source_ids: Sequence[str]) -> int:
    """Empty the stored payloads of deleted records' quarantine rows and close the open ones as ``deleted``;
    returns how many rows were stripped."""
    q = quarantine.c
    now = datetime.now(UTC)
    stripped = 0
    for chunk in chunked(list(dict.fromkeys(source_ids)), IN_LIST_CHUNK):
        rows = conn.execute(select(q.id, q.reasons, q.status).where(
            q.connection == connection, q.object == object, one_of(conn.dialect.name, q.source_id, chunk))).all()
        for row in rows:
            values: dict[str, Any] = {"payload": {}, "reasons": _bare_reasons(row.reasons)}
            if row.status == "open":
                values |= {"status": "deleted", "resolved_at": now}
            conn.execute(update(quarantine).where(q.id == row.id).values(values))
        stripped += len(rows)
    return stripped


def _bare_reasons(reasons: Any) -> list[dict[str, Any]]:
    items = json.loads(reasons) if isinstance(reasons, str) else reasons or []
    return [{k: r.get(k) for k in REASON_KEEPS} for r in items if isinstance(r, dict)] or [{"rule": "deleted"}]


def purge_deleted_quarantine(conn: Connection, *, before: datetime) -> int:
    """Delete the quarantine rows of records deleted before ``before``: closed as ``deleted`` then (a record the CRM
    deleted while it sat in quarantine), or whose source link is a tombstone from then. Returns how many went."""
    q, link = quarantine.c, source_link.c
    tombstoned = exists().where(and_(link.connection == q.connection, link.object == q.object,
                                     link.source_id == q.source_id, link.is_deleted == true(),
                                     link.deleted_at < before))
    # Open rows stay whatever the link says: a record restored in the CRM and quarantined again is live data.
    deleted_then = or_(and_(q.status == "deleted", q.resolved_at < before), tombstoned)
    result = conn.execute(delete(quarantine).where(q.status != "open", deleted_then))
    return int(result.rowcount or 0)
