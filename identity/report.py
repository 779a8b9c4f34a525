"""``crmhub identity report``: the clusters, the conflicts between sources, and the merge log."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from identity.records import KINDS, Kind
from store.tables import identity_cluster, identity_member, identity_merge


def report(engine: Engine, *, limit: int = 20) -> dict[str, Any]:
    with engine.connect() as conn:
        return {
            "kinds": {kind: _clusters(conn, kind, limit) for kind in KINDS},
            "merges": _merges(conn, limit),
        }


def _clusters(conn: Connection, kind: Kind, limit: int) -> dict[str, Any]:
    c, m = identity_cluster.c, identity_member.c
    sizes: Counter[str] = Counter()
    conflict_fields: Counter[str] = Counter()
    examples: list[dict[str, Any]] = []
    for row in conn.execute(select(c.id, c.member_count, c.golden, c.sources).where(c.kind == kind).order_by(c.id)):
        sizes["5+" if row.member_count >= 5 else str(row.member_count)] += 1
        for field, values in (row.sources or {}).get("conflicts", {}).items():
            conflict_fields[field] += 1
            if len(examples) < limit:
                examples.append({"cluster_id": row.id, "field": field, "chosen": (row.golden or {}).get(field),
                                 "values": values})
    per_cluster = (select(m.cluster_id, func.count(func.distinct(m.connection)).label("n"))
                   .join(identity_cluster, identity_cluster.c.id == m.cluster_id)
                   .where(c.kind == kind).group_by(m.cluster_id).subquery())
    cross = conn.execute(select(func.count()).select_from(per_cluster).where(per_cluster.c.n > 1)).scalar_one()
    member_rows = conn.execute(
        select(m.connection, m.object, m.rule, func.count().label("n"))
        .join(identity_cluster, identity_cluster.c.id == m.cluster_id).where(c.kind == kind)
        .group_by(m.connection, m.object, m.rule).order_by(m.connection, m.object, m.rule)
    ).all()
    return {
        "clusters": sum(sizes.values()),
        "records": sum(r.n for r in member_rows),
        "clusters_across_connections": cross,
        "cluster_sizes": dict(sorted(sizes.items())),
        "members": [{"connection": r.connection, "object": r.object, "rule": r.rule, "count": r.n}
                    for r in member_rows],
        "conflicts_by_field": dict(conflict_fields.most_common()),
        "conflict_examples": examples,
    }


def _merges(conn: Connection, limit: int) -> dict[str, Any]:
    g = identity_merge.c
    counts = conn.execute(select(g.kind, g.rule, g.status, func.count().label("n"))
                          .group_by(g.kind, g.rule, g.status).order_by(g.kind, g.rule, g.status)).all()
    # Undone first (what an admin acted on), then the least certain: those are the ones worth a look.
    recent = conn.execute(select(identity_merge).order_by((g.status == "undone").desc(), g.confidence, g.id.desc())
                          .limit(limit)).all()
    ids = {r.record_a for r in recent} | {r.record_b for r in recent}
    where = {r.record_id: f"{r.connection}/{r.object}/{r.source_id}" for r in conn.execute(
        select(identity_member.c.record_id, identity_member.c.connection, identity_member.c.object,
               identity_member.c.source_id).where(identity_member.c.record_id.in_(ids)))} if ids else {}
    return {
        "counts": [{"kind": r.kind, "rule": r.rule, "status": r.status, "count": r.n} for r in counts],
        "listed": [
            {"id": r.id, "kind": r.kind, "a": where.get(r.record_a, r.record_a), "b": where.get(r.record_b, r.record_b),
             "rule": r.rule, "confidence": r.confidence, "evidence": r.evidence, "status": r.status,
             "created_at": r.created_at, "undone_at": r.undone_at}
            for r in recent
        ],
    }
