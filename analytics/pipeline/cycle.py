"""The sales cycle and stage durations per pipeline, segment and rep, censoring-aware (analytics/pipeline/survival.py).

Sales cycle: creation to close; won is the event, lost the competing outcome, open deals censored at ``as_of``.
Stage durations: each spell in a stage; advancing is the event, losing the competing outcome, moving back counts as
leaving (an event for Kaplan-Meier, neither outcome for Aalen-Johansen), a spell still running is censored.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analytics.pipeline.history import LOST, OPEN, WON, DealHistory
from analytics.pipeline.spells import ADVANCED, spells
from analytics.pipeline.survival import CENSORED, COMPETING, EVENT, Durations, durations

DIMENSIONS = ("pipeline", "segment", "owner_id")
# Moving back ends a spell but is neither advancing nor losing: Aalen-Johansen takes it as a third outcome.
OTHER = 3


def cycle_days(history: DealHistory) -> pd.DataFrame:
    """Per deal: ``days`` from creation to close (or to ``as_of`` while open) and ``end`` (EVENT won, COMPETING lost,
    CENSORED open)."""
    deals = history.deals
    stop = deals["closed_at"].where(deals["closed_at"].notna(), pd.Timestamp(history.as_of))
    days = ((stop - deals["created_at"]).dt.total_seconds() / 86400).clip(lower=0)
    ends = deals["outcome"].map({WON: EVENT, LOST: COMPETING, OPEN: CENSORED})
    return deals[list(DIMENSIONS)].assign(days=days.to_numpy(), end=ends.to_numpy())


def cycle(history: DealHistory, by: str | None = None) -> list[dict[str, Any]]:
    """The cycle for all deals (``by`` None) or per value of one of DIMENSIONS."""
    return _grouped(cycle_days(history), by)


def stage_durations(history: DealHistory, by: str | None = None) -> list[dict[str, Any]]:
    """Days in each stage per (pipeline, stage[, by]), from the spells."""
    table = spells(history)
    ends = np.select([table["end"] == ADVANCED, table["end"] == LOST, table["end"] == OPEN],
                     [EVENT, COMPETING, CENSORED], default=OTHER)
    table = table.assign(end=ends)
    keys = ["pipeline", "stage"] + ([by] if by and by != "pipeline" else [])
    out = []
    for key, group in table.groupby(keys, sort=True):
        stats = durations(group["days"].to_numpy(), group["end"].to_numpy())
        out.append({**dict(zip(keys, key, strict=True)), "rank": int(group["rank"].iloc[0]), **stats.as_dict()})
    return sorted(out, key=lambda row: (row["pipeline"], row["rank"], *(str(row[k]) for k in keys[2:])))


def _grouped(table: pd.DataFrame, by: str | None) -> list[dict[str, Any]]:
    if by is None:
        return [{"group": "all", **_stats(table).as_dict()}]
    if by not in DIMENSIONS:
        raise ValueError(f"cycle: by must be one of {', '.join(DIMENSIONS)}, not {by!r}")
    return [{by: key, **_stats(group).as_dict()} for key, group in table.groupby(by, sort=True)]


def _stats(table: pd.DataFrame) -> Durations:
    return durations(table["days"].to_numpy(), table["end"].to_numpy())
