"""Pipeline velocity and quota coverage.

Velocity (revenue per day) = open deals x win rate x average won amount / days to win. The four levers come from
the ``lookback_days`` before ``as_of``: win rate = won / closed, average won amount, and days to win (median, from
creation, of the deals won); open deals are those open at ``as_of``. Its elasticities are exact for a product:
+1 for each of the first three levers and -1 for the cycle (a 1 % shorter cycle is 1 % more velocity); what a 10 %
improvement of each lever is worth is given beside them, since elasticities are local.

Coverage: open pipeline expected to close in the rest of the quota period, over what remains of the quota (quota
minus won in the period so far).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from analytics.pipeline.history import LOST, OPEN, WON, DealHistory

LEVERS = ("open_deals", "win_rate", "avg_won_amount", "days_to_win")
ELASTICITY = {"open_deals": 1.0, "win_rate": 1.0, "avg_won_amount": 1.0, "days_to_win": -1.0}
STEP = 0.10


def velocity_of(levers: dict[str, float]) -> float:
    return levers["open_deals"] * levers["win_rate"] * levers["avg_won_amount"] / levers["days_to_win"]


def velocity(history: DealHistory, *, by: str | None = None, lookback_days: float = 365.0) -> list[dict[str, Any]]:
    deals = history.deals
    as_of = pd.Timestamp(history.as_of)
    recent = deals[deals["closed_at"].notna() & (deals["closed_at"] > as_of - pd.Timedelta(days=lookback_days))]
    groups = [("all", deals, recent)] if by is None else [
        (key, deals[deals[by] == key], recent[recent[by] == key]) for key in sorted(deals[by].unique(), key=str)]
    return [{(by or "group"): key, **_levers(now, closed)} for key, now, closed in groups]


def _levers(deals: pd.DataFrame, closed: pd.DataFrame) -> dict[str, Any]:
    won = closed[closed["outcome"] == WON]
    n_closed = int((closed["outcome"].isin([WON, LOST])).sum())
    levers = {"open_deals": float((deals["outcome"] == OPEN).sum()),
              "win_rate": len(won) / n_closed if n_closed else np.nan,
              "avg_won_amount": float(won["amount"].mean()) if len(won) else np.nan,
              "days_to_win": float(((won["closed_at"] - won["created_at"]).dt.total_seconds() / 86400).median())
              if len(won) else np.nan}
    if any(np.isnan(v) for v in levers.values()) or levers["days_to_win"] <= 0:
        return {**{k: _num(v) for k, v in levers.items()}, "velocity_per_day": None, "elasticity": ELASTICITY,
                "plus_10_percent": None, "closed": n_closed}
    base = velocity_of(levers)
    better = {name: velocity_of({**levers, name: levers[name] * (1 - STEP if name == "days_to_win" else 1 + STEP)})
              - base for name in LEVERS}
    return {**levers, "velocity_per_day": base, "elasticity": ELASTICITY, "plus_10_percent": better,
            "closed": n_closed}


def _num(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def coverage(history: DealHistory) -> list[dict[str, Any]]:
    """Per owner with a quota period containing ``as_of``: quota, won so far, remaining, open pipeline closing in
    the rest of the period, and coverage = pipeline / remaining (None when nothing remains)."""
    as_of = pd.Timestamp(history.as_of)
    quotas = history.quotas[(history.quotas["period_start"] <= as_of)
                            & (as_of < history.quotas["period_end"] + pd.Timedelta(days=1))]
    deals = history.deals
    rows = []
    for q in quotas.sort_values(["owner_id", "period_start"]).itertuples(index=False):
        mine = deals[deals["owner_id"] == q.owner_id]
        end = q.period_end + pd.Timedelta(days=1)
        won = mine[(mine["outcome"] == WON) & (mine["closed_at"] >= q.period_start) & (mine["closed_at"] < end)]
        pipe = mine[(mine["outcome"] == OPEN) & (mine["close_date"] >= q.period_start) & (mine["close_date"] < end)]
        remaining = max(float(q.amount) - float(won["amount"].sum()), 0.0)
        rows.append({"owner_id": q.owner_id, "period_start": q.period_start.date(), "period_end": q.period_end.date(),
                     "quota": float(q.amount), "won": float(won["amount"].sum()), "remaining": remaining,
                     "pipeline": float(pipe["amount"].sum()), "open_deals": len(pipe),
                     "coverage": float(pipe["amount"].sum()) / remaining if remaining else None})
    return rows


def period_bounds(as_of: datetime, kind: str) -> tuple[datetime, datetime]:
    """The month or quarter containing ``as_of``: [start, end)."""
    stamp = pd.Timestamp(as_of)
    period = stamp.tz_localize(None).to_period("M" if kind == "month" else "Q")
    return (period.start_time.tz_localize(stamp.tz).to_pydatetime(),
            (period + 1).start_time.tz_localize(stamp.tz).to_pydatetime())
