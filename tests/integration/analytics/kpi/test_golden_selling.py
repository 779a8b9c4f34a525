"""BUS_DEV, SALES_PERFORMANCE and SALES_STRATEGY KPIs on the golden store plus the rows added here, SQLite and
PostgreSQL: the ones whose definition carries a choice worth pinning (the anchor and denominator of a win rate, a
count of distinct deals through a child table, a ref one join away, quota periods against close dates) give the
figures worked out by hand in the comments.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine

from tests.support.kpi_golden import DIALECTS, add_many, build, shipped
from tests.support.stores import fresh_engine


def _utc(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, tzinfo=UTC)


def _add_rows(engine: Engine) -> None:
    """The golden store's deals o1..o12 (tests/support/kpi_golden.py) with competitors, leads that became deals,
    quotas, quotes, line items and stage history; a2 is the one enterprise account."""
    add_many(engine, "account", [{"id": "a2", "name": "Beta", "country": "DE", "owner_id": "u2",
                                  "employees": 5000}])
    add_many(engine, "opportunity_competitor", [
        {"id": "oc1", "opportunity_id": "o1", "competitor_id": "k1", "won_by_competitor": False},
        {"id": "oc2", "opportunity_id": "o1", "competitor_id": "k2", "won_by_competitor": False},  # o1 twice
        {"id": "oc3", "opportunity_id": "o2", "competitor_id": "k1", "won_by_competitor": True},
        {"id": "oc4", "opportunity_id": "o9", "competitor_id": "k2", "won_by_competitor": False},
        {"id": "oc5", "opportunity_id": "o6", "competitor_id": "k1", "won_by_competitor": False},  # still open
        {"id": "oc6", "opportunity_id": "o9", "competitor_name": "Acme"},  # named only, as Salesforce keeps them
    ])
    add_many(engine, "lead", [
        {"id": "l7", "owner_id": "u1", "created_at": _utc(2025, 5, 1), "converted": True,
         "lead_source": "Referral", "converted_opportunity_id": "o3"},  # o3 won
        {"id": "l8", "owner_id": "u1", "created_at": _utc(2025, 5, 2), "converted": False, "lead_source": "Referral"},
        {"id": "l9", "owner_id": "u2", "created_at": _utc(2025, 6, 1), "converted": True,
         "lead_source": "Partner Referral", "converted_opportunity_id": "o5"},  # o5 lost
    ])
    add_many(engine, "quota", [
        {"id": "q1", "owner_id": "u1", "period_start": date(2025, 1, 1), "period_end": date(2025, 3, 31),
         "quota_type": "revenue", "amount": 400, "currency": "USD"},
        {"id": "q2", "owner_id": "u1", "period_start": date(2025, 4, 1), "period_end": date(2025, 6, 30),
         "quota_type": "revenue", "amount": 1000, "currency": "USD"},
        {"id": "q3", "owner_id": "u3", "period_start": date(2025, 1, 1), "period_end": date(2025, 3, 31),
         "quota_type": "revenue", "amount": 500, "currency": "USD"},
        {"id": "q4", "owner_id": "u2", "period_start": date(2025, 1, 1), "period_end": date(2025, 3, 31),
         "quota_type": "units", "amount": 10},
    ])
    add_many(engine, "quote", [
        {"id": "qt1", "opportunity_id": "o3", "account_id": "a2", "amount": 500, "currency": "USD", "accepted": True,
         "created_at": _utc(2025, 3, 1)},
        {"id": "qt2", "opportunity_id": "o2", "account_id": "a1", "amount": 300, "currency": "USD",
         "accepted": False, "created_at": _utc(2025, 2, 1)},
        {"id": "qt3", "opportunity_id": "o6", "account_id": "a1", "amount": 1000, "currency": "USD",
         "created_at": _utc(2025, 5, 1)},
    ])
    add_many(engine, "line_item", [
        {"id": "li1", "opportunity_id": "o1", "quantity": 2, "list_price": 60, "total_price": 100,
         "discount_amount": 20, "currency": "USD"},
        {"id": "li2", "opportunity_id": "o3", "quantity": 5, "list_price": 110, "total_price": 500,
         "discount_percent": 10, "currency": "USD"},  # no amount: 110 x 5 x 10 % = 55
        {"id": "li3", "opportunity_id": "o2", "quantity": 1, "list_price": 300, "total_price": 300,
         "currency": "USD"},  # a lost deal's
        {"id": "li4", "opportunity_id": "o4", "quantity": 4, "list_price": 50, "total_price": 200,
         "discount_amount": 0, "currency": "USD"},
    ])
    add_many(engine, "opportunity_stage", [
        {"id": "s1", "opportunity_id": "o3", "stage": "Proposal", "probability": 60, "changed_at": _utc(2025, 3, 28)},
        {"id": "s2", "opportunity_id": "o3", "stage": "Commit", "probability": 90, "changed_at": _utc(2025, 4, 1)},
        {"id": "s3", "opportunity_id": "o5", "stage": "Proposal", "probability": 50, "changed_at": _utc(2025, 4, 10)},
        {"id": "s4", "opportunity_id": "o6", "stage": "Discovery", "probability": 20,
         "changed_at": _utc(2025, 4, 2)},
    ])


@pytest.fixture(scope="module", params=DIALECTS)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    for engine in fresh_engine(request.param, tmp_path_factory.mktemp("selling")):
        build(engine)
        _add_rows(engine)
        yield engine


def test_win_rates_differ_by_their_denominator_and_anchor(store: Engine) -> None:
    # Closed in 2025 by close date: won o1 o3 o4 o7 o8, lost o2 o5 o9 (o10 deleted, o11 undated, o12 in 2024).
    assert shipped(store, "WIN_RATE_CLOSED") == {(): 62.5}  # 5 / 8
    # Created in 2025: o2 o3 o4 o5 o6 o8 o9 o11; won of those: o3 o4 o8 o11 (o11 has no close date, but is won).
    assert shipped(store, "WIN_RATE_ALL") == {(): 50.0}  # 4 / 8
    assert shipped(store, "WON_REVENUE") == {(): 1300}
    assert shipped(store, "AVERAGE_WON_DEAL_SIZE") == {(): 260}  # 1300 / 5
    # Days created -> closed: o1 30, o3 10, o4 30, o7 10, o8 30; lost o2 31, o5 30, o9 28.
    assert shipped(store, "SALES_CYCLE_LENGTH_WON") == {(): 22}  # 110 / 5
    assert shipped(store, "SALES_CYCLE_LENGTH_CLOSED") == {(): 24.875}  # 199 / 8


def test_competitor_kpis_count_each_deal_once(store: Engine) -> None:
    # Closed deals with a competitor: o1 (two competitor rows), o2, o9; won: o1; lost to a competitor: o2.
    assert shipped(store, "COMPETITIVE_WIN_RATE") == {(): 33.333333}  # 1 / 3, not 2 / 4
    assert shipped(store, "COMPETITOR_PRESENCE_RATE") == {(): 37.5}  # 3 / 8 closed
    assert shipped(store, "COMPETITIVE_LOSS_SHARE") == {(): 33.333333}  # o2 / (o2 o5 o9)
    assert shipped(store, "COMPETITORS_ENCOUNTERED") == {(): 3}  # k1, k2, Acme on closed deals
    assert shipped(store, "COMPETITORS_ENCOUNTERED", "rep") == {("u1",): 2, ("u3",): 2}  # k1 k2; k2 Acme


def test_lead_kpis_follow_the_converted_deal(store: Engine) -> None:
    # 2025 leads: l1..l6 of the golden store and l7..l9; converted l1 l3 l5 l7 l9; l7's deal o3 is won.
    assert shipped(store, "LEAD_CONVERSION_RATE") == {(): 55.555556}  # 5 / 9
    assert shipped(store, "LEAD_TO_CLOSE_RATE") == {(): 11.111111}  # 1 / 9
    assert shipped(store, "REFERRAL_LEADS") == {(): 3}
    assert shipped(store, "REFERRAL_CONVERSION_RATE", "rep") == {("u1",): 50, ("u2",): 100}  # l7 of l7 l8; l9


def test_quota_kpis_meet_won_revenue_on_the_quota_period(store: Engine) -> None:
    # Revenue quotas: u1 400 (Q1) and 1000 (Q2), u3 500 (Q1); won u1 o1 100 (Q1) o3 500 (Q2), u3 o7 400 (Q1).
    by_rep = shipped(store, "QUOTA_ATTAINMENT", "rep,quarter")
    assert {k: by_rep[k] for k in [("u1", "2025-01-01"), ("u1", "2025-04-01"), ("u3", "2025-01-01")]} == {
        ("u1", "2025-01-01"): 25, ("u1", "2025-04-01"): 50, ("u3", "2025-01-01"): 80}
    assert by_rep.get(("u2", "2025-01-01")) is None  # u2 won 200 but carries no revenue quota: no ratio
    assert shipped(store, "QUOTA_CARRYING_REPS") == {(): 2}  # u1, u3 (u2's quota is in units)
    assert shipped(store, "REVENUE_PER_QUOTA_CARRYING_REP") == {(): 650}  # 1300 / 2
    # u2: o4's 4 units of a 10-unit quota; u1 sold 7 units but has no units quota: no value, never 0 or infinite.
    assert shipped(store, "UNIT_QUOTA_ATTAINMENT", "rep") == {("u1",): None, ("u2",): 40}
    assert shipped(store, "QUOTA_GAP", "rep,quarter")[("u1", "2025-04-01")] == 500  # 1000 - 500


def test_product_and_proposal_kpis(store: Engine) -> None:
    # Won lines: li1 (o1) 2 units 100, li2 (o3) 5 units 500, li4 (o4) 4 units 200; li3 is on a lost deal.
    assert shipped(store, "UNITS_SOLD") == {(): 11}
    assert shipped(store, "AVERAGE_SELLING_PRICE") == {(): 72.727273}  # 800 / 11
    assert shipped(store, "AVERAGE_DISCOUNT_RATE_WON") == {(): 8.62069}  # (20 + 55 + 0) / (120 + 550 + 200)
    assert shipped(store, "PRODUCTS_PER_WON_DEAL") == {(): 0.6}  # 3 lines / 5 won deals
    assert shipped(store, "PROPOSALS_SENT") == {(): 3}
    assert shipped(store, "PROPOSAL_ACCEPTANCE_RATE") == {(): 33.333333}


def test_segment_reach_and_stage_kpis(store: Engine) -> None:
    assert shipped(store, "ENTERPRISE_SEGMENT_REVENUE_SHARE") == {(): 53.846154}  # a2: (500 + 200) / 1300
    assert shipped(store, "COUNTRIES_SOLD_INTO") == {(): 3}
    assert shipped(store, "COUNTRIES_SOLD_INTO", "rep") == {("u1",): 2, ("u2",): 1, ("u3",): 1}
    # Entered a stage of 50 % or more: o3 in March and April, o5 in April; o3 was won, o5 lost.
    assert shipped(store, "LATE_STAGE_CONVERSION_RATE") == {(): 50}
    assert shipped(store, "LATE_STAGE_CONVERSION_RATE", "month") == {("2025-03-01",): 100, ("2025-04-01",): 50}
