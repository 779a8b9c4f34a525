"""A stored run in the shape ``crmhub sync --json`` reports a run in, so a script reads ``run_id`` and ``counts``
the same way from ``crmhub sync`` and ``crmhub runs``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from store.tables import RUN_COUNT_FIELDS
from sync.counts import Counts


def stored_run(row: Mapping[str, Any]) -> dict[str, Any]:
    """One ``sync_run`` row: the keys of ``RunSummary.as_dict`` it has (counts nested), plus when it ran."""
    counts = Counts(**{name: int(row[name] or 0) for name in RUN_COUNT_FIELDS})
    started, finished = row["started_at"], row["finished_at"]
    return {
        "run_id": row["id"],
        "connection": row["connection"],
        "object": row["object"],
        "status": row["status"],
        "counts": counts.as_dict(),
        "reconciled": counts.reconciles(),
        "api_calls": int(row["api_calls"] or 0),
        "seconds": round((finished - started).total_seconds(), 3) if finished is not None else None,
        "full_refresh": bool(row["full_refresh"]),
        "error": row["error"],
        "errors": list(row["errors"] or []),
        "started_at": started,
        "finished_at": finished,
    }
