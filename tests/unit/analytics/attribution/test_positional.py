"""The rule models: hand-computed weights, the library baselines as an independent reference, sums to 1."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapley_attribution import (
    FirstTouchAttribution,
    LastTouchAttribution,
    LinearAttribution,
    PositionBasedAttribution,
    TimeDecayAttribution,
)

from analytics.attribution.journey import Journey
from analytics.attribution.positional import RULE_MODELS, rule_weights
from tests.unit.analytics.attribution.journeys import journey, journeys

FIVE = ["web_visit", "form_fill", "email_click", "meeting", "call"]


def test_golden_weights_of_five_touches() -> None:
    j = journey(FIVE, lead_index=1, opportunity_index=3)
    assert rule_weights("first", j) == [1, 0, 0, 0, 0]
    assert rule_weights("last", j) == [0, 0, 0, 0, 1]
    assert rule_weights("linear", j) == pytest.approx([0.2] * 5)
    assert rule_weights("u", j) == pytest.approx([0.4, 0.2 / 3, 0.2 / 3, 0.2 / 3, 0.4])
    # W: first, lead creation (index 1), opportunity creation (index 3) 30 % each; 10 % over indexes 2 and 4
    assert rule_weights("w", j) == pytest.approx([0.3, 0.3, 0.05, 0.3, 0.05])
    # full path: those three and the last touch 22.5 % each; 10 % to the one left (index 2)
    assert rule_weights("full_path", j) == pytest.approx([0.225, 0.225, 0.1, 0.225, 0.225])
    # time decay, half life 1 day, touches a day apart: weights 1/16, 1/8, 1/4, 1/2, 1 over their sum 31/16
    assert rule_weights("time_decay", j, half_life_days=1.0) == pytest.approx([1 / 31, 2 / 31, 4 / 31, 8 / 31,
                                                                                16 / 31])


def test_milestones_that_coincide_add_up_and_every_touch_a_milestone_shares_evenly() -> None:
    one = journey(["web_visit"])
    for model in RULE_MODELS:
        assert rule_weights(model, one) == pytest.approx([1.0])
    two = journey(["web_visit", "call"], lead_index=0)  # W: slots first, lead (0), opportunity (last: 1)
    assert rule_weights("w", two) == pytest.approx([2 / 3, 1 / 3])
    assert rule_weights("u", two) == pytest.approx([0.5, 0.5])
    three = journey(["web_visit", "form_fill", "call"], lead_index=1)  # full path: slots 0, 1, 2, 2 and no rest
    assert rule_weights("full_path", three) == pytest.approx([0.25, 0.25, 0.5])


def test_time_decay_survives_touches_years_apart_and_refuses_a_bad_half_life() -> None:
    j = journey(["web_visit", "call"], gaps=[5000.0])
    assert rule_weights("time_decay", j, half_life_days=1.0) == pytest.approx([0.0, 1.0])
    with pytest.raises(ValueError, match="half life"):
        rule_weights("time_decay", j, half_life_days=0)
    with pytest.raises(ValueError, match="no rule model"):
        rule_weights("markov", j)


@settings(max_examples=300, deadline=None)
@given(j=journeys(), model=st.sampled_from(RULE_MODELS), half_life=st.floats(0.01, 365.0))
def test_one_conversion_is_shared_out_exactly(j: Journey, model: str, half_life: float) -> None:
    weights = rule_weights(model, j, half_life_days=half_life)
    assert len(weights) == len(j.touches) and min(weights) >= 0
    assert sum(weights) == pytest.approx(1.0, abs=1e-12)


def _aggregate(model: str, paths: list[list[str]], *, half_life_days: float) -> dict[str, float]:
    totals: dict[str, float] = {}
    for i, path in enumerate(paths):
        weights = rule_weights(model, journey(path, key=f"p{i}"), half_life_days=half_life_days)
        for touch, w in zip(path, weights, strict=True):
            totals[touch] = totals.get(touch, 0.0) + w
    return totals


@settings(max_examples=60, deadline=None)
@given(paths=st.lists(st.lists(st.sampled_from(FIVE), min_size=1, max_size=7), min_size=1, max_size=12))
def test_rule_models_equal_the_shapley_attribution_baselines(paths: list[list[str]]) -> None:
    """The MIT ``shapley-attribution`` package's baselines, written by others, as the reference: touches a day apart
    with a one-day half life are its time decay with rate 0.5."""
    reference = {"first": FirstTouchAttribution(normalize=False), "last": LastTouchAttribution(normalize=False),
                 "linear": LinearAttribution(normalize=False), "u": PositionBasedAttribution(normalize=False),
                 "time_decay": TimeDecayAttribution(decay_rate=0.5, normalize=False)}
    for model, other in reference.items():
        expected = other.fit(paths, y=[1] * len(paths)).get_attribution()
        ours = _aggregate(model, paths, half_life_days=1.0)
        for channel in set(ours) | set(expected):
            assert ours.get(channel, 0.0) == pytest.approx(expected.get(channel, 0.0), abs=1e-9), (model, channel)
