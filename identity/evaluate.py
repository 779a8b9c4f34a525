"""Precision and recall of the resolved clusters against a sandbox generator's truth (who is who).

Every sandbox answers ``GET /_admin/identities?object=...`` with the population's ``person_key`` (people) or
``company_key`` (companies) per record id. Pairwise scores: of the pairs of records crmhub put in one cluster,
the share that truly are one entity (precision), and of the pairs that truly are one entity, the share crmhub put
in one cluster (recall). Only records both in the store and in the truth count (quarantined records are not
resolved; their number is reported).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from typing import Any, Protocol

from sqlalchemy import Engine, select

from identity.records import KINDS, Kind
from store.tables import identity_cluster, identity_member


class SandboxAdminLike(Protocol):
    """``sandbox.common.launcher.SandboxAdmin``: only its ``get`` is used."""

    def get(self, path: str, **params: Any) -> Any: ...


def pairwise(labels: Iterable[tuple[Hashable, Hashable]]) -> dict[str, Any]:
    """Pairwise precision/recall of (predicted cluster, true entity) labels, one per record."""
    predicted: Counter[Hashable] = Counter()
    true: Counter[Hashable] = Counter()
    both: Counter[tuple[Hashable, Hashable]] = Counter()
    for cluster, entity in labels:
        predicted[cluster] += 1
        true[entity] += 1
        both[(cluster, entity)] += 1

    def pairs(counts: Counter[Any]) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    tp, pp, tt = pairs(both), pairs(predicted), pairs(true)
    # One canonical entity per real one: all its records in one cluster that holds nobody else.
    whole = sum(1 for (c, e), n in both.items() if n == true[e] == predicted[c])
    return {
        "records": sum(true.values()), "true_entities": len(true), "clusters": len(predicted),
        "precision": round(tp / pp, 4) if pp else 1.0, "recall": round(tp / tt, 4) if tt else 1.0,
        "true_pairs": tt, "predicted_pairs": pp, "correct_pairs": tp,
        "entities_exactly_resolved": round(whole / len(true), 4) if true else 1.0,
    }


def fetch_truth(engine: Engine, admins: Mapping[str, SandboxAdminLike]) -> dict[tuple[str, str, str], tuple[Kind, int]]:
    """(connection, object, source id) -> (kind, the generator's key), for every object the store resolved."""
    m = identity_member.c
    with engine.connect() as conn:
        streams = conn.execute(select(m.connection, m.object).distinct().order_by(m.connection, m.object)).all()
    truth: dict[tuple[str, str, str], tuple[Kind, int]] = {}
    for connection, object_name in streams:
        admin = admins.get(connection)
        if admin is None:
            continue
        try:
            rows = admin.get("/_admin/identities", object=object_name)
        except RuntimeError:  # this sandbox keeps no truth for the object (Marketo: leads only)
            continue
        for row in rows or []:
            kind: Kind = "account" if "company_key" in row else "person"
            key = row["company_key"] if kind == "account" else row["person_key"]
            truth[(connection, object_name, str(row["id"]))] = (kind, int(key))
    return truth


def evaluate(engine: Engine, admins: Mapping[str, SandboxAdminLike]) -> dict[str, Any]:
    """Per kind (person, account): pairwise precision/recall, coverage, and a few wrong pairs to look at.

    ``admins`` maps each connection name to its sandbox's admin client (the demo's ``admins`` dict).
    """
    truth = fetch_truth(engine, admins)
    labels: dict[Kind, list[tuple[str, int]]] = defaultdict(list)
    resolved: set[tuple[str, str, str]] = set()
    m, c = identity_member.c, identity_cluster.c
    with engine.connect() as conn:
        rows = conn.execute(select(m.connection, m.object, m.source_id, m.cluster_id, c.kind)
                            .join(identity_cluster, c.id == m.cluster_id)).all()
    for row in rows:
        key = (row.connection, row.object, row.source_id)
        known = truth.get(key)
        if known is not None and known[0] == row.kind:
            labels[row.kind].append((row.cluster_id, known[1]))
            resolved.add(key)
    out: dict[str, Any] = {}
    for kind in KINDS:
        scores = pairwise(labels[kind])
        in_truth = [k for k, (kk, _) in truth.items() if kk == kind]
        scores["truth_records_not_resolved"] = sum(1 for k in in_truth if k not in resolved)
        scores["connections_with_truth"] = sorted({k[0] for k in in_truth})
        out[kind] = scores
    return out
