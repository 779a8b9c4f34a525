"""The other deal warnings: the buyer gone quiet (against the deal's own rhythm), close dates overdue or pushed
again and again, and too few or no senior contacts on the deal."""

from __future__ import annotations

import pandas as pd

from analytics.pipeline.history import OPEN, DealHistory
from analytics.pipeline.rules import SENIOR_ROLES, SENIOR_TITLES, WarningRules
from analytics.pipeline.stalled import WARNING_COLUMNS


def _rows(ids: pd.Series, kind: str, reasons: list[str], values: pd.Series, thresholds: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({"opportunity_id": ids.to_numpy(), "kind": kind, "reason": reasons,
                         "value": values.to_numpy(dtype=float), "threshold": thresholds.to_numpy(dtype=float)},
                        columns=WARNING_COLUMNS)


def _open(history: DealHistory) -> pd.DataFrame:
    return history.deals[history.deals["outcome"] == OPEN]


def ghosted(history: DealHistory, rules: WarningRules) -> pd.DataFrame:
    """Inbound silence longer than ``ghost_factor`` times the deal's median gap between inbound activities."""
    inbound = history.activities[history.activities["inbound"].astype(bool)
                                 & history.activities["opportunity_id"].isin(_open(history)["id"])]
    inbound = inbound.sort_values(["opportunity_id", "occurred_at"])
    gaps = inbound.groupby("opportunity_id")["occurred_at"].diff().dt.total_seconds() / 86400
    per_deal = pd.DataFrame({"opportunity_id": inbound["opportunity_id"], "gap": gaps}).groupby("opportunity_id")
    stats = pd.DataFrame({"usual": per_deal["gap"].median(), "gaps": per_deal["gap"].count(),
                          "last": inbound.groupby("opportunity_id")["occurred_at"].max()})
    stats["silence"] = (pd.Timestamp(history.as_of) - stats["last"]).dt.total_seconds() / 86400
    stats["limit"] = (stats["usual"] * rules.ghost_factor).clip(lower=rules.ghost_min_days)
    hits = stats[(stats["gaps"] >= rules.ghost_min_gaps) & (stats["silence"] > stats["limit"])]
    reasons = [f"no reply or meeting for {r.silence:.0f} days; this buyer usually responds every {r.usual:.0f} days "
               f"(warning beyond {r.limit:.0f})" for r in hits.itertuples()]
    return _rows(hits.index.to_series(), "ghosted", reasons, hits["silence"], hits["limit"])


def close_dates(history: DealHistory, rules: WarningRules) -> pd.DataFrame:
    """Overdue (the expected close date has passed) and pushed (moved later ``pushes`` times or more)."""
    deals = _open(history)
    as_of = pd.Timestamp(history.as_of)
    late = deals[deals["close_date"].notna() & (deals["close_date"] + pd.Timedelta(days=1) <= as_of)]
    days_late = (as_of - late["close_date"]).dt.total_seconds() / 86400
    overdue = _rows(late["id"], "overdue",
                    [f"expected to close on {d:%Y-%m-%d}, {n:.0f} days ago" for d, n in
                     zip(late["close_date"], days_late, strict=True)], days_late, pd.Series(0.0, index=late.index))
    dates = history.moves[history.moves["opportunity_id"].isin(deals["id"]) & history.moves["close_date"].notna()]
    previous = dates.groupby("opportunity_id")["close_date"].shift()
    pushed = dates.assign(later=dates["close_date"] > previous).groupby("opportunity_id").agg(
        pushes=("later", "sum"), first=("close_date", "first"), last=("close_date", "last"))
    pushed = pushed[pushed["pushes"] >= rules.pushes]
    moved = _rows(pushed.index.to_series(), "pushed",
                  [f"close date pushed {int(r.pushes)} times, from {r.first:%Y-%m-%d} to {r.last:%Y-%m-%d}"
                   for r in pushed.itertuples()], pushed["pushes"], pd.Series(float(rules.pushes), index=pushed.index))
    return pd.concat([overdue, moved], ignore_index=True)


def contacts(history: DealHistory, rules: WarningRules) -> pd.DataFrame:
    """Fewer than ``min_contacts`` distinct contacts, or none senior by role or title, from ``contacts_from_rank``."""
    deals = _open(history)
    ranks = history.open_stages().set_index(["pipeline", "stage"])["rank"]
    rank = pd.Series(ranks.reindex(pd.MultiIndex.from_arrays([deals["pipeline"], deals["stage"]])).to_numpy(),
                     index=deals.index)
    deals = deals[rank >= rules.contacts_from_rank]
    roles = history.roles[history.roles["opportunity_id"].isin(deals["id"])]
    count = roles.groupby("opportunity_id")["contact_id"].nunique().reindex(deals["id"], fill_value=0)
    senior = (roles["role"].fillna("").str.lower().isin(SENIOR_ROLES)
              | roles["title"].fillna("").str.contains(SENIOR_TITLES, case=False, regex=True))
    has_senior = senior.groupby(roles["opportunity_id"]).any().reindex(deals["id"], fill_value=False)
    few = count[count < rules.min_contacts]
    lonely = _rows(few.index.to_series(), "few_contacts",
                   [f"{n} contact{'s' if n != 1 else ''} on the deal; at least {rules.min_contacts} expected from "
                    "this stage on" for n in few], few.astype(float), pd.Series(float(rules.min_contacts),
                                                                               index=few.index))
    junior = has_senior[~has_senior.astype(bool) & (count > 0)]
    no_senior = _rows(junior.index.to_series(), "no_senior_contact",
                      ["no decision maker, economic buyer or executive (by role or title) among the deal's contacts"]
                      * len(junior), pd.Series(0.0, index=junior.index), pd.Series(1.0, index=junior.index))
    return pd.concat([lonely, no_senior], ignore_index=True)
