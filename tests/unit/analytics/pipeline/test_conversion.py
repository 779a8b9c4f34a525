"""Stage conversion on the hand-made pipeline (tests/support/pipeline_rows.py): distinct deals per stage-entry
cohort, a re-entry counted once, a skipped stage counted as passed."""

from __future__ import annotations

from analytics.pipeline.conversion import conversion, overall
from analytics.pipeline.history import DealHistory


def _counts(rows: list[dict[str, object]]) -> dict[tuple[object, ...], tuple[object, ...]]:
    return {(r["stage"], r.get("cohort")): (r["entered"], r["passed"], r["lost"], r["open"]) for r in rows}


def test_overall_conversion_by_hand(golden_history: DealHistory) -> None:
    """D: A, B, C, D entered (4); A won, B reached P, D reached Q: 3 passed; C still there. Q: A (twice, once
    counted), B (skipped Q: passed it), D (lost there): 3 entered, 2 passed, 1 lost. P: A won, B lost. E and F
    reached Q in February and are open there."""
    rows = overall(conversion(golden_history))
    assert _counts(rows) == {("D", None): (6, 5, 0, 1), ("Q", None): (5, 2, 1, 2), ("P", None): (2, 1, 1, 0)}
    by_stage = {r["stage"]: r for r in rows}
    assert by_stage["Q"]["rate"] == 2 / 5
    assert by_stage["Q"]["closed_rate"] == 2 / 3
    assert by_stage["D"]["closed_rate"] == 1.0


def test_cohorts_by_month_of_first_entry(golden_history: DealHistory) -> None:
    """Q's January cohort is A (first entry 5 Jan) and B (reached P, past Q, on 12 Jan); February's is D, E, F."""
    counts = _counts(conversion(golden_history))
    assert counts[("Q", "2026-01")] == (2, 2, 0, 0)
    assert counts[("Q", "2026-02")] == (3, 0, 1, 2)
    assert counts[("D", "2026-01")] == (3, 2, 0, 1)
    assert counts[("D", "2026-02")] == (3, 3, 0, 0)


def test_in_the_past_only_what_was_known(golden_history: DealHistory) -> None:
    """On 15 January: A in Q (entered D and Q, passed D), B in P, C in D; D, E, F not yet created."""
    counts = _counts(overall(conversion(golden_history.at(golden_history.as_of.replace(month=1, day=15)))))
    assert counts == {("D", None): (3, 2, 0, 1), ("Q", None): (2, 1, 0, 1), ("P", None): (1, 0, 0, 1)}
