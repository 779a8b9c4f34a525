"""Shapley values: brute force over every ordering (written here), the efficiency axiom, the closed form of the
subset game, the MIT ``shapley-attribution`` package as an independent reference, sampling within its error."""

from __future__ import annotations

from itertools import permutations
from math import factorial

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapley_attribution import SimplifiedShapleyAttribution

from analytics.attribution.shapley import (
    EXACT_LIMIT,
    coalition_values,
    exact_shapley,
    sampled_shapley,
    shapley,
    subset_game,
)

Game = list[tuple[list[str], float]]


def _brute_force(game: Game) -> dict[str, float]:
    """Average over all n! orderings of each channel's marginal contribution, v read straight off the journeys."""
    channels = sorted({c for path, _ in game for c in path})

    def v(coalition: set[str]) -> float:
        return sum(w for path, w in game if set(path) <= coalition)

    totals = dict.fromkeys(channels, 0.0)
    for order in permutations(channels):
        present: set[str] = set()
        for channel in order:
            before = v(present)
            present.add(channel)
            totals[channel] += v(present) - before
    return {c: t / factorial(len(channels)) for c, t in totals.items()}


def games(max_channels: int) -> st.SearchStrategy[Game]:
    channels = [f"c{i}" for i in range(max_channels)]
    path = st.lists(st.sampled_from(channels), min_size=1, max_size=5)
    return st.lists(st.tuples(path, st.floats(0.0, 1000.0)), min_size=1, max_size=10)


def test_golden_three_channels() -> None:
    # v({a})=1 (the lone a), v({c})=1, v({a,b})=2, v({b,c})=3, v(all)=4: a 1/2 + 1 = 1.5, b 1/2 + 2/2 = 1.5, c 2
    game: Game = [(["a", "b"], 1.0), (["a"], 1.0), (["b", "c"], 2.0), (["c"], 1.0)]
    assert shapley(game).values == pytest.approx({"a": 1.5, "b": 1.5, "c": 2.0})
    assert _brute_force(game) == pytest.approx({"a": 1.5, "b": 1.5, "c": 2.0})


@settings(max_examples=80, deadline=None)
@given(game=games(6))
def test_exact_equals_brute_force_over_every_ordering(game: Game) -> None:
    ours = shapley(game)
    assert ours.method == "exact"
    assert ours.values == pytest.approx(_brute_force(game), abs=1e-6)


@settings(max_examples=80, deadline=None)
@given(game=games(12))
def test_efficiency_values_sum_to_the_grand_coalition(game: Game) -> None:
    ours = shapley(game)
    assert sum(ours.values.values()) == pytest.approx(sum(w for _, w in game), rel=1e-9, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(game=games(8), weights=st.lists(st.integers(1, 4), min_size=10, max_size=10))
def test_equals_the_shapley_attribution_package(game: Game, weights: list[int]) -> None:
    """The package's set-based Shapley (Zhao et al. 2018) on unit conversions: a journey weighted k is k copies."""
    unit = [(path, float(k)) for (path, _), k in zip(game, weights, strict=False)]
    copies = [path for path, k in unit for _ in range(int(k))]
    reference = SimplifiedShapleyAttribution(normalize=False).fit(copies, y=[1] * len(copies)).get_attribution()
    ours = shapley(unit).values
    for channel in set(ours) | set(reference):
        assert ours.get(channel, 0.0) == pytest.approx(reference.get(channel, 0.0), abs=1e-9)


def test_any_game_the_glove_game() -> None:
    """exact_shapley takes any game: one left glove (L) and two right (R1, R2), a pair is worth 1. Known values:
    L 2/3, R1 and R2 1/6 each."""
    channels = ["L", "R1", "R2"]
    v = np.array([1.0 if (s & 1) and (s & 6) else 0.0 for s in range(8)])
    assert exact_shapley(v, channels).values == pytest.approx({"L": 2 / 3, "R1": 1 / 6, "R2": 1 / 6})
    with pytest.raises(ValueError, match="coalition values"):
        exact_shapley(v[:4], channels)


def test_sampled_lies_within_a_few_standard_errors_of_exact() -> None:
    rng = np.random.default_rng(7)
    channels = [f"c{i}" for i in range(12)]
    game: Game = [([channels[int(i)] for i in rng.integers(0, 12, int(rng.integers(1, 6)))], float(rng.integers(1, 9)))
                  for _ in range(400)]
    names = sorted({c for path, _ in game for c in path})
    masks, weights = subset_game(game, names)
    exact = exact_shapley(coalition_values(masks, weights, len(names)), names).values
    sampled = sampled_shapley(masks, weights, names, permutations=3000, seed=3)
    assert sampled.method == "sampled" and sampled.permutations == 3000
    for channel in names:
        se = sampled.standard_errors[channel]
        assert 0 < se < 0.1 * exact[channel]
        assert abs(sampled.values[channel] - exact[channel]) <= 4 * se, channel
    assert sum(sampled.values.values()) == pytest.approx(sum(weights))  # each ordering gives everything out


def test_beyond_the_exact_limit_it_samples() -> None:
    channels = [f"c{i:02d}" for i in range(EXACT_LIMIT + 5)]
    game: Game = [([channels[i], channels[(i + 1) % len(channels)]], 1.0) for i in range(len(channels))]
    result = shapley(game, permutations=500, seed=1)
    assert result.method == "sampled" and len(result.channels) == EXACT_LIMIT + 5
    # by symmetry every channel is worth 1 (closed form: two journeys of two channels each)
    for channel in channels:
        assert abs(result.values[channel] - 1.0) <= 4 * result.standard_errors[channel] + 1e-12
    with pytest.raises(ValueError, match="over the limit"):
        exact_shapley(np.zeros(1 << 16), channels[:16])
