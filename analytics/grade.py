"""Grades from scores: thresholds from ``scoring.grades`` (e.g. hot ≥ 70, warm ≥ 40), the rest ``lowest_grade``."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def grade(scores: np.ndarray, thresholds: Mapping[str, int], lowest: str = "cold") -> np.ndarray:
    """Vectorised: the highest grade whose threshold the score reaches."""
    ordered = sorted(thresholds.items(), key=lambda item: item[1], reverse=True)
    values = np.asarray(scores, dtype=float)
    return np.select([values >= t for _, t in ordered], [g for g, _ in ordered], lowest).astype(object)
