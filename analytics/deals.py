"""Deal win probability: stage, days in stage, age, amount against the rep's median, activity count and recency,
rep win rate, account size and industry, competitors where known → a calibrated probability with reasons.

Training uses point-in-time snapshots: each closed deal is seen half-way through its life (stage, activities, rep
win rate as they were then, from the stage history), never at its end — a closed deal's final stage *is* its
outcome, and its full age would teach the model how long losers linger rather than what an open deal looks like.
Until enough deals have closed, the CRM's own stage probability is the answer (the cold start).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss, roc_auc_score
from sqlalchemy import Connection, Engine, select

from analytics import model as trained
from analytics import registry
from analytics.model_guard import activation_problems
from analytics.reasons import top_reasons
from analytics.score_rows import save_deal_scores
from analytics.scoring import training_columns
from analytics.timeutil import utc_now
from store.rawsql import db_time
from store.tables import account, activity, deal_score, opportunity, opportunity_stage

COLD_START_VERSION = "deal-stage-probability-1"
MIN_CLOSED = 50  # won and lost each, before a model is trained
PRIOR_STRENGTH = 10.0  # rep win rates shrink towards the overall rate as if each rep had 10 more closed deals
FEATURES = ("stage", "days_in_stage", "age_days", "amount", "amount_vs_rep_median", "activities",
            "days_since_activity", "rep_win_rate", "account_employees", "account_industry", "competitors")
LABELS = {"stage": "stage", "days_in_stage": "days in stage", "age_days": "deal age", "amount": "amount",
          "amount_vs_rep_median": "amount vs rep's median", "activities": "activity count",
          "days_since_activity": "days since last activity", "rep_win_rate": "rep win rate",
          "account_employees": "account size", "account_industry": "account industry", "competitors": "competitors"}
Progress = Callable[[str], None]


def _utc(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, utc=True)


def load(conn: Connection) -> dict[str, pd.DataFrame]:
    """Live opportunities with their account, stage history and activity times (deal volumes fit in memory)."""
    o, a = opportunity.c, account.c
    deals = pd.DataFrame(conn.execute(
        select(o.id, o.owner_id, o.stage, o.amount, o.probability, o.close_date, o.is_closed, o.is_won,
               o.created_at, o.custom, a.employees.label("account_employees"),
               a.industry.label("account_industry"))
        .select_from(opportunity.outerjoin(account, account.c.id == o.account_id))
        .where(o.deleted_at.is_(None))).mappings().all())
    if deals.empty:
        deals = pd.DataFrame(columns=["id", "owner_id", "stage", "amount", "probability", "close_date", "is_closed",
                                      "is_won", "created_at", "custom", "account_employees", "account_industry"])
    s = opportunity_stage.c
    stages = pd.DataFrame(conn.execute(select(s.opportunity_id, s.stage, s.amount, s.probability, s.changed_at)
                                       .where(s.deleted_at.is_(None))).mappings().all(),
                          columns=["opportunity_id", "stage", "amount", "probability", "changed_at"])
    acts = pd.DataFrame(conn.execute(select(activity.c.opportunity_id, activity.c.occurred_at)
                                     .where(activity.c.opportunity_id.is_not(None),
                                            activity.c.deleted_at.is_(None))).all(),
                        columns=["opportunity_id", "occurred_at"])
    deals["created_at"] = _utc(deals["created_at"])
    deals["closed_at"] = _utc(pd.to_datetime(deals["close_date"]))
    stages["changed_at"] = _utc(stages["changed_at"])
    acts["occurred_at"] = _utc(acts["occurred_at"])
    return {"deals": deals.set_index("id", drop=False), "stages": stages, "activities": acts}


def _competitors(custom: Any) -> float:
    if not isinstance(custom, dict) or custom.get("competitors") in (None, ""):
        return np.nan
    value = custom["competitors"]
    return float(len(value) if isinstance(value, list) else len([v for v in str(value).split(",") if v.strip()]))


def features_at(data: dict[str, pd.DataFrame], at: pd.Series) -> pd.DataFrame:
    """Each deal's features as of its own instant ``at`` (index: deal id): only what was known then."""
    deals = data["deals"].loc[at.index]
    out = pd.DataFrame(index=at.index)
    stages = data["stages"].merge(at.rename("at"), left_on="opportunity_id", right_index=True)
    stages = stages[stages["changed_at"] <= stages["at"]].sort_values("changed_at")
    last = stages.groupby("opportunity_id").last()
    open_now = deals["closed_at"].isna() | (deals["closed_at"] > at)
    # A deal still open at ``at`` shows its stage then: the history's, else (no history) its current stage.
    out["stage"] = last["stage"].reindex(at.index).where(lambda v: v.notna(),
                                                          deals["stage"].where(open_now & ~deals["is_closed"]
                                                                               .fillna(False).astype(bool)))
    entered = last["changed_at"].reindex(at.index).fillna(deals["created_at"])
    out["days_in_stage"] = (at - entered).dt.total_seconds() / 86400
    out["age_days"] = (at - deals["created_at"]).dt.total_seconds() / 86400
    amount = last["amount"].reindex(at.index).fillna(deals["amount"]).astype(float)
    out["amount"] = amount
    rep_median = amount.groupby(deals["owner_id"]).transform("median")
    out["amount_vs_rep_median"] = amount / rep_median.replace(0, np.nan)
    acts = data["activities"].merge(at.rename("at"), left_on="opportunity_id", right_index=True)
    acts = acts[acts["occurred_at"] <= acts["at"]]
    grouped = acts.groupby("opportunity_id")
    out["activities"] = grouped.size().reindex(at.index, fill_value=0).astype(float)
    out["days_since_activity"] = ((at - grouped["occurred_at"].max().reindex(at.index)).dt.total_seconds() / 86400)
    out["rep_win_rate"] = _rep_win_rate(data["deals"], deals["owner_id"], at)
    out["account_employees"] = pd.to_numeric(deals["account_employees"], errors="coerce").astype(float)
    out["account_industry"] = deals["account_industry"].astype(object)
    out["competitors"] = deals["custom"].map(_competitors).astype(float)
    out["stage"] = out["stage"].astype(object)
    return out


def _rep_win_rate(all_deals: pd.DataFrame, owners: pd.Series, at: pd.Series) -> pd.Series:
    """Each rep's win rate over deals closed strictly before ``at``, shrunk towards the overall rate then."""
    closed = all_deals[all_deals["is_closed"].fillna(False).astype(bool) & all_deals["closed_at"].notna()]
    closed = closed.sort_values("closed_at")
    times = closed["closed_at"].to_numpy()
    won = closed["is_won"].fillna(False).astype(bool).to_numpy()
    cum_won = np.concatenate([[0], np.cumsum(won)])
    out = np.full(len(at), np.nan)
    per_rep = {rep: (g["closed_at"].to_numpy(), np.concatenate([[0], np.cumsum(g["is_won"].fillna(False)
                                                                                .astype(bool).to_numpy())]))
               for rep, g in closed.groupby("owner_id")}
    at_values = at.to_numpy()
    n_all = np.searchsorted(times, at_values, side="left")
    overall = np.where(n_all > 0, cum_won[n_all] / np.maximum(n_all, 1), np.nan)
    for i, (rep, when) in enumerate(zip(owners.tolist(), at_values, strict=True)):
        if np.isnan(overall[i]):
            continue
        rep_times, rep_cum = per_rep.get(rep, (np.array([], dtype=times.dtype), np.array([0])))
        n = int(np.searchsorted(rep_times, when, side="left"))
        out[i] = (rep_cum[n] + PRIOR_STRENGTH * overall[i]) / (n + PRIOR_STRENGTH)
    return pd.Series(out, index=at.index)


def training_snapshots(data: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, np.ndarray]:
    """Closed deals seen half-way through their lives, labelled won (1) or lost (0), in id order (the same deals
    give the same model whatever order the store returns them in)."""
    deals = data["deals"]
    closed = deals[deals["is_closed"].fillna(False).astype(bool) & deals["closed_at"].notna()
                   & deals["created_at"].notna()].sort_index()
    middle = closed["created_at"] + (closed["closed_at"] - closed["created_at"]) / 2
    frame = features_at(data, middle)
    return frame, closed["is_won"].fillna(False).astype(int).to_numpy()


def train(engine: Engine, *, folds: int = 5, algorithm: str = "auto", progress: Progress | None = None,
          min_closed: int = MIN_CLOSED, exclude: Sequence[str] = ()) -> dict[str, Any]:
    """Cross-validate and fit the win model on closed deals; store the version, active unless model_guard finds it
    worse than the active one (``activated``, ``rejected``). ``exclude``: features left out
    (``scoring.exclude_deal_features``)."""
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    say("reading closed deals and their histories")
    with engine.connect() as conn:
        data = load(conn)
        active = registry.active_model(conn, "deal")
    frame, y = training_snapshots(data)
    won, lost = int(y.sum()), int(len(y) - y.sum())
    if min(won, lost) < min_closed:
        raise ValueError(f"{won} won and {lost} lost deals; training needs {min_closed} of each: the CRM's stage "
                         "probability stays the answer")
    columns, _ = training_columns(frame, exclude, setting="scoring.exclude_deal_features", entry_age=None)
    say(f"cross-validating the win model on {len(y):,} closed deals")
    metrics = trained.cross_validate(frame[columns], y, folds=folds, algorithm=algorithm, progress=say)
    metrics.pop("out_of_fold")
    fitted = trained.fit(frame[columns], y, algorithm=metrics["chosen"], progress=say)
    metrics["seconds"] = round(time.perf_counter() - started, 1)
    previous = active[0] if active is not None and isinstance(active[1], trained.TrainedModel) else None
    problems = activation_problems(metrics, previous.metrics if previous else None,
                                   previous.version if previous else None)
    version = registry.new_version("deal", fitted.algorithm)
    closed = data["deals"].loc[frame.index, "closed_at"]
    with engine.begin() as conn:
        registry.save_model(conn, version=version, kind="deal", algorithm=fitted.algorithm, features=columns,
                            metrics=metrics, artifact=fitted, training_from=closed.min().to_pydatetime(),
                            training_to=closed.max().to_pydatetime(), n_train=len(y), rejected=problems,
                            params={"snapshot": "half-way through each closed deal", "calibration": "sigmoid",
                                    "excluded": list(exclude)})
    return {"version": version, "algorithm": fitted.algorithm, "metrics": metrics, "n_train": len(y),
            "activated": not problems, "rejected": problems,
            "active_version": version if not problems else (previous.version if previous else None)}


def score(engine: Engine, *, as_of: datetime | None = None, validity_hours: int = 24, top: int = 3,
          progress: Progress | None = None) -> dict[str, Any]:
    """Score every open deal; closed deals keep their last (pre-close) score, which is what accuracy is tracked on."""
    as_of = as_of or utc_now()
    say = progress or (lambda _msg: None)
    with engine.begin() as conn:
        data = load(conn)
        deals = data["deals"]
        open_deals = deals[~deals["is_closed"].fillna(False).astype(bool)]
        at = pd.Series(pd.Timestamp(as_of), index=open_deals.index)
        frame = features_at(data, at)
        active = registry.active_model(conn, "deal")
        say(f"scoring {len(frame):,} open deals")
        if active is not None and isinstance(active[1], trained.TrainedModel):
            record, fitted = active
            probability, contributions = fitted.predict_explained(frame)
            version = record.version
        else:
            probability, contributions = _cold_start(open_deals, deals)
            version = COLD_START_VERSION
            registry.ensure_rule_model(conn, kind="deal", version=version, features=["stage", "probability"],
                                       params={"rule": "CRM stage probability, else the stage's historical win "
                                                       "rate, else the overall win rate"})
        texts, payloads = top_reasons(contributions, trained.reason_labels(active[1] if active else None,
                                                                           contributions.columns,
                                                                           lambda c: LABELS.get(c, c)),
                                      top, subject="deal")
        scored_at, until = db_time(conn, as_of), db_time(conn, as_of + timedelta(hours=validity_hours))
        rows = zip(frame.index.tolist(), np.round(probability, 4).tolist(), texts, payloads,
                   [version] * len(frame), [scored_at] * len(frame), [until] * len(frame), strict=True)
        count = save_deal_scores(conn, rows)
        tracked = tracked_accuracy(conn, deals)
        if active is not None:
            registry.update_metrics(conn, active[0].version, {"tracked": tracked})
    return {"scored": count, "model_version": version, "tracked_accuracy": tracked}


def _cold_start(open_deals: pd.DataFrame, deals: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    closed = deals[deals["is_closed"].fillna(False).astype(bool)]
    overall = float(closed["is_won"].fillna(False).mean()) if len(closed) else 0.3
    crm = pd.to_numeric(open_deals["probability"], errors="coerce")
    crm = crm.where(crm <= 1, crm / 100.0)  # CRMs give 0-100 or 0-1
    probability = crm.fillna(overall).clip(0, 1).to_numpy(dtype=float)
    contributions = pd.DataFrame({"stage": (probability - overall) * 100.0}, index=open_deals.index)
    return probability, contributions


def tracked_accuracy(conn: Connection, deals: pd.DataFrame) -> dict[str, Any]:
    """How the stored (pre-close) probabilities did on deals that have since closed: Brier score and AUC."""
    stored = pd.DataFrame(conn.execute(select(deal_score.c.opportunity_id, deal_score.c.probability)).all(),
                          columns=["id", "probability"]).set_index("id")
    closed = deals[deals["is_closed"].fillna(False).astype(bool)]
    joined = stored.join(closed["is_won"], how="inner")
    if joined.empty:
        return {"closed_scored_deals": 0,
                "brier_unavailable": "no deal scored before it closed has closed yet",
                "auc_unavailable": "no deal scored before it closed has closed yet"}
    y = joined["is_won"].fillna(False).astype(int).to_numpy()
    out: dict[str, Any] = {"closed_scored_deals": len(joined),
                           "brier": float(brier_score_loss(y, joined["probability"].to_numpy(dtype=float))),
                           "measured_at": utc_now().isoformat(timespec="seconds")}
    if 0 < y.sum() < len(y):
        out["auc"] = float(roc_auc_score(y, joined["probability"].to_numpy(dtype=float)))
    else:
        outcome = "won" if y.sum() else "lost"
        out["auc_unavailable"] = (f"AUC needs both won and lost deals; all {len(y)} closed scored deal(s) were "
                                  f"{outcome}")
    return out


def accuracy_text(tracked: dict[str, Any]) -> str:
    """The tracked accuracy in words; a figure that cannot be computed says why instead of showing NaN."""
    n = int(tracked.get("closed_scored_deals", 0))
    parts = [_figure("Brier", tracked, "no closed scored deal"), _figure("AUC", tracked, "needs won and lost deals")]
    return f"tracked on {n:,} closed deals: " + ", ".join(parts)


def _figure(label: str, tracked: dict[str, Any], default_reason: str) -> str:
    key = label.lower()
    value = tracked.get(key)
    if isinstance(value, float) and np.isfinite(value):
        return f"{label} {value:.3f}"
    return f"{label} unavailable ({tracked.get(key + '_unavailable', default_reason)})"
