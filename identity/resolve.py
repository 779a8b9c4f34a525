"""One kind's resolution, in memory: deterministic links, then probabilistic ones, into clusters.

Links join groups strongest first (rules, then falling confidence); a link whose groups an admin kept apart (an
undone merge) is refused, so an undo survives every later resolve. Each link that joined two groups is a merge.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from identity import rules, scoring
from identity.blocking import BlockStats, candidate_pairs
from identity.components import Components
from identity.edges import Edge, ordered
from identity.records import Kind, Rec


@dataclass(slots=True)
class Resolution:
    kind: Kind
    recs: Sequence[Rec]
    clusters: list[list[int]]  # record indices per cluster, each sorted, clusters by their first record
    joined_by: dict[int, tuple[str, float]]  # record index -> (rule, confidence) of the link that placed it
    merges: list[Edge]
    kept_apart: list[Edge]  # links refused because an undone merge keeps their groups apart
    stats: dict[str, Any] = field(default_factory=dict)


def resolve_records(
    recs: Sequence[Rec], kind: Kind, *, threshold: float, max_block: int,
    apart: Collection[tuple[str, str]] = (),
) -> Resolution:
    started = time.perf_counter()
    index = {r.id: i for i, r in enumerate(recs)}
    apart_ix = [(index[a], index[b]) for a, b in apart if a in index and b in index]
    comps = Components(len(recs), apart_ix)
    merges: list[Edge] = []
    kept_apart: list[Edge] = []

    def link(edges: list[Edge]) -> None:
        for edge in ordered(edges):
            if comps.union(edge.a, edge.b):
                merges.append(edge)
            elif not comps.same(edge.a, edge.b):
                kept_apart.append(edge)

    deterministic = rules.deterministic(recs, kind)
    link(deterministic)
    block_stats = BlockStats()
    scored = 0
    probable: list[Edge] = []
    roots = [comps.find(i) for i in range(len(recs))]  # looked up once per record, not once per block member
    for i, j in candidate_pairs(recs, kind, max_block=max_block, stats=block_stats, group_of=roots.__getitem__):
        confidence, evidence = scoring.score(recs[i], recs[j], kind)
        scored += 1
        if confidence >= threshold:
            probable.append(Edge.of(i, j, "probabilistic", confidence, evidence))
    link(probable)

    joined_by: dict[int, tuple[str, float]] = {}
    for edge in merges:
        for i in (edge.b, edge.a):
            joined_by.setdefault(i, (edge.rule, edge.confidence))
    clusters = sorted((sorted(g) for g in comps.groups().values()), key=lambda g: g[0])
    stats = {
        "records": len(recs), "clusters": len(clusters), "merges": len(merges),
        "deterministic_links": len(deterministic), "pairs_scored": scored,
        "pairs_by_blocking_key": block_stats.candidates,
        "probabilistic_links": len(probable),
        "blocks": block_stats.blocks, "oversized_blocks_skipped": block_stats.skipped_blocks,
        "kept_apart": len(kept_apart), "seconds": round(time.perf_counter() - started, 3),
    }
    return Resolution(kind, recs, clusters, joined_by, merges, kept_apart, stats)


def pair_ids(res: Resolution, edge: Edge) -> tuple[str, str]:
    a, b = res.recs[edge.a].id, res.recs[edge.b].id
    return (a, b) if a < b else (b, a)
