"""Empirical-Bayes rep x segment effects: a golden hand computation and shrinkage properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.routing.effects import Outcome, fit, moment_strength


def _outcomes(rep: str, segment: str, converted: int, n: int) -> list[Outcome]:
    return [Outcome(rep, segment, i < converted) for i in range(n)]


def test_golden_method_of_moments_and_posterior() -> None:
    # Two reps of 100 leads each, 10 and 30 converted. By hand: p = 40/200 = 0.2;
    # spread = 100*(0.1-0.2)^2 + 100*(0.3-0.2)^2 = 2; tau2 = (2 - 0.16*1) / (200 - 20000/200) = 1.84/100 = 0.0184;
    # k = 0.16/0.0184 - 1 = 7.695652...; rep a: (10 + 0.2k) / (100 + k) / 0.2.
    effects = fit(_outcomes("a", "s", 10, 100) + _outcomes("b", "s", 30, 100))
    k = 0.16 / 0.0184 - 1
    assert effects.priors["s"].strength == pytest.approx(k)
    assert effects.effect("a", "s") == pytest.approx((10 + 0.2 * k) / (100 + k) / 0.2)
    assert effects.effect("b", "s") == pytest.approx((30 + 0.2 * k) / (100 + k) / 0.2)
    assert effects.effect("nobody", "s") == pytest.approx(1.0)
    assert effects.effect("a", "unseen segment") == 1.0


def test_reps_no_more_different_than_noise_share_one_effect() -> None:
    effects = fit(_outcomes("a", "s", 20, 100) + _outcomes("b", "s", 21, 100))
    assert math.isinf(effects.priors["s"].strength)
    assert effects.effect("a", "s") == effects.effect("b", "s") == 1.0


def test_one_rep_or_no_conversions_give_no_effect() -> None:
    assert math.isinf(moment_strength([(3, 10)]).strength)
    assert math.isinf(moment_strength([(0, 10), (0, 20)]).strength)


@settings(max_examples=100, deadline=None)
@given(cells=st.lists(st.tuples(st.integers(0, 60), st.integers(1, 60)), min_size=2, max_size=6))
def test_the_posterior_lies_between_the_raw_rate_and_the_segment_rate(cells: list[tuple[int, int]]) -> None:
    cells = [(min(c, n), n) for c, n in cells]
    outcomes = [o for i, (c, n) in enumerate(cells) for o in _outcomes(f"r{i}", "s", c, n)]
    effects = fit(outcomes)
    p = effects.priors["s"].rate
    if p == 0:
        return
    for i, (c, n) in enumerate(cells):
        shrunk = effects.effect(f"r{i}", "s") * p
        low, high = sorted((c / n, p))
        assert low - 1e-12 <= shrunk <= high + 1e-12
