"""Grades from scores: thresholds from ``scoring.grades`` (e.g. hot ≥ 70, warm ≥ 40), the rest ``lowest_grade``; a
trained model's thresholds come from its training scores (``thresholds_from_shares``) and are kept with it."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def grade(scores: np.ndarray, thresholds: Mapping[str, float], lowest: str = "cold") -> np.ndarray:
    """Vectorised: the highest grade whose threshold the score reaches."""
    ordered = sorted(thresholds.items(), key=lambda item: item[1], reverse=True)
    values = np.asarray(scores, dtype=float)
    return np.select([values >= t for _, t in ordered], [g for g, _ in ordered], lowest).astype(object)


def thresholds_from_shares(scores: np.ndarray, shares: Mapping[str, float]) -> dict[str, float]:
    """Score thresholds (0-100) that give each grade its share of ``scores`` (out-of-fold scores of the training
    leads), best grade first: {"hot": 0.1, "warm": 0.3} puts the top 10 % in hot and the next 30 % in warm."""
    values = np.asarray(scores, dtype=float)
    out: dict[str, float] = {}
    taken = 0.0
    for name, share in shares.items():
        taken += share
        out[name] = round(float(np.quantile(values, 1.0 - taken)), 1)
    return out
