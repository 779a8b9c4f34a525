"""How much better or worse a rep converts a segment's leads, shrunk towards the segment by empirical Bayes.

Per segment s, each rep r has n_rs decided leads of which c_rs converted. The reps' true rates are taken as draws
from a Beta(a_s, b_s) prior whose mean is the segment's pooled rate p_s and whose strength k_s = a_s + b_s comes
from the method of moments (the between-rep variance left after removing binomial noise). The rep's posterior rate
is (c_rs + a_s) / (n_rs + k_s) and the effect is that over p_s: 1 for a rep with no history, near the raw ratio for a
rep with much. Where the reps differ by no more than binomial noise, k_s is infinite and every effect is 1.

This assumes a rep's leads within a segment are a fair mix (the lead's own probability carries the rest); the
routing decisions themselves are one source of a biased mix, which the tolerance band's round robin dampens.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Outcome:
    rep: str
    segment: str | None
    converted: bool


@dataclass(frozen=True, slots=True)
class SegmentPrior:
    rate: float  # pooled conversion rate p_s
    strength: float  # k_s = a_s + b_s; math.inf: no detectable rep differences
    reps: int
    leads: int


@dataclass(frozen=True, slots=True)
class Effects:
    """Shrunk rep x segment effects; ``effect`` is 1 for an unseen rep or segment."""

    priors: Mapping[str | None, SegmentPrior] = field(default_factory=dict)
    counts: Mapping[tuple[str, str | None], tuple[int, int]] = field(default_factory=dict)  # (converted, n)

    def effect(self, rep: str, segment: str | None) -> float:
        prior = self.priors.get(segment)
        if prior is None or prior.rate <= 0 or math.isinf(prior.strength):
            return 1.0
        converted, n = self.counts.get((rep, segment), (0, 0))
        posterior = (converted + prior.rate * prior.strength) / (n + prior.strength)
        return posterior / prior.rate


def moment_strength(counts: Iterable[tuple[int, int]]) -> SegmentPrior:
    """The Beta prior of one segment from its reps' (converted, n), by the method of moments for unequal n
    (the between-rep variance τ² = [Σ n_r (x_r - p)² - p(1-p)(R-1)] / [N - Σ n_r² / N], k = p(1-p)/τ² - 1)."""
    rows = [(c, n) for c, n in counts if n > 0]
    total = sum(n for _, n in rows)
    reps = len(rows)
    if total == 0:
        return SegmentPrior(rate=0.0, strength=math.inf, reps=0, leads=0)
    p = sum(c for c, _ in rows) / total
    if reps < 2 or p in (0.0, 1.0):
        return SegmentPrior(rate=p, strength=math.inf, reps=reps, leads=total)
    spread = sum(n * (c / n - p) ** 2 for c, n in rows)
    tau2 = (spread - p * (1 - p) * (reps - 1)) / (total - sum(n * n for _, n in rows) / total)
    strength = math.inf if tau2 <= 0 else max(p * (1 - p) / tau2 - 1.0, 1e-9)
    return SegmentPrior(rate=p, strength=strength, reps=reps, leads=total)


def fit(outcomes: Iterable[Outcome]) -> Effects:
    counts: dict[tuple[str, str | None], list[int]] = {}
    for o in outcomes:
        cell = counts.setdefault((o.rep, o.segment), [0, 0])
        cell[0] += int(o.converted)
        cell[1] += 1
    by_segment: dict[str | None, list[tuple[int, int]]] = {}
    for (_, segment), (c, n) in counts.items():
        by_segment.setdefault(segment, []).append((c, n))
    priors = {segment: moment_strength(rows) for segment, rows in by_segment.items()}
    return Effects(priors=priors, counts={key: (c, n) for key, (c, n) in counts.items()})
