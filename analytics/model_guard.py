"""Whether a newly trained model may become the active one: never a model worse than what it would replace.

A version is activated only when its cross-validated AUC is clearly above chance, not below the active version's,
and its out-of-fold Brier score beats always answering the base rate (a model calibrated worse than that constant
does harm wherever a probability is read). A refused version is stored as ``rejected`` with its reasons, for the
audit; the previous model keeps scoring.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MIN_AUC = 0.55  # an AUC this close to 0.5 ranks leads no better than a coin


def activation_problems(metrics: Mapping[str, Any], previous: Mapping[str, Any] | None,
                        previous_version: str | None = None) -> list[str]:
    """Why the model with these cross-validation ``metrics`` must not replace the active one (empty: it may).
    ``previous``: the active version's metrics (None when there is none, or it is the rule model)."""
    auc, brier = float(metrics["auc"]), float(metrics["brier"])
    base = float(metrics["brier_base_rate"])
    problems = []
    if auc < MIN_AUC:
        problems.append(f"its {metrics['folds']}-fold AUC {auc:.3f} is near or below chance (needs >= {MIN_AUC})")
    before = previous.get("auc") if previous else None
    if isinstance(before, int | float) and auc < float(before):
        problems.append(f"its AUC {auc:.3f} is below the active model's {float(before):.3f}"
                        + (f" ({previous_version})" if previous_version else ""))
    if brier >= base:
        problems.append(f"its Brier score {brier:.4f} is no better than always answering the base rate "
                        f"({base:.4f}): it is calibrated worse than a constant")
    return problems
