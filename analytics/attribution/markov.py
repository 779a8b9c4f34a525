"""The Markov attribution model, solved exactly: an absorbing chain over channel states, no simulation.

States are the last ``order`` channels of a path (order 1: the channel itself; higher orders expand the state so the
chain remembers more history). Every path runs START -> its states -> CONVERSION or NULL. With Q the transient block
and R the absorbing block of the transition matrix, the absorption probabilities are B = (I - Q)^-1 R, found with
``numpy.linalg.solve`` (the fundamental matrix is never inverted). Removing a channel sends every state that ends in
it to NULL; its removal effect is the relative drop in P(conversion from START), and a channel's share of the
conversions is its removal effect over the sum of all removal effects.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

State = tuple[str, ...]
START: State = ("<start>",)


@dataclass(frozen=True, slots=True)
class MarkovResult:
    order: int
    states: int
    conversion_probability: float
    removal_effects: dict[str, float]
    shares: dict[str, float]  # removal effects normalised to sum to 1 (all 0 when nothing converted)


def path_states(path: Sequence[str], order: int) -> list[State]:
    """The chain's states along ``path``: each touch with the ``order`` - 1 touches before it."""
    return [tuple(path[max(0, i - order + 1): i + 1]) for i in range(len(path))]


def fit_markov(paths: Sequence[tuple[Sequence[str], bool]], *, order: int = 1) -> MarkovResult:
    """Removal effects and shares from ``paths`` (channels in time order, converted or not)."""
    if order < 1:
        raise ValueError(f"Markov order must be >= 1, not {order}")
    counts: Counter[tuple[State, State | str]] = Counter()
    for path, converted in paths:
        if not path:
            continue
        states = path_states(path, order)
        for before, after in zip([START, *states], states, strict=False):
            counts[(before, after)] += 1
        counts[(states[-1], "conv" if converted else "null")] += 1
    transient = sorted({a for a, _ in counts} | {START}, key=lambda s: (s != START, s))
    index = {s: i for i, s in enumerate(transient)}
    q = np.zeros((len(transient), len(transient)))
    r = np.zeros((len(transient), 2))
    for (source, target), n in counts.items():
        if isinstance(target, str):
            r[index[source], 0 if target == "conv" else 1] += n
        else:
            q[index[source], index[target]] += n
    totals = q.sum(axis=1) + r.sum(axis=1)
    totals[totals == 0] = 1.0  # START of an empty set of paths: no transitions, probability 0
    q /= totals[:, None]
    r /= totals[:, None]
    base = _p_conversion(q, r)
    channels = sorted({s[-1] for s in transient if s != START})
    effects: dict[str, float] = {}
    for channel in channels:
        removed = [index[s] for s in transient if s != START and s[-1] == channel]
        q_removed, r_removed = q.copy(), r.copy()
        q_removed[removed, :] = 0.0
        r_removed[removed, :] = (0.0, 1.0)
        effects[channel] = 0.0 if base == 0 else (base - _p_conversion(q_removed, r_removed)) / base
    total = sum(effects.values())
    shares = {c: (e / total if total > 0 else 0.0) for c, e in effects.items()}
    return MarkovResult(order, len(transient), base, effects, shares)


def _p_conversion(q: np.ndarray, r: np.ndarray) -> float:
    """P(absorbed in CONVERSION | START) = row START of (I - Q)^-1 R, solved for R's conversion column only."""
    absorbed = np.linalg.solve(np.eye(len(q)) - q, r[:, 0])
    return float(absorbed[0])
