"""Deals as the pipeline engine sees them: one frame per fact, UTC times, and a point-in-time view of them.

Every figure of the engine is computed from a ``DealHistory``; ``at(t)`` cuts one to what was known at ``t`` (stage
moves, activities and closes after ``t`` vanish), so the warnings can be replayed at any past instant and evaluated
against what happened next.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import pandas as pd

OPEN, WON, LOST = "open", "won", "lost"
DEAL_COLUMNS = ("id", "pipeline", "owner_id", "segment", "amount", "created_at", "closed_at", "outcome", "stage",
                "close_date", "source_connection", "source_object", "source_id")
MOVE_COLUMNS = ("opportunity_id", "stage", "changed_at", "close_date", "amount")
STAGE_COLUMNS = ("pipeline", "stage", "order", "is_closed", "is_won")
ACTIVITY_COLUMNS = ("opportunity_id", "occurred_at", "inbound")
ROLE_COLUMNS = ("opportunity_id", "contact_id", "role", "title")
QUOTA_COLUMNS = ("owner_id", "period_start", "period_end", "amount")


def frame(rows: object, columns: tuple[str, ...]) -> pd.DataFrame:
    """A frame with exactly these columns, also when there are no rows."""
    out = pd.DataFrame(rows, columns=list(columns)) if rows is not None else pd.DataFrame(columns=list(columns))
    return out[list(columns)]


def lookup(keys: pd.Series, values: pd.Series) -> pd.Series:
    """``values[key]`` for each key (NaN/NaT where absent), on ``keys``' index. Not ``keys.map(values)``: pandas
    casts an empty datetime mapping to float and fails."""
    return pd.Series(values.reindex(keys.to_numpy()).to_numpy(), index=keys.index)


def utc(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, utc=True)


@dataclass(frozen=True, slots=True)
class DealHistory:
    """``deals``: one row per deal (``closed_at`` NaT and ``outcome`` "open" while open; ``close_date`` the expected
    close date as a UTC timestamp). ``moves``: the stage history, one row per change (open and closed stages), sorted
    by time. ``stages``: each pipeline's stage order. ``activities``: deal activities, ``inbound`` when the buyer
    acted. ``roles``: the deal's contact roles with the contact's title. ``quotas``: revenue quotas per owner.
    ``as_of``: the instant the history describes."""

    deals: pd.DataFrame
    moves: pd.DataFrame
    stages: pd.DataFrame
    activities: pd.DataFrame
    roles: pd.DataFrame
    quotas: pd.DataFrame
    as_of: datetime

    def at(self, when: datetime) -> DealHistory:
        """What was known at ``when``: deals created by then, moves and activities up to it, closes after it undone."""
        stamp = pd.Timestamp(when)
        deals = self.deals[self.deals["created_at"] <= stamp].copy()
        moves = self.moves[(self.moves["changed_at"] <= stamp)
                           & self.moves["opportunity_id"].isin(deals["id"])]
        reopened = deals["closed_at"].notna() & (deals["closed_at"] > stamp)
        deals.loc[reopened, "closed_at"] = pd.NaT
        deals.loc[reopened, "outcome"] = OPEN
        last = moves.groupby("opportunity_id").last()
        known = deals["id"].isin(last.index)
        deals.loc[known, "stage"] = lookup(deals.loc[known, "id"], last["stage"])
        dated = lookup(deals["id"], last["close_date"])  # groupby's last: the last value that is not null
        deals["close_date"] = dated.where(dated.notna(), deals["close_date"])
        sized = pd.to_numeric(lookup(deals["id"], last["amount"]), errors="coerce").astype(float)
        deals["amount"] = sized.where(sized.notna(), deals["amount"])
        activities = self.activities[self.activities["occurred_at"] <= stamp]
        return replace(self, deals=deals, moves=moves, activities=activities, as_of=when)

    def open_stages(self) -> pd.DataFrame:
        """The open stages of each pipeline in their order, numbered 0, 1, ... per pipeline (column ``rank``)."""
        open_ = self.stages[~self.stages["is_closed"].astype(bool)].sort_values(["pipeline", "order", "stage"])
        return open_.assign(rank=open_.groupby("pipeline").cumcount())
