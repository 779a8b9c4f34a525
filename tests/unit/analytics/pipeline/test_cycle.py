"""Spells and cycle times on the hand-made pipeline, read from SQLite and PostgreSQL stores."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from analytics.pipeline.cycle import cycle, stage_durations
from analytics.pipeline.history import DealHistory
from analytics.pipeline.load import load_history
from analytics.pipeline.spells import spells
from tests.support.pipeline_rows import AS_OF, golden, land


def test_spells_by_hand(golden_history: DealHistory) -> None:
    """A: D 4 days, Q 3 (moved back), D 2, Q 10, P 10; C: one D spell from 3 Jan (close-date edits are not moves),
    open for 57 days on 1 March."""
    table = spells(golden_history).set_index("opportunity_id")
    a = table.loc["A"]
    assert list(zip(a["stage"], a["days"].round(6), a["end"], strict=True)) == [
        ("D", 4.0, "advanced"), ("Q", 3.0, "moved back"), ("D", 2.0, "advanced"), ("Q", 10.0, "advanced"),
        ("P", 10.0, "advanced")]
    c = table.loc[["C"]]
    assert list(zip(c["stage"], c["days"], c["end"], strict=True)) == [("D", 57.0, "open")]
    b = table.loc["B"]
    assert list(zip(b["stage"], b["end"], strict=True)) == [("D", "advanced"), ("P", "lost")]


@pytest.mark.parametrize("by", [None, "segment", "pipeline", "owner_id"])
def test_cycle_by_hand(any_store: Engine, by: str | None) -> None:
    """Creation to close: A 29 days won, B 20 lost, D 14 lost, C 57 / E 9 / F 8 open (censored on 1 March); every
    deal is in one pipeline, segment and owner, so each grouping has one group holding them all."""
    land(any_store, golden())
    history = load_history(any_store, AS_OF)
    [row] = cycle(history, by)
    # Times 8 C, 9 C, 14 E, 20 E, 29 E, 57 C: S(14) = 3/4, S(20) = 3/4 * 2/3 = 1/2 (median 20), S(29) = 1/4.
    assert row["median"] == 20.0
    assert row["p80"] is None  # S never reaches 0.2: C is still open
    assert row["naive_mean"] == pytest.approx((29 + 20 + 14) / 3)
    km_mean = 14 + 6 * 0.75 + 9 * 0.5 + 28 * 0.25  # restricted to 57 days
    assert row["km_mean"] == pytest.approx(km_mean)
    assert row["naive_bias_days"] == pytest.approx(21 - km_mean)
    # Won (A at 29) against lost: AJ incidence S(29-) * 1/2 = 1/4.
    assert row["event_share"] == pytest.approx(0.25)
    assert (row["n_event"], row["n_competing"], row["n_censored"]) == (1, 2, 3)


def test_stage_durations_count_every_spell(golden_history: DealHistory) -> None:
    rows = {r["stage"]: r for r in stage_durations(golden_history)}
    # D spells: A 4 and 2, B 10, D 10, E 5, F 5 (all advanced), C 57 open.
    assert (rows["D"]["n"], rows["D"]["n_event"], rows["D"]["n_censored"]) == (7, 6, 1)
    assert rows["D"]["naive_mean"] == pytest.approx((4 + 2 + 10 + 10 + 5 + 5) / 6)
    # Q spells: A 3 (moved back: ends, neither outcome) and 10, D 4 (lost), E 4 and F 4 open.
    assert (rows["Q"]["n"], rows["Q"]["n_event"], rows["Q"]["n_competing"], rows["Q"]["n_censored"]) == (5, 1, 1, 2)
