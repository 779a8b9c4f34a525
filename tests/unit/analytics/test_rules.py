"""The documented cold-start model: weights, sub-scores, signed contributions that add up, grades."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.grade import grade
from analytics.reasons import top_reasons
from analytics.rules import LABELS, Weights, score_rules


def _frame(**overrides: object) -> pd.DataFrame:
    base = {"seniority": None, "employees": np.nan, "industry": None, "country": None, "lead_source": None,
            "activities_90d": 0.0, "days_since_last_activity": np.nan}
    return pd.DataFrame([{**base, **overrides}], index=["lead-1"])


def test_empty_lead_scores_zero() -> None:
    scored = score_rules(_frame())
    assert scored.score[0] == 0 and scored.engagement[0] == 0 and scored.intent[0] == 0 and scored.fit[0] == 0


def test_total_is_the_weighted_sum_of_sub_scores() -> None:
    frame = _frame(seniority="vp", employees=500, industry="software", country="US", lead_source="organic",
                   email_open_30d=4, web_visit_30d=3, pricing_visits_30d=2, pricing_visits_90d=2,
                   demo_requests_90d=1, activities_90d=10, days_since_last_activity=2)
    scored = score_rules(frame, Weights(0.40, 0.35, 0.25))
    expected = 0.40 * scored.engagement + 0.35 * scored.intent + 0.25 * scored.fit
    assert scored.score == pytest.approx(expected)
    assert scored.contributions.sum(axis=1).to_numpy() == pytest.approx(scored.score)
    assert 0 < scored.score[0] <= 100


def test_intent_signals_raise_intent() -> None:
    quiet = score_rules(_frame())
    pricing = score_rules(_frame(pricing_visits_30d=1, pricing_visits_90d=1))
    demo = score_rules(_frame(demo_requests_90d=1))
    assert quiet.intent[0] < pricing.intent[0] < demo.intent[0]


def test_going_quiet_is_a_negative_contribution_and_parts_still_add_up() -> None:
    active = score_rules(_frame(web_visit_30d=5, activities_90d=5, days_since_last_activity=3))
    stale = score_rules(_frame(web_visit_30d=5, activities_90d=5, days_since_last_activity=80))
    assert stale.engagement[0] < active.engagement[0]
    assert stale.contributions.loc["lead-1", "recency"] < 0 == active.contributions.loc["lead-1", "recency"]
    assert stale.contributions.sum(axis=1).to_numpy() == pytest.approx(stale.score)


def test_rollups_count_only_without_logged_visits() -> None:
    rollup_only = score_rules(_frame(web_visits=8, time_on_site_seconds=1200))
    with_visits = score_rules(_frame(web_visits=8, time_on_site_seconds=1200, web_visit_90d=2, time_on_site_90d=300,
                                     activities_90d=2, days_since_last_activity=1))
    # A rep's call is activity, not visit history: the CRM's visit roll-ups still count (HubSpot logs no visits).
    with_a_call = score_rules(_frame(web_visits=8, time_on_site_seconds=1200, activities_90d=1,
                                     days_since_last_activity=1))
    assert rollup_only.engagement[0] > 0
    assert with_visits.contributions.loc["lead-1", "visits_rollup"] == 0
    assert with_visits.contributions.loc["lead-1", "time_rollup"] == 0
    assert with_a_call.contributions.loc["lead-1", "visits_rollup"] > 0


def test_grades_follow_thresholds() -> None:
    grades = grade(np.array([95, 70, 69.9, 40, 12]), {"hot": 70, "warm": 40}, "cold")
    assert grades.tolist() == ["hot", "hot", "warm", "warm", "cold"]


def test_top_reasons_are_the_largest_signed_contributions() -> None:
    contributions = pd.DataFrame({"pricing_visits": [12.4], "recency": [-20.0], "industry": [1.0]})
    texts, payloads = top_reasons(contributions, LABELS, 2)
    assert texts == ["no activity for a while -20; pricing page visits +12"]
    assert payloads == ['[["no activity for a while", -20.0], ["pricing page visits", 12.4]]']
