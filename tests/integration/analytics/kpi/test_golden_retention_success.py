"""CUST_RETENTION and CUST_SUCCESS KPIs on a small hand-built store of contracts, health records, survey responses,
usage snapshots, QBRs and cases, SQLite and PostgreSQL: each expected figure is worked out by hand from its rows (the
comments show the sums). Users u1 (team east) and u2 (team west); accounts a1 and a3 belong to u1, a2 to u2."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine

from tests.support.kpi_golden import DIALECTS, add_many, shipped
from tests.support.stores import fresh_engine


def _utc(y: int, m: int, d: int, hh: int = 0) -> datetime:
    return datetime(y, m, d, hh, tzinfo=UTC)


def _build(engine: Engine) -> None:
    add_many(engine, "crm_user", [{"id": "u1", "team": "east"}, {"id": "u2", "team": "west"}])
    add_many(engine, "account", [{"id": "a1", "owner_id": "u1", "country": "FR"},
                                 {"id": "a2", "owner_id": "u2", "country": "DE"},
                                 {"id": "a3", "owner_id": "u1", "country": "FR"}])
    add_many(engine, "contract", [
        # k1: 365 days for 1200 -> 1200 a year; k2: 730 days for 2000 -> 1000 a year; k3 has no end date; k4 is a
        # partner agreement.
        {"id": "k1", "account_id": "a1", "owner_id": "u1", "contract_type": "subscription", "amount": 1200,
         "currency": "USD", "start_date": date(2025, 1, 1), "end_date": date(2025, 12, 31), "auto_renew": True,
         "term_months": 12, "renewal_date": date(2025, 12, 31)},
        {"id": "k2", "account_id": "a2", "owner_id": "u2", "contract_type": "contract", "amount": 2000,
         "currency": "USD", "start_date": date(2025, 2, 1), "end_date": date(2027, 1, 31), "auto_renew": False,
         "term_months": 24, "renewal_date": date(2027, 1, 31)},
        {"id": "k3", "account_id": "a1", "owner_id": "u1", "contract_type": "subscription", "amount": 500,
         "currency": "USD", "start_date": date(2025, 3, 1), "renewal_date": date(2025, 9, 1)},
        {"id": "k4", "account_id": "a3", "owner_id": "u1", "contract_type": "partner_agreement", "amount": 9000,
         "currency": "USD", "start_date": date(2025, 1, 1), "end_date": date(2025, 12, 31),
         "renewal_date": date(2025, 12, 31), "auto_renew": True},
    ])
    add_many(engine, "customer_health", [
        {"id": "h1", "account_id": "a1", "recorded_on": date(2025, 3, 31), "score": 80, "status": "green",
         "churn_risk": 0.2},
        {"id": "h2", "account_id": "a2", "recorded_on": date(2025, 3, 31), "score": 30, "status": "red",
         "churn_risk": 0.6},
        {"id": "h3", "account_id": "a1", "recorded_on": date(2025, 6, 30), "score": 60, "status": "amber",
         "churn_risk": 0.2},
    ])
    add_many(engine, "feedback", [
        *({"id": f"n{i}", "account_id": "a1", "received_on": date(2025, 5, 1), "feedback_type": "nps",
           "score": score} for i, score in enumerate((10, 9, 9, 7, 3))),
        *({"id": f"s{i}", "account_id": "a2", "received_on": date(2025, 5, 1), "feedback_type": "csat",
           "score": score} for i, score in enumerate((5, 4, 2))),
        {"id": "e1", "account_id": "a2", "received_on": date(2025, 5, 1), "feedback_type": "enablement", "score": 1},
    ])
    add_many(engine, "product_usage", [
        {"id": "p1", "account_id": "a1", "product_id": "x", "period_start": date(2025, 1, 1), "active_users": 8,
         "licensed_users": 10, "usage_events": 100},
        {"id": "p2", "account_id": "a1", "product_id": "y", "period_start": date(2025, 1, 1), "active_users": 0,
         "licensed_users": 5, "usage_events": 0},
        {"id": "p3", "account_id": "a2", "product_id": "x", "period_start": date(2025, 1, 1), "active_users": 0,
         "licensed_users": 20, "usage_events": 0},
        {"id": "p4", "account_id": "a3", "product_id": "x", "period_start": date(2025, 1, 1), "active_users": 3,
         "licensed_users": None, "usage_events": 30},
    ])
    add_many(engine, "qbr", [
        {"id": "q1", "account_id": "a1", "owner_id": "u1", "held_on": date(2025, 3, 1), "review_type": "qbr",
         "status": "held", "health_rating": "green"},
        {"id": "q2", "account_id": "a2", "owner_id": "u2", "held_on": date(2025, 3, 1), "review_type": "qbr",
         "status": "held", "health_rating": "red"},
        {"id": "q3", "account_id": "a1", "owner_id": "u1", "held_on": date(2025, 6, 1), "review_type": "qbr",
         "status": "cancelled"},
        {"id": "q4", "account_id": "a1", "owner_id": "u1", "held_on": date(2025, 9, 1), "review_type": "qbr",
         "status": "planned"},
        {"id": "q5", "account_id": "a2", "owner_id": "u2", "held_on": date(2025, 3, 1),
         "review_type": "strategic_review", "status": "held", "health_rating": "red"},
    ])
    add_many(engine, "support_case", [
        {"id": "t1", "account_id": "a1", "owner_id": "u1", "priority": "High", "opened_at": _utc(2025, 1, 1),
         "closed_at": _utc(2025, 1, 2), "is_closed": True},
        {"id": "t2", "account_id": "a1", "owner_id": "u1", "priority": "Low", "opened_at": _utc(2025, 1, 5),
         "closed_at": _utc(2025, 1, 5, 12), "is_closed": True},
        {"id": "t3", "account_id": "a2", "owner_id": "u2", "priority": "HIGH", "opened_at": _utc(2025, 2, 1),
         "is_closed": False},
        # closed without a closing time, as Dataverse's cases are: counts as resolved on its open date only
        {"id": "t4", "account_id": "a2", "owner_id": "u2", "priority": "Normal", "opened_at": _utc(2025, 2, 1),
         "is_closed": True},
    ])


@pytest.fixture(scope="module", params=DIALECTS)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    for engine in fresh_engine(request.param, tmp_path_factory.mktemp("retention_success")):
        _build(engine)
        yield engine


def test_contract_value_is_annualised_over_its_term(store: Engine) -> None:
    # 1200 + 1000 over a1 and a2 (k3 has no end date, k4 is a partner agreement)
    assert shipped(store, "ANNUAL_CONTRACT_VALUE_PER_CUSTOMER_ACV") == {(): 1100}
    assert shipped(store, "SUBSCRIPTION_ANNUAL_RECURRING_REVENUE_ARR_STARTING") == {(): 1200}
    assert shipped(store, "AVERAGE_CONTRACT_LENGTH") == {(): 546.5}  # (364 + 729) / 2


def test_clv_is_annual_value_per_customer_over_churn_risk(store: Engine) -> None:
    assert shipped(store, "CUSTOMER_LIFETIME_VALUE_CLV") == {(): 3300}  # 2200 / 2 / ((0.2 + 0.6 + 0.2) / 3)
    # u1: 1200 / 1 / 0.2; u2: 1000 / 1 / 0.6
    assert shipped(store, "CUSTOMER_LIFETIME_VALUE_CLV", "rep") == {("u1",): 6000, ("u2",): 1666.666667}


def test_renewals_due_leave_partner_agreements_out(store: Engine) -> None:
    assert shipped(store, "CONTRACTS_DUE_FOR_RENEWAL") == {(): 2}  # k1, k3 (k2 is due in 2027, k4 a partner's)
    assert shipped(store, "CONTRACT_VALUE_DUE_FOR_RENEWAL") == {(): 1700}
    assert shipped(store, "AUTO_RENEWAL_RATE") == {(): 100}  # k1 of k1 (k3's flag is unknown)
    assert shipped(store, "AUTO_RENEW_ADOPTION_RATE") == {(): 50}  # k1 of k1, k2 starting with a known flag


def test_nps_and_csat(store: Engine) -> None:
    assert shipped(store, "NET_PROMOTER_SCORE_NPS") == {(): 40}  # 100 * (3 - 1) / 5
    assert shipped(store, "NPS_PASSIVE_RATE") == {(): 20}
    assert shipped(store, "CUSTOMER_SATISFACTION_SCORE_CSAT") == {(): 66.666667}  # 5, 4 of 5, 4, 2
    assert shipped(store, "CUSTOMER_SURVEY_RESPONSES") == {(): 8}  # the enablement response is not a customer's


def test_health_counts_distinct_customers(store: Engine) -> None:
    assert shipped(store, "AT_RISK_CUSTOMER_RATE") == {(): 50}  # a2 of a1, a2
    assert shipped(store, "HEALTHY_CUSTOMER_RATE", "rep")[("u1",)] == 100
    assert shipped(store, "MEDIAN_CUSTOMER_HEALTH_SCORE") == {(): 60}
    assert shipped(store, "AVERAGE_PREDICTED_CHURN_RISK", "rep") == {("u1",): 20, ("u2",): 60}


def test_usage_adoption_and_inactivity(store: Engine) -> None:
    assert shipped(store, "PRODUCT_ADOPTION_RATE") == {(): 22.857143}  # (8 + 0 + 0) / (10 + 5 + 20)
    assert shipped(store, "INACTIVE_CUSTOMER_RATE") == {(): 33.333333}  # a2 of a1, a2, a3
    assert shipped(store, "USAGE_EVENTS_PER_ACTIVE_USER") == {(): 11.818182}  # 130 / 11
    assert shipped(store, "PRODUCTS_IN_ACTIVE_USE", "company") == {("a1",): 1, ("a3",): 1}


def test_qbrs(store: Engine) -> None:
    assert shipped(store, "QBR_COMPLETION_RATE") == {(): 66.666667}  # held 2 of held 2 + cancelled 1
    assert shipped(store, "QBR_AT_RISK_RATING_RATE") == {(): 50}  # q2 of q1, q2 (q5 is a strategic review)


def test_support_tickets(store: Engine) -> None:
    assert shipped(store, "AVERAGE_TICKET_RESOLUTION_TIME") == {(): 18}  # (24 + 12) / 2; t4 has no close time
    assert shipped(store, "TICKET_RESOLUTION_RATE") == {(): 75}  # t1, t2, t4 of four opened
    assert shipped(store, "HIGH_PRIORITY_TICKET_RATE") == {(): 50}  # t1 High, t3 HIGH
    assert shipped(store, "HIGH_PRIORITY_TICKET_RESOLUTION_TIME") == {(): 24}
    assert shipped(store, "SUPPORT_TICKETS_PER_CUSTOMER", "team") == {("east",): 2, ("west",): 2}


def test_a_distinct_count_with_no_rows_is_zero(store: Engine) -> None:
    assert shipped(store, "HEALTHY_CUSTOMER_RATE", "rep") == {("u1",): 100, ("u2",): 0}  # u2's a2 is red only
    assert shipped(store, "INACTIVE_CUSTOMER_RATE", "rep") == {("u1",): 0, ("u2",): 100}  # a2 has no active user
