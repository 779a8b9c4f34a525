"""Features come from the canonical store, set-based, point in time."""

from __future__ import annotations

import math

from sqlalchemy import Engine

from analytics.features import FeatureSpec, lead_features, seniority_of
from tests.support.canonical_rows import NOW, add, days_ago


def test_engagement_windows_intent_and_recency(any_store: Engine) -> None:
    lead_id = add(any_store, "lead", title="VP of Sales", employees=250, industry="software", country="US",
                  lead_source="organic", created_at=days_ago(100))
    for ago in (1, 10, 60, 200):
        add(any_store, "activity", type="email_open", lead_id=lead_id, occurred_at=days_ago(ago))
    add(any_store, "activity", type="web_visit", lead_id=lead_id, url="https://acme.test/Pricing",
        occurred_at=days_ago(3), custom={"duration_seconds": 120})
    add(any_store, "activity", type="web_visit", lead_id=lead_id, url="https://acme.test/pricing",
        occurred_at=days_ago(45), custom={"duration_seconds": 30})
    add(any_store, "activity", type="form_fill", lead_id=lead_id, subject="Request a demo",
        occurred_at=days_ago(20))
    add(any_store, "activity", type="email_click", lead_id=lead_id, occurred_at=days_ago(-2))  # in the future
    with any_store.connect() as conn:
        frame = lead_features(conn, as_of=NOW, spec=FeatureSpec())
    row = frame.loc[lead_id]
    assert (row["email_open_7d"], row["email_open_30d"], row["email_open_90d"]) == (1, 2, 3)
    assert row["email_click_90d"] == 0  # after as_of: not seen
    assert (row["web_visit_7d"], row["web_visit_90d"]) == (1, 2)
    assert row["time_on_site_7d"] == 120 and row["time_on_site_90d"] == 150
    assert (row["pricing_visits_30d"], row["pricing_visits_90d"]) == (1, 2)
    assert row["demo_requests_90d"] == 1 and row["form_fill_30d"] == 1
    assert math.isclose(row["days_since_last_activity"], 1, abs_tol=1e-3)
    assert math.isclose(row["age_days"], 100, abs_tol=1e-3)
    assert row["seniority"] == "vp" and row["employees"] == 250


def test_leads_without_activity_get_zeros_and_custom_fields_are_typed(sqlite_store: Engine) -> None:
    a = add(sqlite_store, "lead", custom={"score_hint": "7", "segment": "smb", "web_visits": "4"})
    b = add(sqlite_store, "lead", custom={"score_hint": "3", "segment": "enterprise"})
    with sqlite_store.connect() as conn:
        frame = lead_features(conn, as_of=NOW, spec=FeatureSpec(custom_fields=("score_hint", "segment")))
    assert frame.loc[a, "email_open_30d"] == 0 and math.isnan(frame.loc[a, "days_since_last_activity"])
    assert frame["custom__score_hint"].dtype.kind == "f" and frame.loc[b, "custom__score_hint"] == 3
    assert frame.loc[b, "custom__segment"] == "enterprise"
    assert frame.loc[a, "web_visits"] == 4 and math.isnan(frame.loc[b, "web_visits"])


def test_contacts_take_fit_from_their_account(sqlite_store: Engine) -> None:
    account_id = add(sqlite_store, "account", employees=5000, industry="finance", country="DE")
    contact_id = add(sqlite_store, "contact", title="Chief Financial Officer", account_id=account_id)
    add(sqlite_store, "activity", type="web_visit", contact_id=contact_id, occurred_at=days_ago(2))
    with sqlite_store.connect() as conn:
        frame = lead_features(conn, entity="contact", as_of=NOW)
    row = frame.loc[contact_id]
    assert (row["employees"], row["industry"], row["country"], row["seniority"]) == (5000, "finance", "DE", "c_level")
    assert row["web_visit_7d"] == 1


def test_deleted_records_are_not_scored(sqlite_store: Engine) -> None:
    add(sqlite_store, "lead", id="gone", deleted_at=days_ago(1))
    with sqlite_store.connect() as conn:
        assert "gone" not in lead_features(conn, as_of=NOW).index


def test_seniority_from_titles() -> None:
    import pandas as pd

    titles = pd.Series(["CEO", "Head of Growth", "IT Director", "Product Manager", "Engineer", None, ""])
    levels = seniority_of(titles)
    assert levels[:5].tolist() == ["c_level", "vp", "director", "manager", "individual"]
    assert levels[5:].isna().all()
