"""Batch routing: equal to an independent assignment (scipy's linear_sum_assignment over capacity-expanded columns),
never over a cap, gap 0, the rest queued."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from analytics.routing.batch import assign


def _reference(values: list[list[float | None]], caps: list[int]) -> float:
    """Best total value by linear_sum_assignment: one column per unit of capacity plus one queue column per lead."""
    n = len(values)
    slots = [j for j, c in enumerate(caps) for _ in range(c)]
    cost = np.zeros((n, len(slots) + n))
    for i, row in enumerate(values):
        for s, j in enumerate(slots):
            cost[i, s] = -row[j] if row[j] is not None else 1e9
    rows, cols = linear_sum_assignment(cost)
    return float(-sum(cost[r, c] for r, c in zip(rows, cols, strict=True) if cost[r, c] < 0))


problem = st.integers(1, 4).flatmap(lambda m: st.tuples(
    st.lists(st.lists(st.one_of(st.none(), st.floats(0.0, 1.0)), min_size=m, max_size=m), min_size=1, max_size=12),
    st.lists(st.integers(0, 4), min_size=m, max_size=m)))


@settings(max_examples=150, deadline=None)
@given(problem=problem)
def test_equals_linear_sum_assignment_and_respects_caps(problem: tuple[list[list[float | None]], list[int]]) -> None:
    values, caps = problem
    result = assign(values, list(caps))
    assert result.value == pytest.approx(_reference(values, caps), abs=1e-6)
    assert result.gap == 0.0
    for j, cap in enumerate(caps):
        assert sum(1 for r in result.reps if r == j) <= cap
    for i, r in enumerate(result.reps):
        assert r is None or values[i][r] is not None  # only eligible reps


def test_a_lead_is_queued_only_when_every_eligible_rep_is_full() -> None:
    result = assign([[0.5, None], [0.4, None], [0.0, 0.0]], [1, 1])
    assert result.reps == [0, None, 1]
    assert result.value == pytest.approx(0.5)


def test_unbounded_capacity_takes_each_lead_to_its_best_rep() -> None:
    result = assign([[0.1, 0.3], [0.6, 0.2], [None, 0.05]], [None, None])
    assert result.reps == [1, 0, 1]
