"""Stage conversion counted on distinct deals, by the cohort (month) in which they entered the stage.

A deal's progress is the furthest open stage it has reached (a won deal has passed them all). It *entered* every
stage up to that one, skipped stages included, and *passed* every stage before it: re-entering a stage after moving
back counts once, and a deal that jumped from Discovery to Proposal passed Qualification. Its entry into a stage is
the first time it reached that stage or a later one.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from analytics.pipeline.history import LOST, OPEN, WON, DealHistory


def progress(history: DealHistory) -> pd.DataFrame:
    """Moves into open stages with the deal's running furthest rank (``reached``): one row per move, in time order.
    A deal without stage history counts from its creation in its current stage."""
    ranks = history.open_stages()[["pipeline", "stage", "rank"]]
    deals = history.deals
    moves = history.moves.merge(deals[["id", "pipeline"]], left_on="opportunity_id", right_on="id")
    bare = deals[~deals["id"].isin(history.moves["opportunity_id"])]
    moves = pd.concat([moves[["opportunity_id", "pipeline", "stage", "changed_at"]],
                       bare.rename(columns={"id": "opportunity_id", "created_at": "changed_at"})
                       [["opportunity_id", "pipeline", "stage", "changed_at"]]], ignore_index=True)
    moves = moves.merge(ranks, on=["pipeline", "stage"]).sort_values(["opportunity_id", "changed_at"],
                                                                     kind="stable")
    moves["reached"] = moves.groupby("opportunity_id")["rank"].cummax()
    return moves


def conversion(history: DealHistory, cohort: str = "M") -> list[dict[str, Any]]:
    """Per (pipeline, stage, entry cohort): deals that ``entered``, ``passed`` (moved beyond or won), were ``lost``
    there, or are still ``open`` there; ``rate`` = passed / entered and ``closed_rate`` = passed / (passed + lost)
    (the rate among deals whose fate at the stage is known)."""
    moves = progress(history)
    stages = history.open_stages()
    deals = history.deals.set_index("id")
    furthest = moves.groupby("opportunity_id")["reached"].max()
    outcome = deals["outcome"].reindex(furthest.index)
    last_rank = stages.groupby("pipeline")["rank"].max()
    pipeline = deals["pipeline"].reindex(furthest.index)
    furthest = furthest.where(outcome != WON, pipeline.map(last_rank) + 1)
    rows: list[dict[str, Any]] = []
    for stage in stages.itertuples(index=False):
        in_pipe = moves[(moves["pipeline"] == stage.pipeline) & (moves["reached"] >= stage.rank)]
        entered = in_pipe.groupby("opportunity_id")["changed_at"].min()
        won_only = furthest.index[(pipeline == stage.pipeline) & (furthest >= stage.rank)
                                  & ~furthest.index.isin(entered.index)]
        entered = pd.concat([entered, deals.loc[won_only, "created_at"]])  # won without any open-stage record
        if entered.empty:
            continue
        frame = pd.DataFrame({"entered_at": entered, "reached": furthest.reindex(entered.index),
                              "outcome": outcome.reindex(entered.index)})
        frame["cohort"] = frame["entered_at"].dt.tz_localize(None).dt.to_period(cohort).astype(str)
        here = frame["reached"] == stage.rank
        frame["passed"] = frame["reached"] > stage.rank
        frame["lost"] = here & (frame["outcome"] == LOST)
        frame["open"] = here & (frame["outcome"] == OPEN)
        for key, group in frame.groupby("cohort", sort=True):
            passed, lost, n = int(group["passed"].sum()), int(group["lost"].sum()), len(group)
            rows.append({"pipeline": stage.pipeline, "stage": stage.stage, "rank": int(stage.rank),
                         "cohort": key, "entered": n, "passed": passed, "lost": lost,
                         "open": int(group["open"].sum()), "rate": passed / n,
                         "closed_rate": passed / (passed + lost) if passed + lost else None})
    return rows


def overall(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The cohorts of ``conversion`` added up per (pipeline, stage)."""
    if not rows:
        return []
    table = pd.DataFrame(rows).groupby(["pipeline", "rank", "stage"], sort=True)[
        ["entered", "passed", "lost", "open"]].sum().reset_index()
    return [{**row, "rate": row["passed"] / row["entered"],
             "closed_rate": row["passed"] / (row["passed"] + row["lost"]) if row["passed"] + row["lost"] else None}
            for row in table.to_dict("records")]
