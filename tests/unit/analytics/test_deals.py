"""Deal win probability: cold start from the CRM, trained point-in-time, tracked accuracy."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from analytics import deals
from store.tables import deal_score
from tests.support.canonical_rows import NOW, add, add_many, days_ago


def _history(engine: Engine, n: int = 240, seed: int = 0) -> None:
    """Closed deals whose outcome follows activity and rep; a few open ones."""
    rng = np.random.default_rng(seed)
    reps = ["rep-a", "rep-b", "rep-c"]
    rows, acts = [], []
    for i in range(n):
        rep = reps[i % 3]
        created = 400 - i * 1.5
        cycle = rng.uniform(20, 60)
        busy = rng.random() < 0.5
        p = 0.75 if busy else 0.2
        won = bool(rng.random() < (p + (0.1 if rep == "rep-a" else 0)))
        rows.append({"id": f"d{i}", "owner_id": rep, "stage": "Closed Won" if won else "Closed Lost",
                     "amount": float(rng.integers(1, 10) * 1000), "probability": None, "created_at": days_ago(created),
                     "close_date": days_ago(created - cycle).date(), "is_closed": True, "is_won": won})
        for k in range(6 if busy else 1):
            acts.append({"id": f"a{i}-{k}", "type": "call", "opportunity_id": f"d{i}",
                         "occurred_at": days_ago(created - 1 - k)})
    for j in range(5):
        rows.append({"id": f"open{j}", "owner_id": "rep-a", "stage": "Proposal", "amount": 5000.0,
                     "probability": 60.0, "created_at": days_ago(10), "close_date": None, "is_closed": False,
                     "is_won": False})
    add_many(engine, "opportunity", rows)
    add_many(engine, "activity", acts)


def test_cold_start_uses_the_crm_probability(sqlite_store: Engine) -> None:
    add(sqlite_store, "opportunity", id="o1", stage="Proposal", amount=100.0, probability=60.0,
        created_at=days_ago(5), is_closed=False)
    result = deals.score(sqlite_store, as_of=NOW)
    assert result["model_version"] == deals.COLD_START_VERSION and result["scored"] == 1
    with sqlite_store.connect() as conn:
        assert conn.execute(select(deal_score.c.probability)).scalar_one() == 0.6


def test_rep_win_rate_uses_only_deals_closed_before() -> None:
    closed_at = pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01"], utc=True)
    all_deals = pd.DataFrame({"owner_id": ["r", "r", "r"], "is_closed": [True] * 3, "is_won": [True, True, False],
                              "closed_at": closed_at}, index=["a", "b", "c"])
    at = pd.Series(pd.to_datetime(["2026-01-15", "2026-03-15"], utc=True), index=["x", "y"])
    rates = deals._rep_win_rate(all_deals, pd.Series(["r", "r"], index=["x", "y"]), at)
    # at x only deal a had closed (won): overall 1.0, rep 1/1 → 1.0; at y: 2 of 3, shrunk to the overall 2/3
    assert rates["x"] == 1.0 and abs(rates["y"] - 2 / 3) < 1e-9


def test_training_snapshots_never_show_the_final_stage(sqlite_store: Engine) -> None:
    _history(sqlite_store)
    with sqlite_store.connect() as conn:
        frame, y = deals.training_snapshots(deals.load(conn))
    assert len(frame) == 240 and set(np.unique(y)) == {0, 1}
    assert not frame["stage"].isin(["Closed Won", "Closed Lost"]).any()


def test_trained_model_scores_open_deals_and_tracks_accuracy(sqlite_store: Engine) -> None:
    _history(sqlite_store)
    trained = deals.train(sqlite_store, folds=3, algorithm="logistic")
    assert trained["metrics"]["auc"] > 0.6
    result = deals.score(sqlite_store, as_of=NOW)
    assert result["model_version"] == trained["version"] and result["scored"] == 5
    with sqlite_store.connect() as conn:
        scores = conn.execute(select(deal_score)).mappings().all()
    assert all(0 < s["probability"] < 1 and s["reasons"] for s in scores)
    # Close two scored deals: their stored, pre-close probabilities are what accuracy is measured on.
    add_many(sqlite_store, "opportunity", [
        {"id": "open0", "owner_id": "rep-a", "stage": "Closed Won", "amount": 5000.0, "probability": 100.0,
         "created_at": days_ago(10), "close_date": NOW.date(), "is_closed": True, "is_won": True},
        {"id": "open1", "owner_id": "rep-a", "stage": "Closed Lost", "amount": 5000.0, "probability": 0.0,
         "created_at": days_ago(10), "close_date": NOW.date(), "is_closed": True, "is_won": False}])
    again = deals.score(sqlite_store, as_of=NOW)
    assert again["tracked_accuracy"]["closed_scored_deals"] == 2 and "brier" in again["tracked_accuracy"]
