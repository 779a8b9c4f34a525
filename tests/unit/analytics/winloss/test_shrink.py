"""The empirical-Bayes prior: its maximum likelihood against a brute-force grid over the same likelihood written
with log-gamma functions, and the posterior's invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import betaln, gammaln

from analytics.winloss.shrink import MAX_CONCENTRATION, fit_prior


def _loglik(w: np.ndarray, n: np.ndarray, mu: float, kappa: float) -> float:
    a, b = mu * kappa, (1 - mu) * kappa
    choose = gammaln(n + 1) - gammaln(w + 1) - gammaln(n - w + 1)
    return float((choose + betaln(w + a, n - w + b) - betaln(a, b)).sum())


def test_maximum_likelihood_matches_a_grid() -> None:
    rng = np.random.default_rng(7)
    rates = rng.beta(6, 4, size=25)  # true prior: mean 0.6, concentration 10
    n = rng.integers(5, 80, size=25)
    w = rng.binomial(n, rates)
    prior = fit_prior(list(w), list(n))
    assert prior is not None and not prior.at_bound
    mus, kappas = np.linspace(0.3, 0.9, 241), np.exp(np.linspace(np.log(0.5), np.log(500), 241))
    grid = np.array([[_loglik(w, n, m, k) for k in kappas] for m in mus])
    i, j = np.unravel_index(np.argmax(grid), grid.shape)
    assert prior.mean == pytest.approx(mus[i], abs=0.005)
    assert np.log(prior.concentration) == pytest.approx(np.log(kappas[j]), abs=0.05)
    assert _loglik(w, n, prior.mean, prior.concentration) >= grid.max() - 1e-6


def test_no_spread_beyond_chance_goes_to_the_bound() -> None:
    prior = fit_prior([50, 50, 50, 50], [100, 100, 100, 100])
    assert prior is not None and prior.at_bound and prior.concentration > MAX_CONCENTRATION / 10
    assert prior.mean == pytest.approx(0.5, abs=1e-6)


def test_too_few_cells_or_one_outcome_fit_nothing() -> None:
    assert fit_prior([1, 2], [3, 4]) is None
    assert fit_prior([3, 4, 5], [3, 4, 5]) is None
    assert fit_prior([0, 0, 0], [3, 4, 5]) is None


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(1, 60).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
                min_size=3, max_size=12))
def test_the_posterior_lies_between_the_raw_rate_and_the_prior_mean(cells: list[tuple[int, int]]) -> None:
    prior = fit_prior([w for w, _ in cells], [n for _, n in cells])
    if prior is None:
        return
    for w, n in cells:
        mean, low, high = prior.posterior(w, n)
        assert min(w / n, prior.mean) - 1e-9 <= mean <= max(w / n, prior.mean) + 1e-9
        assert 0 <= low <= mean <= high <= 1
