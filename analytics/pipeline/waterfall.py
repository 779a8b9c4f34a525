"""The pipeline-change waterfall of one period per owner: what the period's pipeline was at its start, what moved it,
and what it was at its end, reconciling exactly.

The period's pipeline at an instant: the open deals whose expected close date falls in the period, at their amount
then. Each change to a deal inside ``(start, end]`` moves it between states, and its value goes to one step:
``created`` (a new deal arrives in the period), ``slipped_in`` / ``slipped_out`` (its close date moved into / out of
the period, or it was reopened), ``increased`` / ``decreased`` (its amount changed while in), ``won`` / ``lost`` (it
closed while in: at its closing amount, the change of amount at the close counted as increased or decreased). So
``end = start + created + increased - decreased + slipped_in - slipped_out - won - lost``, to the cent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from analytics.pipeline.history import WON, DealHistory

STEPS = ("start", "created", "increased", "decreased", "slipped_in", "slipped_out", "won", "lost", "end")


def waterfall(history: DealHistory, start: datetime, end: datetime, *, period_end: datetime | None = None,
              by: str = "owner_id") -> list[dict[str, Any]]:
    """Changes over ``(start, end]`` to the pipeline of the period ``[start, period_end)`` (default ``end``: a
    period still running is walked up to now). One row per value of ``by`` and an "all" row, with the STEPS and
    ``check`` (end minus start and the flows: 0 when the steps reconcile)."""
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    closes = pd.Timestamp(period_end) if period_end is not None else hi
    moves = {deal: group for deal, group in history.moves.groupby("opportunity_id")}
    totals: dict[Any, dict[str, float]] = {}
    for deal in history.deals.itertuples(index=False):
        steps = totals.setdefault(getattr(deal, by), dict.fromkeys(STEPS, 0.0))
        _walk(deal, moves.get(deal.id), lo, hi, closes, steps)
    rows = [{by: key, **steps} for key, steps in sorted(totals.items(), key=lambda kv: str(kv[0]))]
    every = {by: "all", **{step: sum(row[step] for row in rows) for step in STEPS}}
    return [{**row, "check": _check(row)} for row in [*rows, every]]


def _check(row: dict[str, Any]) -> float:
    flows = (row["created"] + row["increased"] - row["decreased"] + row["slipped_in"] - row["slipped_out"]
             - row["won"] - row["lost"])
    return float(row["end"] - (row["start"] + flows))


def _state(deal: Any, moves: pd.DataFrame | None, when: pd.Timestamp, lo: pd.Timestamp,
           closes: pd.Timestamp) -> tuple[bool, float]:
    """Whether the deal is in the period's pipeline at ``when``, and its amount then."""
    if deal.created_at > when:
        return False, 0.0
    amount, close_date = float(deal.amount), deal.close_date
    if moves is not None:
        known = moves[moves["changed_at"] <= when]
        if known["amount"].notna().any():
            amount = float(known["amount"].dropna().iloc[-1])
        if known["close_date"].notna().any():
            close_date = known["close_date"].dropna().iloc[-1]
    is_open = pd.isna(deal.closed_at) or deal.closed_at > when
    inside = not pd.isna(close_date) and lo <= close_date < closes
    return bool(is_open and inside), amount


def _walk(deal: Any, moves: pd.DataFrame | None, lo: pd.Timestamp, hi: pd.Timestamp, closes: pd.Timestamp,
          steps: dict[str, float]) -> None:
    instants = {deal.created_at}
    if moves is not None:
        instants |= set(moves["changed_at"])
    if not pd.isna(deal.closed_at):
        instants.add(deal.closed_at)
    inside, amount = _state(deal, moves, lo, lo, closes)
    if inside:
        steps["start"] += amount
    for when in sorted(t for t in instants if lo < t <= hi):
        now_in, now_amount = _state(deal, moves, when, lo, closes)
        closed = not pd.isna(deal.closed_at) and deal.closed_at <= when
        if inside and now_in:
            _resize(steps, now_amount - amount)
        elif inside and closed:
            _resize(steps, now_amount - amount)
            steps["won" if deal.outcome == WON else "lost"] += now_amount
        elif inside:
            steps["slipped_out"] += amount
        elif now_in:
            steps["created" if when == deal.created_at else "slipped_in"] += now_amount
        inside, amount = now_in, now_amount
    if inside:
        steps["end"] += amount


def _resize(steps: dict[str, float], delta: float) -> None:
    if delta > 0:
        steps["increased"] += delta
    elif delta < 0:
        steps["decreased"] -= delta
