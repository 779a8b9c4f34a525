"""Shapley values of channels: exact over all coalitions up to ``EXACT_LIMIT`` channels, sampled beyond.

The characteristic function (``subset_game``): v(S) = the conversions (or their value) of the converting journeys
whose set of channels is a subset of S. A journey counts for a coalition only when every channel it touched is in
it, so a channel is worth what it completes. Exact values enumerate the 2^n coalitions (a superset-sum transform
builds v for all of them in O(n 2^n)); sampled values average marginal contributions over random orderings of the
channels and report each value's standard error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import factorial

import numpy as np

EXACT_LIMIT = 15
SAMPLED_LIMIT = 63  # coalitions are bit masks in uint64


@dataclass(frozen=True, slots=True)
class ShapleyResult:
    channels: tuple[str, ...]
    values: dict[str, float]
    method: str  # exact | sampled
    standard_errors: dict[str, float]  # 0 for exact values
    permutations: int = 0


def subset_game(journeys: Sequence[tuple[Sequence[str], float]], channels: Sequence[str]) -> tuple[np.ndarray,
                                                                                                   np.ndarray]:
    """Distinct channel-set masks of the converting journeys and the weight (conversions or value) of each."""
    bit = {c: 1 << i for i, c in enumerate(channels)}
    weights: dict[int, float] = {}
    for path, weight in journeys:
        mask = 0
        for channel in path:
            mask |= bit[channel]
        if mask:
            weights[mask] = weights.get(mask, 0.0) + weight
    masks = np.fromiter(weights.keys(), dtype=np.uint64, count=len(weights))
    return masks, np.fromiter(weights.values(), dtype=float, count=len(weights))


def coalition_values(masks: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    """v(S) for every coalition S (index = bit mask): the weight of the journeys whose mask is a subset of S."""
    v = np.zeros(1 << n)
    np.add.at(v, masks.astype(np.int64), weights)
    index = np.arange(1 << n)
    for i in range(n):
        with_i = (index >> i) & 1 == 1
        v[with_i] += v[index[with_i] ^ (1 << i)]  # reads only coalitions without i, which this step leaves alone
    return v


def exact_shapley(v: np.ndarray, channels: Sequence[str]) -> ShapleyResult:
    """phi_i = sum over S without i of |S|! (n - |S| - 1)! / n! * (v(S + i) - v(S)), for any game given as v."""
    n = len(channels)
    if n > EXACT_LIMIT:
        raise ValueError(f"exact Shapley enumerates 2^n coalitions: {n} channels is over the limit of {EXACT_LIMIT}")
    if len(v) != 1 << n:
        raise ValueError(f"the game has {len(v)} coalition values; {n} channels need {1 << n}")
    index = np.arange(1 << n)
    size = np.array([bin(s).count("1") for s in range(1 << n)])
    weight = np.array([factorial(k) * factorial(n - k - 1) / factorial(n) for k in range(n)])
    values: dict[str, float] = {}
    for i, channel in enumerate(channels):
        without = index[(index >> i) & 1 == 0]
        values[channel] = float(np.sum(weight[size[without]] * (v[without | (1 << i)] - v[without])))
    return ShapleyResult(tuple(channels), values, "exact", dict.fromkeys(channels, 0.0))


def sampled_shapley(masks: np.ndarray, weights: np.ndarray, channels: Sequence[str], *, permutations: int = 2000,
                    seed: int = 0) -> ShapleyResult:
    """Mean marginal contribution over random orderings, with its standard error, for the subset game.

    In one ordering, adding channel i raises v by the journeys whose channels are all present for the first time,
    i.e. whose last channel in the ordering is i: each journey's weight goes to that channel.
    """
    n = len(channels)
    if n > SAMPLED_LIMIT:
        raise ValueError(f"sampled Shapley holds coalitions in 64-bit masks: {n} channels is over {SAMPLED_LIMIT}")
    if permutations < 2:
        raise ValueError(f"sampled Shapley needs at least 2 permutations for a standard error, not {permutations}")
    rng = np.random.default_rng(seed)
    member = ((masks[:, None] >> np.arange(n, dtype=np.uint64)[None, :]) & np.uint64(1)).astype(bool)
    draws = np.zeros((permutations, n))
    for p in range(permutations):
        rank = rng.permutation(n)  # rank[i]: channel i's place in this ordering
        last = np.argmax(np.where(member, rank[None, :], -1), axis=1)
        np.add.at(draws[p], last, weights)
    mean = draws.mean(axis=0)
    se = draws.std(axis=0, ddof=1) / np.sqrt(permutations)
    return ShapleyResult(tuple(channels), dict(zip(channels, map(float, mean), strict=True)), "sampled",
                         dict(zip(channels, map(float, se), strict=True)), permutations)


def shapley(journeys: Sequence[tuple[Sequence[str], float]], *, permutations: int = 2000,
            seed: int = 0) -> ShapleyResult:
    """Exact Shapley values of the subset game up to EXACT_LIMIT channels, sampled beyond."""
    channels = sorted({c for path, _ in journeys for c in path})
    masks, weights = subset_game(journeys, channels)
    if len(channels) <= EXACT_LIMIT:
        return exact_shapley(coalition_values(masks, weights, len(channels)), channels)
    return sampled_shapley(masks, weights, channels, permutations=permutations, seed=seed)
