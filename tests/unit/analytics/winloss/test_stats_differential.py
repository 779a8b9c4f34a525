"""The tests and intervals against independent computations: the textbook formulas written out here, and
statsmodels/scipy calls the code does not make (the code uses statsmodels for Wilson and scipy for Fisher and BH)."""

from __future__ import annotations

from math import comb, sqrt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2, norm
from statsmodels.stats.multitest import multipletests

from analytics.winloss.stats import bh_adjust, chi_square, fisher_vs_rest, wilson

Z = float(norm.ppf(0.975))


def _wilson_formula(w: int, n: int) -> tuple[float, float]:
    p = w / n
    denom = 1 + Z * Z / n
    centre = (p + Z * Z / (2 * n)) / denom
    half = Z * sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / denom
    return centre - half, centre + half


def _fisher_by_hand(a: int, b: int, c: int, d: int) -> float:
    """Two-sided: the sum of the hypergeometric probabilities no larger than the observed table's."""
    row, col, n = a + b, a + c, a + b + c + d
    lo, hi = max(0, row + col - n), min(row, col)
    probs = {k: comb(col, k) * comb(n - col, row - k) / comb(n, row) for k in range(lo, hi + 1)}
    observed = probs[a]
    return min(1.0, sum(p for p in probs.values() if p <= observed * (1 + 1e-7)))


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_equals_the_formula(case: tuple[int, int]) -> None:
    w, n = case
    assert wilson(w, n) == pytest.approx(_wilson_formula(w, n), abs=1e-12)


def test_wilson_of_an_empty_cell_is_none() -> None:
    assert wilson(0, 0) is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=4, max_size=4))
def test_fisher_equals_the_hypergeometric_sum(table: list[int]) -> None:
    a, b, c, d = table
    odds, p = fisher_vs_rest(a, b, c, d)
    if a + b == 0 or c + d == 0 or a + c == 0 or b + d == 0:
        assert (odds, p) == (None, None)
        return
    assert p == pytest.approx(_fisher_by_hand(a, b, c, d), rel=1e-9, abs=1e-12)
    if b * c:
        assert odds == pytest.approx(a * d / (b * c))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(0, 1)), min_size=1, max_size=30))
def test_bh_equals_statsmodels(pvalues: list[float | None]) -> None:
    got = bh_adjust(pvalues)
    present = [p for p in pvalues if p is not None]
    assert [g is None for g in got] == [p is None for p in pvalues]
    if present:
        want = multipletests(present, method="fdr_bh")[1]
        assert [g for g in got if g is not None] == pytest.approx(list(want), abs=1e-12)


def test_bh_by_hand() -> None:
    # sorted 0.01, 0.02, 0.03, 0.5 · 4/rank = 0.04, 0.04, 0.04, 0.5
    assert bh_adjust([0.03, 0.5, 0.01, None, 0.02]) == pytest.approx([0.04, 0.5, 0.04, None, 0.04])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 50), st.integers(1, 50)), min_size=2, max_size=8))
def test_chi_square_equals_the_formula(cells: list[tuple[int, int]]) -> None:
    table = np.array(cells, dtype=float)
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    stat = float(((table - expected) ** 2 / expected).sum())
    dof = len(cells) - 1
    got = chi_square([w for w, _ in cells], [lost for _, lost in cells])
    assert got is not None
    assert got == pytest.approx((stat, dof, float(chi2.sf(stat, dof))), rel=1e-9, abs=1e-12)


def test_chi_square_needs_two_cells_and_two_outcomes() -> None:
    assert chi_square([3], [4]) is None
    assert chi_square([3, 5], [0, 0]) is None
