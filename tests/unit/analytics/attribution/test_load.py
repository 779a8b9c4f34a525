"""Journeys from the store (SQLite and PostgreSQL): stitching, windows and milestones, checked by hand against
tests/support/attribution_store.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from analytics.attribution.load import JourneyOptions, load_journeys
from store.tables import identity_member
from tests.support.attribution_store import build, day
from tests.support.canonical_rows import add_many


def _records(engine: Engine, **options: object) -> dict[str, tuple[bool, float, list[str], int, int | None]]:
    with engine.connect() as conn:
        found = load_journeys(conn, JourneyOptions(**options), {"cmp-web": "webinar", "cmp-ads": "paid"})  # type: ignore[arg-type]
    return {j.key: (j.converted, j.value, [t.record for t in j.touches], j.lead_index, j.opportunity_index)
            for j in found}


def test_pipeline_window(any_store: Engine) -> None:
    build(any_store)
    got = _records(any_store)
    person = ["activity:a1", "activity:a2", "activity:a3", "campaign_member:cm-1"]  # led-1 joined con-1
    # opp-won: con-1 by its contact role, con-2 through the account; a5 (day 35) is after its creation (day 30),
    # a6 is an email open (no touch kind), a9 after everything. Lead milestone: led-1 created day 2 -> a2.
    assert got["opportunity:opp-won"] == (True, 10000.0, [*person, "activity:a4"], 1, None)
    assert got["opportunity:opp-open"] == (True, 500.0, [*person, "activity:a4", "activity:a5"], 1, None)
    assert got["account:acc-2"] == (False, 0.0, ["activity:a7"], 0, None)  # an account without opportunities
    assert got["person:lead:led-2"] == (False, 0.0, ["activity:a8"], 0, None)
    assert got["person:lead:led-3"] == (False, 0.0, ["campaign_member:cm-3"], 0, None)
    assert len(got) == 5


def test_revenue_window_keeps_closed_deals_only(any_store: Engine) -> None:
    build(any_store)
    add_many(any_store, "opportunity", [{"id": "opp-lost", "account_id": "acc-2", "amount": 800.0,
                                         "created_at": day(2), "close_date": day(9).date(), "is_closed": True,
                                         "is_won": False}])
    got = _records(any_store, window="revenue")
    # opp-won closes 2026-03-01: a5 (day 35) counts now, a9 (day 70) does not; opened at day 30 after a4 (index 4)
    assert got["opportunity:opp-won"] == (True, 10000.0, ["activity:a1", "activity:a2", "activity:a3",
                                                          "campaign_member:cm-1", "activity:a4", "activity:a5"], 1, 4)
    assert got["opportunity:opp-lost"] == (False, 0.0, ["activity:a7"], 0, None)  # lost: does not convert
    assert "opportunity:opp-open" not in got and "account:acc-2" not in got  # acc-2 has a deal now


def test_lookback_identity_clusters_and_campaign_channels(any_store: Engine) -> None:
    build(any_store)
    with any_store.begin() as conn:  # led-2 and con-3 are one person for identity resolution
        conn.execute(identity_member.insert(), [
            {"entity": e, "record_id": r, "cluster_id": "cl-1", "connection": "test", "object": e, "source_id": r,
             "rule": "email", "confidence": 1.0, "updated_at": datetime(2026, 1, 1, tzinfo=UTC)}
            for e, r in (("lead", "led-2"), ("contact", "con-3"))])
    got = _records(any_store, lookback_days=20, channel_by="campaign")
    assert got["opportunity:opp-won"][2] == ["activity:a3", "campaign_member:cm-1", "activity:a4"]  # from day 10
    assert got["account:acc-2"][2] == ["activity:a7", "activity:a8"]  # led-2's touch joined con-3's account
    assert "person:lead:led-2" not in got
    with any_store.connect() as conn:
        channels = {t.record: t.channel for j in load_journeys(conn, JourneyOptions(channel_by="campaign"),
                                                               {"cmp-web": "webinar", "cmp-ads": "paid"})
                    for t in j.touches}
    assert channels["activity:a2"] == "webinar" and channels["activity:a1"] == "web_visit"
    assert channels["campaign_member:cm-3"] == "paid"


def test_options_are_checked() -> None:
    with pytest.raises(ValueError, match="window"):
        JourneyOptions(window="forever")
    with pytest.raises(ValueError, match="channel_by"):
        JourneyOptions(channel_by="mood")
    with pytest.raises(ValueError, match="lookback"):
        JourneyOptions(lookback_days=0)
