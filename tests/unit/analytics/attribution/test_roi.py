"""Lead-source and campaign ROI on the hand-built store, and Wilson intervals against scipy's."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest
from sqlalchemy import Engine

from analytics.attribution.interval import wilson
from analytics.attribution.report import roi_report
from tests.support.attribution_store import build


def test_wilson_golden_and_edges() -> None:
    # 1 of 2 at 95 %: centre (0.5 + z^2/4) / (1 + z^2/2) = 0.5, half width z sqrt(1/8 + z^2/16) / (1 + z^2/2)
    assert wilson(1, 2) == pytest.approx((0.0945312, 0.9054688), abs=1e-6)
    assert wilson(0, 0) == (0.0, 1.0)
    low, high = wilson(0, 10)
    assert low == pytest.approx(0.0, abs=1e-12) and high == pytest.approx(0.2775328, abs=1e-6)  # z^2 / (n + z^2)
    with pytest.raises(ValueError, match="successes"):
        wilson(3, 2)


@settings(max_examples=200, deadline=None)
@given(trials=st.integers(1, 5000), share=st.floats(0, 1), confidence=st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_wilson_equals_scipy(trials: int, share: float, confidence: float) -> None:
    successes = round(share * trials)
    expected = binomtest(successes, trials).proportion_ci(confidence_level=confidence, method="wilson")
    assert wilson(successes, trials, confidence=confidence) == pytest.approx((expected.low, expected.high),
                                                                              abs=1e-9)


def test_campaign_and_source_roi(any_store: Engine) -> None:
    build(any_store)
    doc = roi_report(any_store, model="linear")
    web, ads = (next(c for c in doc["campaigns"] if c["campaign_id"] == k) for k in ("cmp-web", "cmp-ads"))
    # pipeline: opp-won's 5 touches (a2 and cm-1 of the webinar: 2/5 of 10,000) and opp-open's 6 (2/6 of 500)
    assert web["pipeline"] == pytest.approx(4000 + 500 / 3)
    # revenue: opp-won's 6 touches before its close, 2 of the webinar
    assert web["revenue"] == pytest.approx(10000 / 3)
    assert web["revenue_roi"] == pytest.approx(10 / 3) and web["pipeline_roi"] == pytest.approx(4 + 1 / 6)
    assert (web["members"], web["responded"], web["with_opportunity"]) == (2, 1, 1)
    assert web["response_rate"]["low"] == pytest.approx(0.0945312, abs=1e-6)
    assert ads["actual_cost"] is None and ads["revenue_roi"] is None and ads["budget"] == 500.0  # budget is no cost
    assert (ads["members"], ads["responded"], ads["pipeline"]) == (1, 1, 0.0)
    sources = {s["source"]: s for s in doc["sources"]}
    assert sources["event"]["pipeline"] == pytest.approx(8000 + 500 * 4 / 6)
    assert sources["organic"]["pipeline"] == pytest.approx(2000 + 500 / 6)
    assert (sources["paid_search"]["leads"], sources["paid_search"]["converted"]) == (2, 0)
    assert (sources["event"]["leads"], sources["event"]["converted"]) == (1, 1)
    assert sum(s["pipeline"] for s in doc["sources"]) == pytest.approx(10500)
    assert doc["total_cost"] == 1000.0 and doc["campaigns_with_cost"] == 1


def test_roi_refuses_an_unknown_model(sqlite_store: Engine) -> None:
    with pytest.raises(ValueError, match="--model"):
        roi_report(sqlite_store, model="all")
