"""Stalled in stage: days in the current stage beyond what won deals spent there (the ``norm_quantile`` of their
days in that stage and segment, else in that stage over all segments), never a fixed day count."""

from __future__ import annotations

import pandas as pd

from analytics.pipeline.history import OPEN, WON, DealHistory
from analytics.pipeline.rules import WarningRules
from analytics.pipeline.spells import spells

WARNING_COLUMNS = ["opportunity_id", "kind", "reason", "value", "threshold"]


def stage_norms(table: pd.DataFrame, rules: WarningRules) -> pd.DataFrame:
    """Per (pipeline, stage, segment) the norm in days and how many won spells it rests on; segment "*" holds the
    stage's norm over all segments."""
    won = table[(table["deal_outcome"] == WON) & (table["end"] != OPEN)]
    by_segment = won.groupby(["pipeline", "stage", "segment"])["days"].agg(
        norm=lambda d: d.quantile(rules.norm_quantile), n="size").reset_index()
    overall = won.groupby(["pipeline", "stage"])["days"].agg(
        norm=lambda d: d.quantile(rules.norm_quantile), n="size").reset_index().assign(segment="*")
    return pd.concat([by_segment, overall], ignore_index=True)


def stalled(history: DealHistory, rules: WarningRules) -> pd.DataFrame:
    table = spells(history)
    norms = stage_norms(table, rules)
    current = table[table["end"] == OPEN]
    if current.empty or norms.empty:
        return pd.DataFrame(columns=WARNING_COLUMNS)
    own = norms[(norms["segment"] != "*") & (norms["n"] >= rules.min_norm)]
    every = norms[(norms["segment"] == "*") & (norms["n"] >= rules.min_norm)].drop(columns="segment")
    current = current.merge(own, on=["pipeline", "stage", "segment"], how="left").merge(
        every, on=["pipeline", "stage"], how="left", suffixes=("", "_all"))
    scope = current["norm"].notna()
    current["base"] = current["norm"].where(scope, current["norm_all"])
    current["limit"] = current["base"] * rules.norm_factor
    current["basis"] = current["n"].where(scope, current["n_all"])
    hits = current[current["limit"].notna() & (current["days"] > current["limit"])]
    pct = round(rules.norm_quantile * 100)
    reasons = [f"{r.days:.0f} days in {r.stage}; won {_who(r.segment) if s else 'deals'} leave it within "
               f"{r.base:.0f} days (p{pct} of {int(r.basis)}), warning beyond {r.limit:.0f}"
               for r, s in zip(hits.itertuples(index=False), scope[hits.index], strict=True)]
    return pd.DataFrame({"opportunity_id": hits["opportunity_id"].to_numpy(), "kind": "stalled",
                         "reason": reasons, "value": hits["days"].to_numpy(), "threshold": hits["limit"].to_numpy()})


def _who(segment: str) -> str:
    return f"{segment} deals"
