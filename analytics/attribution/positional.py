"""The rule models: each gives one converting journey's touches weights that sum to 1.

first, last, linear, time decay (weight halves every ``half_life_days`` before the conversion), position-based U
(40/20/40), W-shaped (30 % each to the first touch, the lead-creation touch and the opportunity-creation touch, 10 %
spread over the rest) and full path (22.5 % each to those three and the last touch before close, 10 % spread).
"""

from __future__ import annotations

from collections.abc import Sequence

from analytics.attribution.journey import Journey

RULE_MODELS: tuple[str, ...] = ("first", "last", "linear", "time_decay", "u", "w", "full_path")
DEFAULT_HALF_LIFE_DAYS = 7.0


def rule_weights(model: str, journey: Journey, *, half_life_days: float = DEFAULT_HALF_LIFE_DAYS) -> list[float]:
    """Per touch of ``journey``: its share of the conversion under ``model`` (one of RULE_MODELS)."""
    n = len(journey.touches)
    last = n - 1
    if model == "first":
        return _one_hot(n, 0)
    if model == "last":
        return _one_hot(n, last)
    if model == "linear":
        return [1.0 / n] * n
    if model == "time_decay":
        return _time_decay(journey, half_life_days)
    if model == "u":
        if n <= 2:
            return [1.0 / n] * n
        return _milestones(n, [0, last], milestone_share=0.4)
    if model == "w":
        return _milestones(n, [0, journey.lead_index, _opportunity(journey)], milestone_share=0.3)
    if model == "full_path":
        return _milestones(n, [0, journey.lead_index, _opportunity(journey), last], milestone_share=0.225)
    raise ValueError(f"attribution model {model!r} is no rule model; expected one of {', '.join(RULE_MODELS)}")


def _one_hot(n: int, index: int) -> list[float]:
    weights = [0.0] * n
    weights[index] = 1.0
    return weights


def _opportunity(journey: Journey) -> int:
    # A journey read in the pipeline window ends at the opportunity's creation: its last touch is that milestone.
    return len(journey.touches) - 1 if journey.opportunity_index is None else journey.opportunity_index


def _milestones(n: int, slots: Sequence[int], *, milestone_share: float) -> list[float]:
    """Each slot gets ``milestone_share`` (a touch that is several milestones gets each share); the rest of the
    conversion is spread evenly over the other touches, or, when every touch is a milestone, over the slots."""
    weights = [0.0] * n
    others = [i for i in range(n) if i not in set(slots)]
    rest = 1.0 - milestone_share * len(slots)
    slot_share = milestone_share if others else 1.0 / len(slots)
    for i in slots:
        weights[i] += slot_share
    for i in others:
        weights[i] += rest / len(others)
    return weights


def _time_decay(journey: Journey, half_life_days: float) -> list[float]:
    if half_life_days <= 0:
        raise ValueError(f"time decay half life must be > 0 days, not {half_life_days}")
    end = journey.converted_at or journey.touches[-1].at
    ages = [max((end - t.at).total_seconds(), 0.0) / 86400.0 for t in journey.touches]
    # Counted from the youngest touch: the ratios are the same and a touch years old cannot underflow them all to 0.
    youngest = min(ages)
    raw = [2.0 ** (-(age - youngest) / half_life_days) for age in ages]
    total = sum(raw)
    return [w / total for w in raw]
