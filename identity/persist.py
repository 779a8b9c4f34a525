"""The identity tables: clusters with their golden record, members (row -> cluster, rule, confidence), merges.

A resolve replaces one kind's clusters and members in the caller's transaction (the same input gives the same
rows: cluster ids derive from their first member). Merges are an audit log keyed by the record pair: a pair made
again keeps its id, one no longer made is ``retired``, an ``undone`` one stays undone and keeps its pair apart.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update

from identity.records import ENTITIES_OF, Kind
from identity.resolve import Resolution, pair_ids
from store.rawsql import db_json, db_time, execute_batches, insert_sql
from store.tables import identity_cluster, identity_member, identity_merge

CLUSTER_COLUMNS = ("id", "kind", "golden", "sources", "member_count", "updated_at")
MEMBER_COLUMNS = ("entity", "record_id", "cluster_id", "connection", "object", "source_id", "rule", "confidence",
                  "updated_at")
MERGE_COLUMNS = ("kind", "record_a", "record_b", "rule", "confidence", "evidence", "status", "created_at")
NAMESPACE = uuid.UUID("0b8f3a51-4c2e-4d8e-9f3c-5a1d2e7c9b40")


def cluster_id(kind: Kind, first_record_id: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}\x1f{first_record_id}"))


def account_clusters(conn: Connection) -> dict[str, str]:
    """Account record id -> its cluster, as last saved (people resolved on their own still name their account)."""
    m = identity_member.c
    return dict(conn.execute(select(m.record_id, m.cluster_id).where(m.entity == "account")).tuples().all())


def undone_pairs(conn: Connection, kind: Kind) -> set[tuple[str, str]]:
    m = identity_merge.c
    rows = conn.execute(select(m.record_a, m.record_b).where(m.kind == kind, m.status == "undone"))
    return {(r.record_a, r.record_b) for r in rows}


def save(conn: Connection, res: Resolution, golden_rows: Mapping[str, dict[str, Any]]) -> dict[str, int]:
    """Replace the kind's clusters and members; bring the merge log up to date. Returns merge counts."""
    now = datetime.now(UTC)
    conn.execute(delete(identity_member).where(identity_member.c.entity.in_(ENTITIES_OF[res.kind])))
    conn.execute(delete(identity_cluster).where(identity_cluster.c.kind == res.kind))
    when, to_json = db_time(conn, now), db_json(conn)
    clusters, members = [], []
    for cid, row in golden_rows.items():  # one per cluster of ``res``, with its member indices
        group = row["members"]
        clusters.append((cid, res.kind, to_json(row["golden"]), to_json(row["sources"]), len(group), when))
        for i in group:
            rec = res.recs[i]
            rule, confidence = res.joined_by.get(i, ("single", 1.0))
            members.append((rec.entity, rec.id, cid, rec.connection, rec.object, rec.source_id, rule, confidence,
                            when))
    execute_batches(conn, insert_sql(conn, identity_cluster, CLUSTER_COLUMNS), clusters, batch=20_000)
    execute_batches(conn, insert_sql(conn, identity_member, MEMBER_COLUMNS), members, batch=20_000)
    return _log_merges(conn, res, now)


def _log_merges(conn: Connection, res: Resolution, now: datetime) -> dict[str, int]:
    m = identity_merge.c
    existing = {(r.record_a, r.record_b): (r.id, r.status)
                for r in conn.execute(select(m.id, m.record_a, m.record_b, m.status).where(m.kind == res.kind))}
    made = {pair_ids(res, e): e for e in res.merges}
    when, to_json = db_time(conn, now), db_json(conn)
    new_rows, revived = [], []
    for pair, edge in made.items():
        found = existing.get(pair)
        if found is None:
            new_rows.append((res.kind, pair[0], pair[1], edge.rule, edge.confidence, to_json(edge.evidence),
                             "active", when))
        elif found[1] == "retired":
            revived.append(found[0])
    retired = [mid for pair, (mid, status) in existing.items() if status == "active" and pair not in made]
    execute_batches(conn, insert_sql(conn, identity_merge, MERGE_COLUMNS), new_rows, batch=20_000)
    for ids, status in ((revived, "active"), (retired, "retired")):
        for start in range(0, len(ids), 500):
            conn.execute(update(identity_merge).where(m.id.in_(ids[start:start + 500])).values(status=status))
    return {"new": len(new_rows), "kept": len(made) - len(new_rows), "revived": len(revived), "retired": len(retired)}


def mark_undone(conn: Connection, merge_id: int, *, by: str) -> dict[str, Any]:
    """Mark merge ``merge_id`` undone; the caller re-resolves its kind. LookupError / ValueError say why not."""
    m = identity_merge.c
    row = conn.execute(select(identity_merge).where(m.id == merge_id)).first()
    if row is None:
        raise LookupError(f"no merge {merge_id}: list them with `crmhub identity report`")
    if row.status == "undone":
        raise ValueError(f"merge {merge_id} was already undone at {row.undone_at:%Y-%m-%d %H:%M} UTC")
    conn.execute(update(identity_merge).where(m.id == merge_id)
                 .values(status="undone", undone_at=datetime.now(UTC), undone_by=by))
    return {"id": row.id, "kind": row.kind, "record_a": row.record_a, "record_b": row.record_b, "rule": row.rule}
