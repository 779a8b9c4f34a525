"""CHANNEL_SALES and SALES_OPERATIONS KPIs on a small hand-built store, SQLite and PostgreSQL: each expected figure is
worked out by hand from the rows below (the comments show the sums). Partner deals count for the partner's manager
(p1 and p3 are u1's, p2 is u2's).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine

from tests.support.kpi_golden import DIALECTS, add_many, shipped
from tests.support.stores import fresh_engine

Q1, Q2 = "2025-01-01", "2025-04-01"


def _opp(i: int, owner: str, account: str, amount: float, state: str, close: date, category: str,
         loss_reason: str | None = None) -> dict[str, object]:
    return {"id": f"o{i}", "owner_id": owner, "account_id": account, "amount": amount, "currency": "USD",
            "is_closed": state != "open", "is_won": state == "won", "close_date": close,
            "forecast_category": category, "loss_reason": loss_reason,
            "created_at": datetime(2024, 12, 1, tzinfo=UTC)}


def _deal(i: int, partner: str, opportunity: str, account: str, amount: float, status: str, registered: date,
          closed: date | None = None) -> dict[str, object]:
    return {"id": f"d{i}", "partner_id": partner, "opportunity_id": opportunity, "account_id": account,
            "amount": amount, "currency": "USD", "status": status, "registered_on": registered, "closed_on": closed}


def _build(engine: Engine) -> None:
    add_many(engine, "crm_user", [{"id": "u1", "team": "east"}, {"id": "u2", "team": "west"}])
    add_many(engine, "account", [{"id": "a1", "country": "FR", "owner_id": "u1"},
                                 {"id": "a2", "country": "DE", "owner_id": "u2"}])
    add_many(engine, "channel_partner", [
        {"id": "p1", "name": "P1", "tier": "gold", "status": "active", "owner_id": "u1",
         "joined_on": date(2025, 1, 10)},
        {"id": "p2", "name": "P2", "tier": "silver", "status": "terminated", "owner_id": "u2",
         "joined_on": date(2025, 2, 5)},
        {"id": "p3", "name": "P3", "tier": "platinum", "status": "active", "owner_id": "u1",
         "joined_on": date(2025, 5, 1)}])
    add_many(engine, "opportunity", [
        _opp(1, "u1", "a1", 1000, "won", date(2025, 1, 20), "closed"),
        _opp(2, "u2", "a2", 500, "won", date(2025, 2, 15), "closed"),
        _opp(3, "u1", "a1", 400, "open", date(2025, 3, 10), "commit"),
        _opp(4, "u2", "a2", 300, "open", date(2025, 3, 20), "best_case"),
        _opp(5, "u1", "a2", 200, "open", date(2025, 5, 5), "commit"),
        _opp(6, "u2", "a1", 250, "lost", date(2025, 2, 1), "omitted", "Price"),
        _opp(7, "u1", "a1", 150, "lost", date(2025, 2, 20), "omitted")])
    add_many(engine, "partner_deal", [
        _deal(1, "p1", "o1", "a1", 900, "won", date(2025, 1, 5), date(2025, 1, 20)),
        _deal(2, "p2", "o2", "a2", 500, "won", date(2025, 1, 25), date(2025, 2, 15)),
        _deal(3, "p1", "o6", "a1", 250, "lost", date(2025, 1, 12), date(2025, 2, 1)),
        _deal(4, "p3", "o3", "a1", 400, "approved", date(2025, 2, 20)),
        _deal(5, "p2", "o3", "a1", 400, "rejected", date(2025, 3, 1)),  # a second claim on o3
        _deal(6, "p1", "o4", "a2", 300, "registered", date(2025, 3, 5))])
    add_many(engine, "training_program", [{"id": "t1", "name": "Partner basics", "program_type": "partner",
                                            "duration_hours": 6}])
    add_many(engine, "training_enrolment", [
        {"id": "e1", "program_id": "t1", "partner_id": "p1", "status": "completed", "enrolled_on": date(2025, 1, 10),
         "completed_on": date(2025, 2, 1), "score": 80},
        {"id": "e2", "program_id": "t1", "partner_id": "p2", "status": "dropped", "enrolled_on": date(2025, 1, 15)},
        {"id": "e3", "program_id": "t1", "partner_id": "p3", "status": "enrolled", "enrolled_on": date(2025, 2, 10)},
        {"id": "e4", "program_id": "t1", "user_id": "u1", "status": "completed", "enrolled_on": date(2025, 1, 3),
         "completed_on": date(2025, 1, 20), "score": 40}])  # a seller's: no partner KPI counts it


@pytest.fixture(scope="module", params=DIALECTS)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    for engine in fresh_engine(request.param, tmp_path_factory.mktemp("channel_operations")):
        _build(engine)
        yield engine


def test_partner_revenue_and_win_rates(store: Engine) -> None:
    assert shipped(store, "PARTNER_SOURCED_REVENUE", "rep") == {("u1",): 900, ("u2",): 500}  # d1 via p1, d2 via p2
    assert shipped(store, "PARTNER_SOURCED_REVENUE", "month") == {("2025-01-01",): 900, ("2025-02-01",): 500}
    # closed: d1 won (u1, Jan), d3 lost (u1, Feb), d2 won (u2, Feb)
    assert shipped(store, "PARTNER_WIN_RATE_CLOSED") == {(): round(200 / 3, 6)}
    assert shipped(store, "PARTNER_WIN_RATE_CLOSED", "rep") == {("u1",): 50, ("u2",): 100}
    # the registration cohorts: January d1 d2 d3 (two won), February d4, March d5 d6
    assert shipped(store, "PARTNER_WIN_RATE_REGISTERED", "month") == {
        ("2025-01-01",): round(200 / 3, 6), ("2025-02-01",): 0, ("2025-03-01",): 0}
    assert shipped(store, "PARTNER_WIN_RATE_REGISTERED") == {(): round(200 / 6, 6)}
    assert shipped(store, "DEAL_REGISTRATION_APPROVAL_RATE") == {(): 50}  # d4 approved, d5 rejected
    assert shipped(store, "PARTNER_DEAL_CYCLE_LENGTH") == {(): 18}  # d1 15 days, d2 21 days
    assert shipped(store, "REVENUE_PER_REVENUE_GENERATING_PARTNER") == {(): 700}  # 1400 over p1 and p2
    assert shipped(store, "TOP_TIER_PARTNER_REVENUE_SHARE") == {(): round(90000 / 1400, 6)}  # gold p1's 900
    assert shipped(store, "OPEN_PARTNER_REGISTERED_PIPELINE") == {(): 700}  # d4 400 approved, d6 300 registered


def test_channel_share_and_duplicate_registrations(store: Engine) -> None:
    # won through partners FR 900 (d1), DE 500 (d2); won in all FR 1000 (o1), DE 500 (o2)
    assert shipped(store, "CHANNEL_REVENUE_SHARE", "region") == {("FR",): 90, ("DE",): 100}
    assert shipped(store, "CHANNEL_REVENUE_SHARE") == {(): round(140000 / 1500, 6)}
    # six registrations on five opportunities: d4 and d5 both claim o3 (account a1)
    assert shipped(store, "DUPLICATE_DEAL_REGISTRATIONS") == {(): 1}
    assert shipped(store, "DUPLICATE_DEAL_REGISTRATIONS", "company") == {("a1",): 1, ("a2",): 0}
    # by month the two claims fall in February and March: unseen, as the caveat says
    assert set(shipped(store, "DUPLICATE_DEAL_REGISTRATIONS", "month").values()) == {0}
    assert shipped(store, "DUPLICATE_DEAL_REGISTRATION_RATE") == {(): round(100 / 6, 6)}


def test_partner_recruiting_and_training(store: Engine) -> None:
    assert shipped(store, "ACTIVE_SHARE_OF_RECRUITED_PARTNERS", "quarter") == {(Q1,): 50, (Q2,): 100}
    # partner enrolments: January e1 (completed) e2 (dropped), February e3; e4 is a seller's
    assert shipped(store, "PARTNER_TRAINING_COMPLETION_RATE", "month") == {("2025-01-01",): 50, ("2025-02-01",): 0}
    assert shipped(store, "PARTNER_TRAINING_DROPOUT_RATE") == {(): round(100 / 3, 6)}
    assert shipped(store, "PARTNER_TRAINING_HOURS_COMPLETED") == {(): 6}
    assert shipped(store, "AVERAGE_PARTNER_TRAINING_SCORE") == {(): 80}


def test_forecast_roll_ups_and_hygiene(store: Engine) -> None:
    # won o1 1000 (Jan), o2 500 (Feb); open commit o3 400 (Mar), o5 200 (May); open best case o4 300 (Mar)
    assert shipped(store, "COMMIT_FORECAST", "month") == {
        ("2025-01-01",): 1000, ("2025-02-01",): 500, ("2025-03-01",): 400, ("2025-05-01",): 200}
    assert shipped(store, "COMMIT_FORECAST", "rep") == {("u1",): 1600, ("u2",): 500}
    assert shipped(store, "BEST_CASE_FORECAST") == {(): 2400}
    assert shipped(store, "COMMIT_SHARE_OF_OPEN_PIPELINE", "quarter") == {(Q1,): round(40000 / 700, 6), (Q2,): 100}
    assert shipped(store, "OVERDUE_OPEN_OPPORTUNITIES", "quarter") == {(Q1,): 2, (Q2,): 1}
    assert shipped(store, "LOSS_REASON_CAPTURE_RATE") == {(): 50}  # o6 has a reason, o7 none
