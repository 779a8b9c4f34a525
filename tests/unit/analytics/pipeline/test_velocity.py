"""Velocity and quota coverage on the hand-made pipeline."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from analytics.pipeline.history import DealHistory
from analytics.pipeline.load import load_history
from analytics.pipeline.velocity import coverage, velocity
from tests.support.pipeline_rows import AS_OF, golden, land


def test_velocity_by_hand(golden_history: DealHistory) -> None:
    """Open C, E, F (3); closed A won, B and D lost (1/3); A won 1,000 in 29 days: 3 x 1/3 x 1,000 / 29 a day."""
    [row] = velocity(golden_history)
    expected = 3 * (1 / 3) * 1000 / 29
    assert row["velocity_per_day"] == pytest.approx(expected)
    assert (row["open_deals"], row["win_rate"], row["avg_won_amount"], row["days_to_win"]) == pytest.approx(
        (3, 1 / 3, 1000, 29))
    gains = row["plus_10_percent"]
    assert gains["open_deals"] == pytest.approx(0.1 * expected)
    assert gains["days_to_win"] == pytest.approx(expected / 0.9 - expected)


def test_velocity_without_closed_deals_says_so(golden_history: DealHistory) -> None:
    [row] = velocity(golden_history.at(AS_OF.replace(month=1, day=10)))
    assert row["velocity_per_day"] is None and row["closed"] == 0


def test_coverage_by_hand(sqlite_store: Engine) -> None:
    """Quota 5,000 for Q1; A won 1,000 on 30 Jan: 4,000 remain. Open and expected in Q1: C (15 Feb) and E
    (30 Mar), 1,000 each; F expects 1 April. Coverage 2,000 / 4,000."""
    rows = golden()
    rows["quota"] = [{"id": "q1", "owner_id": "rep-1", "period_start": date(2026, 1, 1),
                      "period_end": date(2026, 3, 31), "quota_type": "revenue", "amount": 5000.0}]
    land(sqlite_store, rows)
    [row] = coverage(load_history(sqlite_store, AS_OF))
    assert (row["won"], row["remaining"], row["pipeline"], row["open_deals"]) == (1000.0, 4000.0, 2000.0, 2)
    assert row["coverage"] == pytest.approx(0.5)
