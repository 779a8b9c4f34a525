"""Empirical-Bayes win rates: each cell's rate shrunk towards the others by a beta-binomial prior.

The prior Beta(μκ, (1-μ)κ) is fitted by **maximum likelihood** on the cells' (wins, deals) with the beta-binomial
likelihood (scipy ``betabinom``), over logit(μ) and log(κ) with L-BFGS-B. A small cell's raw rate (2 of 2 won:
100 %) says little; its posterior mean (wins + μκ) / (deals + κ) leans towards μ by as many pseudo-deals as κ, a
large cell hardly moves. When the cells are no more spread than chance the likelihood keeps rising with κ: the fit
stops at ``MAX_CONCENTRATION`` (every cell then shrinks to the pooled rate) and says so.

The fit assumes the cells are separate groups of deals. On a multi-valued dimension (competitor, product) a deal
may sit in two cells; the prior is then fitted as if it did not, which is said in the result's note.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, logit
from scipy.stats import beta, betabinom

MAX_CONCENTRATION = 1e6
MIN_CELLS = 3  # fewer cells cannot tell spread from chance: no prior is fitted


@dataclass(frozen=True)
class Prior:
    mean: float  # μ
    concentration: float  # κ, in pseudo-deals
    at_bound: bool  # κ stopped at MAX_CONCENTRATION: the cells look like one rate
    method: str = "beta-binomial maximum likelihood"

    def posterior(self, wins: int, n: int) -> tuple[float, float, float]:
        """(posterior mean, 2.5 %, 97.5 %) of a cell's win rate."""
        a = wins + self.mean * self.concentration
        b = n - wins + (1 - self.mean) * self.concentration
        return float(a / (a + b)), float(beta.ppf(0.025, a, b)), float(beta.ppf(0.975, a, b))


def fit_prior(wins: Sequence[int], n: Sequence[int]) -> Prior | None:
    """The maximum-likelihood beta-binomial prior of the cells; None with fewer than MIN_CELLS non-empty cells or
    when every deal is a win or every one a loss (no rate to shrink towards inside (0, 1))."""
    w = np.asarray(wins, dtype=float)
    k = np.asarray(n, dtype=float)
    keep = k > 0
    w, k = w[keep], k[keep]
    if len(k) < MIN_CELLS or w.sum() in (0, k.sum()):
        return None
    pooled = w.sum() / k.sum()

    def nll(theta: np.ndarray) -> float:
        mu, kappa = expit(theta[0]), np.exp(theta[1])
        return float(-betabinom.logpmf(w, k, mu * kappa, (1 - mu) * kappa).sum())

    bounds = [(-20.0, 20.0), (np.log(1e-3), np.log(MAX_CONCENTRATION))]
    start = np.array([logit(pooled), np.log(10.0)])
    fit = minimize(nll, start, method="L-BFGS-B", bounds=bounds)
    theta = fit.x
    # Without spread beyond chance the likelihood rises ever more slowly with κ and the optimiser stops early on
    # the plateau: the bound (μ at the pooled rate) is then at least as likely and is the estimate.
    at_limit = np.array([logit(pooled), bounds[1][1]])
    at_bound = nll(at_limit) <= fit.fun + 1e-6
    if at_bound:
        theta = at_limit
    mu, log_kappa = float(expit(theta[0])), float(theta[1])
    return Prior(mean=mu, concentration=float(np.exp(log_kappa)), at_bound=bool(at_bound))
