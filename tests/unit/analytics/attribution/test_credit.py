"""Every model as credits: one conversion is shared out exactly, and the per-channel totals are the model's own."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.attribution.credit import MODELS, ModelSettings, attribute, spread
from analytics.attribution.journey import Journey
from analytics.attribution.markov import fit_markov
from tests.unit.analytics.attribution.journeys import journey, journeys


@settings(max_examples=60, deadline=None)
@given(batch=st.lists(journeys(), min_size=1, max_size=12), model=st.sampled_from(MODELS))
def test_each_conversion_sums_to_one_and_channels_to_the_total(batch: list[Journey], model: str) -> None:
    batch = [replace(j, key=f"{j.key}-{i}") for i, j in enumerate(batch)]  # keys unique, as the store's are
    credit = attribute(model, batch, ModelSettings(permutations=50))
    converting = [j for j in batch if j.converted]
    assert [j.key for j, _ in credit.touch_credits] == [j.key for j in converting]
    for j, weights in credit.touch_credits:
        assert len(weights) == len(j.touches) and min(weights) >= 0
        assert sum(weights) == pytest.approx(1.0, abs=1e-9)
    assert sum(credit.conversions.values()) == pytest.approx(len(converting), abs=1e-6)
    assert sum(credit.value.values()) == pytest.approx(sum(j.value for j in converting), rel=1e-9, abs=1e-6)


def test_markov_credit_follows_the_shares_and_spreads_within_a_journey() -> None:
    batch = [journey(["a", "b"], value=100.0, key="1"), journey(["a"], converted=False, key="2"),
             journey(["b", "c"], value=300.0, key="3"), journey(["c"], converted=False, key="4")]
    credit = attribute("markov", batch)
    shares = fit_markov([(["a", "b"], True), (["a"], False), (["b", "c"], True), (["c"], False)]).shares
    assert credit.conversions == pytest.approx({c: 2 * s for c, s in shares.items()})
    assert credit.value == pytest.approx({c: 400 * s for c, s in shares.items()})
    # journey 1 touched a (3/8) and b (3/4): it gives them 1/3 and 2/3
    assert credit.touch_credits[0][1] == pytest.approx([1 / 3, 2 / 3])
    assert credit.details["removal_effects"] == pytest.approx({"a": 3 / 8, "b": 3 / 4, "c": 1 / 2})


def test_spread_splits_a_channel_evenly_over_its_touches_and_falls_back_to_linear() -> None:
    j = journey(["a", "b", "a"])
    assert spread(j, {"a": 3.0, "b": 1.0}) == pytest.approx([0.375, 0.25, 0.375])
    assert spread(j, {"z": 1.0}) == pytest.approx([1 / 3] * 3)


def test_unknown_model() -> None:
    with pytest.raises(ValueError, match="unknown"):
        attribute("nine_touch", [journey(["a"])])
