"""Stage spells: each uninterrupted stay of a deal in one open stage, with how it ended.

A spell ends when the deal moves to another stage (``advanced`` when that stage is later in the pipeline or won,
``moved back`` when earlier), closes lost (``lost``), or is still running at ``as_of`` (``open``: censored).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.pipeline.history import LOST, OPEN, WON, DealHistory

ADVANCED, BACK = "advanced", "moved back"
SPELL_COLUMNS = ["opportunity_id", "pipeline", "segment", "owner_id", "stage", "rank", "entered", "left", "end",
                 "days", "deal_outcome"]


def spells(history: DealHistory) -> pd.DataFrame:
    """One row per spell; ``days`` runs to ``left`` (or to ``as_of`` for a spell still open)."""
    ranks = history.open_stages().set_index(["pipeline", "stage"])["rank"]
    closed = history.stages.set_index(["pipeline", "stage"])
    deals = history.deals.set_index("id")
    moves = history.moves.merge(deals[["pipeline"]], left_on="opportunity_id", right_index=True)
    key = pd.MultiIndex.from_arrays([moves["pipeline"], moves["stage"]])
    moves = moves.assign(rank=ranks.reindex(key).to_numpy(),
                         won=closed["is_won"].reindex(key).fillna(False).to_numpy(dtype=bool))
    # Consecutive rows in the same stage (an amount or date edit) are one spell.
    same = (moves["opportunity_id"] == moves["opportunity_id"].shift()) & (moves["stage"] == moves["stage"].shift())
    moves = moves[~same].reset_index(drop=True)
    following = moves.groupby("opportunity_id").shift(-1)
    out = moves[moves["rank"].notna()].copy()
    nxt = following.loc[out.index]
    deal = deals.loc[out["opportunity_id"]]
    out["left"] = nxt["changed_at"].to_numpy()
    out["left"] = pd.to_datetime(out["left"], utc=True)
    closed_at = deal["closed_at"].to_numpy()
    out["left"] = out["left"].where(out["left"].notna(), pd.to_datetime(closed_at, utc=True))
    next_rank = nxt["rank"].to_numpy(dtype=float)
    next_won = nxt["won"].fillna(False).to_numpy(dtype=bool)
    outcome = deal["outcome"].to_numpy()
    has_next = nxt["changed_at"].notna().to_numpy()
    end = np.where(has_next,
                   np.where(next_won | (next_rank > out["rank"].to_numpy(dtype=float)), ADVANCED,
                            np.where(np.isnan(next_rank), LOST, BACK)),
                   np.where(outcome == WON, ADVANCED, np.where(outcome == LOST, LOST, OPEN)))
    out["end"] = end
    as_of = pd.Timestamp(history.as_of)
    stop = out["left"].where(out["left"].notna(), as_of)
    out["days"] = (stop - out["changed_at"]).dt.total_seconds() / 86400
    out = out.rename(columns={"changed_at": "entered"})
    for name in ("segment", "owner_id"):
        out[name] = deal[name].to_numpy()
    out["deal_outcome"] = outcome
    return out[SPELL_COLUMNS].reset_index(drop=True)
