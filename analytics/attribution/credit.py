"""Any model as credits: per converting journey a share per touch (summing to 1), per channel conversions and value.

The rule models weight touches directly. Markov and Shapley value channels over all journeys; a converting journey's
credit is then split over the channels it touched in proportion to those values, and a channel's part evenly over
its touches (so ROI can follow touches to their campaigns and sources). Per channel, the Markov and Shapley totals are
the models' own: shares x conversions for Markov, Shapley values of the subset game for Shapley.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from analytics.attribution.journey import Journey
from analytics.attribution.markov import fit_markov
from analytics.attribution.positional import DEFAULT_HALF_LIFE_DAYS, RULE_MODELS, rule_weights
from analytics.attribution.shapley import shapley

MODELS: tuple[str, ...] = (*RULE_MODELS, "markov", "shapley")


@dataclass(frozen=True, slots=True)
class ModelSettings:
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS
    markov_order: int = 1
    permutations: int = 2000  # sampled Shapley, beyond 15 channels
    seed: int = 0


@dataclass(slots=True)
class ModelCredit:
    model: str
    conversions: dict[str, float]  # per channel
    value: dict[str, float]  # per channel: attributed pipeline or revenue
    touch_credits: list[tuple[Journey, list[float]]]  # per converting journey, per touch
    details: dict[str, Any] = field(default_factory=dict)


def attribute(model: str, journeys: Sequence[Journey], settings: ModelSettings | None = None) -> ModelCredit:
    """Credits under ``model`` (one of MODELS) for ``journeys`` (converting and not; rule models read the first)."""
    s = settings or ModelSettings()
    converting = [j for j in journeys if j.converted]
    if model in RULE_MODELS:
        credits = [(j, rule_weights(model, j, half_life_days=s.half_life_days)) for j in converting]
        conversions, value = _sum_by_channel(credits)
        return ModelCredit(model, conversions, value, credits)
    if model == "markov":
        fitted = fit_markov([(j.channels, j.converted) for j in journeys], order=s.markov_order)
        scores = fitted.shares
        n, total = len(converting), sum(j.value for j in converting)
        details: dict[str, Any] = {"order": fitted.order, "states": fitted.states,
                                   "conversion_probability": fitted.conversion_probability,
                                   "removal_effects": fitted.removal_effects}
        return ModelCredit(model, {c: v * n for c, v in scores.items()}, {c: v * total for c, v in scores.items()},
                           [(j, spread(j, scores)) for j in converting], details)
    if model == "shapley":
        counted = shapley([(j.channels, 1.0) for j in converting], permutations=s.permutations, seed=s.seed)
        valued = shapley([(j.channels, j.value) for j in converting], permutations=s.permutations, seed=s.seed)
        details = {"method": counted.method, "channels": len(counted.channels),
                   "standard_errors": counted.standard_errors, "value_standard_errors": valued.standard_errors,
                   "permutations": counted.permutations}
        return ModelCredit(model, counted.values, valued.values,
                           [(j, spread(j, counted.values)) for j in converting], details)
    raise ValueError(f"attribution model {model!r} is unknown; expected one of {', '.join(MODELS)}")


def spread(journey: Journey, scores: Mapping[str, float]) -> list[float]:
    """The journey's conversion over its touches: per channel in proportion to ``scores``, evenly within a channel.
    Channels the model values at 0 (or less) everywhere leave the journey linear."""
    channels = journey.channels
    present = {c: max(scores.get(c, 0.0), 0.0) for c in set(channels)}
    total = sum(present.values())
    if total <= 0:
        return [1.0 / len(channels)] * len(channels)
    touches_of = {c: channels.count(c) for c in present}
    return [present[c] / total / touches_of[c] for c in channels]


def _sum_by_channel(credits: Sequence[tuple[Journey, list[float]]]) -> tuple[dict[str, float], dict[str, float]]:
    conversions: dict[str, float] = defaultdict(float)
    value: dict[str, float] = defaultdict(float)
    for journey, weights in credits:
        for touch, w in zip(journey.touches, weights, strict=True):
            conversions[touch.channel] += w
            value[touch.channel] += w * journey.value
    return dict(conversions), dict(value)
