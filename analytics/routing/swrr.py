"""Weighted round robin with exact shares: Tijdeman's chairman-assignment rule.

nginx's smooth weighted round robin (each rep gains its weight, the highest wins and gives back the total) drifts
up to about 1.15 leads from a rep's share with uneven weights (found by simulation: weights 0.5, 1.7, 10, 10, 10, 10,
0.5 after 291 picks), so it cannot promise "within one lead". Tijdeman (1980) can: with k reps and shares
λ_i = w_i / W, every rep's count stays within C = 1 - 1/(2k-2) of t·λ_i after every pick t (a hypothesis property
in the tests). Each rep carries a credit d_i = t·λ_i - count_i; per pick every rep gains λ_i, and among the reps
with d_i >= 1 - C the one whose credit would reach C soonest, min (C - d_i) / λ_i, is chosen and pays 1.

The state (the credits) is a plain dict, so a decision can store it and be replayed from it; reps outside the
picking set keep their credit untouched.
"""

from __future__ import annotations

from collections.abc import Mapping


def bound(k: int) -> float:
    """Tijdeman's bound C on |count - t·share| for k reps (0 for one rep, who gets every lead)."""
    return 0.0 if k <= 1 else 1.0 - 1.0 / (2 * k - 2)


def pick(weights: Mapping[str, float], state: Mapping[str, float]) -> tuple[str, dict[str, float]]:
    """The rep chosen among ``weights`` (rep -> weight > 0) and the new state. Ties go to the rep first in
    ``weights``' order, so the result depends on the inputs only."""
    if not weights:
        raise ValueError("weighted round robin needs at least one rep")
    total = sum(weights.values())
    c = bound(len(weights))
    after = dict(state)
    order = {rep: i for i, rep in enumerate(weights)}
    for rep, weight in weights.items():
        # Rounded so float noise never breaks a tie the weights make exact (equal weights cycle in order).
        after[rep] = round(after.get(rep, 0.0) + weight / total, 12)
    # Credits carried from picks among other sets can sit below 1 - C; the rep furthest behind then goes first.
    ready = [r for r in weights if after[r] >= 1.0 - c - 1e-12] or [max(weights, key=lambda r: after[r])]
    best = min(ready, key=lambda r: (round((c - after[r]) * total / weights[r], 9), order[r]))
    after[best] = round(after[best] - 1.0, 12)
    return best, after
