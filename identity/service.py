"""``resolve``: accounts, then people (whose golden record names their account's cluster), in one transaction."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any, Protocol

from sqlalchemy import Engine

from identity import persist
from identity.records import KINDS, Kind, load
from identity.resolve import Resolution, resolve_records
from identity.survivorship import golden


class IdentityOptions(Protocol):
    """What resolution reads from ``crmhub.yaml``'s ``identity:`` section (config.models.sections)."""

    # Read-only, so the config model's narrower dict[str, list[str]] fits.
    @property
    def match_threshold(self) -> float: ...

    @property
    def max_block_size(self) -> int: ...

    @property
    def source_priority(self) -> Mapping[str, Sequence[str]]: ...


def resolve(engine: Engine, options: IdentityOptions, kinds: Sequence[Kind] = KINDS) -> dict[str, Any]:
    """Resolve ``kinds`` and save the result; returns per kind the counts, merge log changes and seconds."""
    started = time.perf_counter()
    out: dict[str, Any] = {}
    with engine.begin() as conn:
        account_cluster_of = {} if "account" in kinds else persist.account_clusters(conn)
        for kind in [k for k in ("account", "person") if k in kinds]:  # accounts first: people name their clusters
            marks = [time.perf_counter()]
            recs = load(conn, kind)
            marks.append(time.perf_counter())
            res = resolve_records(recs, kind, threshold=options.match_threshold, max_block=options.max_block_size,
                                  apart=persist.undone_pairs(conn, kind))
            marks.append(time.perf_counter())
            rows = _golden_rows(res, options.source_priority, account_cluster_of)
            marks.append(time.perf_counter())
            merges = persist.save(conn, res, rows)
            marks.append(time.perf_counter())
            if kind == "account":
                account_cluster_of = {res.recs[i].id: cid for cid, row in rows.items() for i in row["members"]}
            spans = [b - a for a, b in pairwise(marks)]
            phases = dict(zip(("load", "match", "golden", "save"), spans, strict=True))
            out[kind] = {**res.stats, "merge_log": merges,
                         "conflicted_clusters": sum(1 for r in rows.values() if r["sources"]["conflicts"]),
                         "seconds_by_phase": {k: round(v, 3) for k, v in phases.items()},
                         "seconds_with_io": round(marks[-1] - marks[0], 3)}
    out["seconds"] = round(time.perf_counter() - started, 3)
    return out


def _golden_rows(
    res: Resolution, priority: Mapping[str, Sequence[str]], account_cluster_of: Mapping[str, str]
) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for group in res.clusters:
        members = [res.recs[i] for i in group]
        values, sources, conflicts = golden(members, res.kind, priority)
        if res.kind == "person":
            accounts = [account_cluster_of[a] for r in members if (a := r.values.get("account_id"))
                        and a in account_cluster_of]
            values["account_cluster_id"] = max(sorted(set(accounts)), key=accounts.count) if accounts else None
        rows[persist.cluster_id(res.kind, members[0].id)] = {
            "golden": values, "sources": {"fields": sources, "conflicts": conflicts}, "members": group,
        }
    return rows
