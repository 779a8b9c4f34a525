"""The tests and intervals of the win/loss table, from the libraries made for them.

- Wilson score interval (statsmodels ``proportion_confint(method="wilson")``): keeps inside [0, 1] and covers near
  its nominal rate even for small cells, where the normal (Wald) interval does neither.
- A cell against the rest of the deals: Fisher's exact test on the 2x2 table (scipy ``fisher_exact``, two-sided).
  Where the 2x2 table is degenerate (the rest is empty or the whole population is all wins or all losses) there is
  nothing to test and the p-value is None.
- A dimension's cells all at once (k x 2, where Fisher's exact test does not apply): Pearson's chi-square test of
  homogeneity (scipy ``chi2_contingency``), only on single-valued dimensions (a multi-valued one counts a deal in
  several cells, so its table is no contingency table).
- Benjamini-Hochberg across the cells of one table (scipy ``false_discovery_control``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.stats import chi2_contingency, false_discovery_control, fisher_exact
from statsmodels.stats.proportion import proportion_confint

Z95 = 0.05  # two-sided level of every interval and test here


def wilson(wins: int, n: int, *, alpha: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of wins/n; None for an empty cell (no deals: no rate)."""
    if n <= 0:
        return None
    low, high = proportion_confint(wins, n, alpha=alpha, method="wilson")
    return float(low), float(high)


def fisher_vs_rest(wins: int, losses: int, rest_wins: int, rest_losses: int) -> tuple[float | None, float | None]:
    """(odds ratio, two-sided p) of the cell against the rest; (None, None) when the table has nothing to test."""
    if rest_wins + rest_losses == 0 or wins + losses == 0 or wins + rest_wins == 0 or losses + rest_losses == 0:
        return None, None
    result = fisher_exact([[wins, losses], [rest_wins, rest_losses]], alternative="two-sided")
    odds = float(result.statistic)
    return (odds if np.isfinite(odds) else None), float(result.pvalue)


def chi_square(wins: Sequence[int], losses: Sequence[int]) -> tuple[float, int, float] | None:
    """(statistic, degrees of freedom, p) of the k x 2 table; None with fewer than two non-empty cells or one
    outcome only."""
    table = np.array([wins, losses], dtype=float).T
    table = table[table.sum(axis=1) > 0]
    if table.shape[0] < 2 or (table.sum(axis=0) == 0).any():
        return None
    result = chi2_contingency(table, correction=False)
    return float(result.statistic), int(result.dof), float(result.pvalue)


def bh_adjust(pvalues: Sequence[float | None]) -> list[float | None]:
    """Benjamini-Hochberg adjusted p-values over those present (None stays None: an untested cell is no test)."""
    present = [i for i, p in enumerate(pvalues) if p is not None]
    out: list[float | None] = [None] * len(pvalues)
    if present:
        adjusted = false_discovery_control([float(pvalues[i]) for i in present], method="bh")  # type: ignore[arg-type]
        for i, q in zip(present, np.atleast_1d(adjusted), strict=True):
            out[i] = float(q)
    return out
