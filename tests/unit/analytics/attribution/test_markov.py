"""The Markov model: a hand-computed 3-channel chain, higher orders by hand, and a seeded Monte Carlo simulation of
the same chain (written here, independently of the closed form) agreeing within its sampling error."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.attribution.markov import fit_markov, path_states

# START -> a 2/4, b 1/4, c 1/4; a -> b 1/2, NULL 1/2; b -> CONV 1/2, c 1/2; c -> CONV 1/2, NULL 1/2.
# P(conv | c) = 1/2, P(conv | b) = 1/2 + 1/2 * 1/2 = 3/4, P(conv | a) = 1/2 * 3/4 = 3/8,
# P(conv) = 2/4 * 3/8 + 1/4 * 3/4 + 1/4 * 1/2 = 1/2.
# Without a: 1/4 * 3/4 + 1/4 * 1/2 = 5/16 -> 1 - 5/8 = 3/8. Without b: 1/4 * 1/2 = 1/8 -> 3/4.
# Without c: b converts 1/2 only: 2/4 * 1/4 + 1/4 * 1/2 = 1/4 -> 1/2.
PATHS = [(["a", "b"], True), (["a"], False), (["b", "c"], True), (["c"], False)]


def test_golden_first_order_chain() -> None:
    fitted = fit_markov(PATHS)
    assert fitted.conversion_probability == pytest.approx(0.5)
    assert fitted.removal_effects == pytest.approx({"a": 3 / 8, "b": 3 / 4, "c": 1 / 2})
    total = 3 / 8 + 3 / 4 + 1 / 2
    assert fitted.shares == pytest.approx({"a": 3 / 8 / total, "b": 3 / 4 / total, "c": 1 / 2 / total})
    assert fitted.states == 4  # START, a, b, c


def test_golden_second_order_chain() -> None:
    """Order 2 remembers that a lone c never converts while c after b always does: states (a), (b), (c), (a, b),
    (b, c); P(conv) = 2/4 * 1/2 + 1/4 = 1/2; without a 1/4, without b 0, without c 1/4."""
    fitted = fit_markov(PATHS, order=2)
    assert path_states(["a", "b", "c"], 2) == [("a",), ("a", "b"), ("b", "c")]
    assert fitted.states == 6
    assert fitted.removal_effects == pytest.approx({"a": 0.5, "b": 1.0, "c": 0.5})
    assert fitted.shares == pytest.approx({"a": 0.25, "b": 0.5, "c": 0.25})


def test_nothing_converted_and_bad_order() -> None:
    fitted = fit_markov([(["a"], False), (["b", "a"], False)])
    assert fitted.conversion_probability == 0 and fitted.shares == {"a": 0.0, "b": 0.0}
    assert fit_markov([]).shares == {}
    with pytest.raises(ValueError, match="order"):
        fit_markov(PATHS, order=0)


def _simulate(paths: list[tuple[list[str], bool]], removed: str | None, walks: int, rng: np.random.Generator,
              order: int) -> float:
    """Share of random walks on the empirical chain that convert; walking into ``removed`` ends in NULL."""
    moves: dict[tuple[str, ...], Counter[object]] = defaultdict(Counter)
    for path, converted in paths:
        state: tuple[str, ...] = ("<start>",)
        history: list[str] = []
        for channel in path:
            history.append(channel)
            nxt = tuple(history[-order:])
            moves[state][nxt] += 1
            state = nxt
        moves[state]["CONV" if converted else "NULL"] += 1
    table = {s: (list(c), np.array(list(c.values()), dtype=float) / sum(c.values())) for s, c in moves.items()}
    converted_walks = 0
    for _ in range(walks):
        state = ("<start>",)
        while True:
            options, p = table[state]
            nxt = options[rng.choice(len(options), p=p)]
            if nxt == "CONV":
                converted_walks += 1
                break
            if nxt == "NULL" or (removed is not None and nxt[-1] == removed):  # type: ignore[index]
                break
            state = nxt  # type: ignore[assignment]
    return converted_walks / walks


@pytest.mark.parametrize("order", [1, 2])
def test_closed_form_agrees_with_a_monte_carlo_simulation(order: int) -> None:
    rng = np.random.default_rng(21)
    channels = ["email", "web", "event", "call"]
    paths = []
    for _ in range(300):
        n = int(rng.integers(1, 6))
        path = [channels[int(i)] for i in rng.integers(0, 4, n)]
        # conversion more likely with an event and a call in the path: removal effects differ
        p = 0.1 + 0.3 * ("event" in path) + 0.2 * ("call" in path)
        paths.append((path, bool(rng.random() < p)))
    fitted = fit_markov(paths, order=order)
    walks = 20_000
    base = _simulate(paths, None, walks, rng, order)
    assert base == pytest.approx(fitted.conversion_probability, abs=4 * np.sqrt(0.25 / walks))
    for channel in channels:
        without = _simulate(paths, channel, walks, rng, order)
        simulated = (base - without) / base
        # 1 - without / base from two independent estimates, each with variance at most 1/4 / walks: 4 standard
        # errors of the difference, over the base (measured: at most 0.017 off at either order)
        tolerance = 4 * np.sqrt(2 * 0.25 / walks) / base
        assert simulated == pytest.approx(fitted.removal_effects[channel], abs=tolerance), channel


@settings(max_examples=150, deadline=None)
@given(paths=st.lists(st.tuples(st.lists(st.sampled_from("abcd"), min_size=1, max_size=6), st.booleans()),
                      min_size=1, max_size=30), order=st.integers(1, 3))
def test_the_fitted_chain_converts_at_the_observed_rate(paths: list[tuple[list[str], bool]], order: int) -> None:
    """Flow conservation of a chain fitted by counting: the expected visits are the observed ones, so P(conversion
    from START) is exactly the share of paths that converted, at any order. The linear solve must reproduce it."""
    fitted = fit_markov(paths, order=order)
    assert fitted.conversion_probability == pytest.approx(sum(c for _, c in paths) / len(paths), abs=1e-9)
    assert all(0 <= e <= 1 + 1e-9 for e in fitted.removal_effects.values())
