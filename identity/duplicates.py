"""Duplicates within one CRM object: pairs an admin can merge there, with the confidence and the evidence.

The same rules and matcher as resolution, run inside each (connection, object): a shared email (or account
domain) is a duplicate with confidence 1; other pairs are scored and kept from ``identity.match_threshold``.
A converted lead and its contact are two objects, so never a duplicate here.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Engine

from identity import rules, scoring
from identity.blocking import BlockStats, candidate_pairs
from identity.components import Components
from identity.records import KINDS, Rec, load
from identity.service import IdentityOptions

SAME_OBJECT_RULES = ("email", "domain")


def duplicates(engine: Engine, options: IdentityOptions) -> dict[str, Any]:
    pairs: list[dict[str, Any]] = []
    with engine.connect() as conn:
        for kind in KINDS:
            groups: dict[tuple[str, str], list[Rec]] = defaultdict(list)
            for rec in load(conn, kind):
                groups[(rec.connection, rec.object)].append(rec)
            for recs in groups.values():
                pairs += _pairs(recs, kind, options)
    pairs.sort(key=lambda p: (-p["confidence"], p["connection"], p["object"], p["id_a"], p["id_b"]))
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for p in pairs:
        counts[(p["connection"], p["object"])] += 1
    return {
        "threshold": options.match_threshold,
        "counts": [{"connection": c, "object": o, "pairs": n} for (c, o), n in sorted(counts.items())],
        "pairs": pairs,
    }


def _pairs(recs: list[Rec], kind: Any, options: IdentityOptions) -> list[dict[str, Any]]:
    found: dict[tuple[int, int], tuple[float, str, dict[str, Any]]] = {}
    keyed = Components(len(recs))
    for edge in rules.deterministic(recs, kind):
        if edge.rule in SAME_OBJECT_RULES:
            # A group sharing a key is a star: each duplicate named once against the group's first record.
            found[(edge.a, edge.b)] = (1.0, edge.rule, edge.evidence)
            keyed.union(edge.a, edge.b)
    stats = BlockStats()
    for i, j in candidate_pairs(recs, kind, max_block=options.max_block_size, stats=stats,
                                group_of=keyed.find):
        confidence, evidence = scoring.score(recs[i], recs[j], kind)
        if confidence >= options.match_threshold:
            found[(i, j)] = (confidence, "probabilistic", evidence)
    out = []
    for (i, j), (confidence, rule, evidence) in found.items():
        id_a, id_b = sorted((recs[i].source_id, recs[j].source_id))
        out.append({"connection": recs[i].connection, "object": recs[i].object, "id_a": id_a, "id_b": id_b,
                    "confidence": confidence, "rule": rule, "evidence": evidence})
    return out
