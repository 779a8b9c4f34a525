"""Score the stalled-deal detector against planted stalls (analytics/pipeline/synthetic.py), beside the fixed rule
"no activity for 30 days", by replaying both every ``step_days`` over the history as it was known then.

Two units, because they answer different questions. Per warning (a deal flagged at one replay instant): of the
warnings a rep sees on a given day, how many are real stalls. Per deal: of the deals ever flagged, how many stalled.
A flag is true when the deal is a planted stall and the instant falls in its stall (between entering the stage it
stalled in and its loss). Recall: planted stalls lost inside the evaluation window that were flagged during the
stall. Lead time: loss minus the first true flag.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from analytics.pipeline.history import OPEN, DealHistory
from analytics.pipeline.rules import WarningRules
from analytics.pipeline.stalled import stalled

IDLE_DAYS = 30.0


@dataclass(frozen=True, slots=True)
class Score:
    warnings: int
    warning_precision: float
    deals_flagged: int
    deal_precision: float
    recall: float
    stalls: int
    median_lead_days: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def idle(history: DealHistory, days: float = IDLE_DAYS) -> pd.Series:
    """Open deals with no activity of any kind (nor creation) in the last ``days``: the usual fixed rule."""
    deals = history.deals[history.deals["outcome"] == OPEN]
    last = history.activities.groupby("opportunity_id")["occurred_at"].max().reindex(deals["id"])
    last = last.fillna(pd.Series(deals["created_at"].to_numpy(), index=deals["id"]))
    quiet = (pd.Timestamp(history.as_of) - last).dt.total_seconds() / 86400 > days
    return pd.Series(quiet.index[quiet.to_numpy()])


def evaluate(history: DealHistory, stalls: dict[str, tuple[str, datetime, datetime]], *, start: datetime,
             step_days: float = 7.0, rules: WarningRules = WarningRules()) -> dict[str, Score]:
    """Replay from ``start`` to ``history.as_of``; ``stalls``: deal id -> (stage, stall began, lost at)."""
    flags: dict[str, list[tuple[str, datetime]]] = {"stalled": [], "idle_30_days": []}
    when = start
    while when <= history.as_of:
        past = history.at(when)
        flags["stalled"] += [(d, when) for d in stalled(past, rules)["opportunity_id"]]
        flags["idle_30_days"] += [(d, when) for d in idle(past)]
        when += timedelta(days=step_days)
    return {name: _score(found, stalls, start, history.as_of) for name, found in flags.items()}


def _score(found: list[tuple[str, datetime]], stalls: dict[str, tuple[str, datetime, datetime]], start: datetime,
           end: datetime) -> Score:
    def true(deal: str, when: datetime) -> bool:
        return deal in stalls and stalls[deal][1] <= when <= stalls[deal][2]

    hits = [true(d, w) for d, w in found]
    flagged = {d for d, _ in found}
    right = {d for (d, _), ok in zip(found, hits, strict=True) if ok}
    due = {d for d, (_, _, lost) in stalls.items() if start < lost <= end}
    first: dict[str, datetime] = {}
    for (deal, when), ok in zip(found, hits, strict=True):
        if ok and deal in due:
            first[deal] = min(first.get(deal, when), when)
    leads = [(stalls[d][2] - w).total_seconds() / 86400 for d, w in first.items()]
    return Score(warnings=len(found), warning_precision=float(np.mean(hits)) if hits else 0.0,
                 deals_flagged=len(flagged), deal_precision=len(right) / len(flagged) if flagged else 0.0,
                 recall=len(first) / len(due) if due else 0.0, stalls=len(due),
                 median_lead_days=float(np.median(leads)) if leads else None)
