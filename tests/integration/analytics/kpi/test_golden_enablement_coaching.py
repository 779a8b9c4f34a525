"""SALES_ENABLEMENT and SALES_TRAINING_COACHING KPIs on a small hand-built store, SQLite and PostgreSQL: each figure is
worked out by hand below, from the shipped definition file (analytics/kpi/definitions/).

The store: sellers u1 (east, user created 2025-01-01), u2 (east, created 2024-06-01), u3 (west, created
2025-02-01); programmes p1 onboarding 8 h, p2 product 4 h, p3 skills 2 h, p4 partner 10 h.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine

from tests.support.kpi_golden import DIALECTS, add_many, shipped
from tests.support.stores import fresh_engine


def _utc(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, tzinfo=UTC)


@pytest.fixture(scope="module", params=DIALECTS)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    for engine in fresh_engine(request.param, tmp_path_factory.mktemp("enablement_coaching")):
        _build(engine)
        yield engine


def _build(engine: Engine) -> None:
    add_many(engine, "crm_user", [
        {"id": "u1", "team": "east", "created_at": _utc(2025, 1, 1)},
        {"id": "u2", "team": "east", "created_at": _utc(2024, 6, 1), "title": "Sales Manager"},
        {"id": "u3", "team": "west", "created_at": _utc(2025, 2, 1)},
    ])
    add_many(engine, "training_program", [
        {"id": "p1", "program_type": "onboarding", "duration_hours": 8},
        {"id": "p2", "program_type": "product", "duration_hours": 4},
        {"id": "p3", "program_type": "skills", "duration_hours": 2},
        {"id": "p4", "program_type": "partner", "duration_hours": 10},
    ])
    add_many(engine, "training_enrolment", [
        {"id": "e1", "user_id": "u1", "program_id": "p1", "status": "completed", "enrolled_on": date(2025, 1, 5),
         "completed_on": date(2025, 1, 25), "score": 80},
        {"id": "e2", "user_id": "u1", "program_id": "p2", "status": "completed", "enrolled_on": date(2025, 2, 1),
         "completed_on": date(2025, 2, 11), "score": 90},
        {"id": "e3", "user_id": "u2", "program_id": "p2", "status": "dropped", "enrolled_on": date(2025, 2, 3)},
        {"id": "e4", "user_id": "u3", "program_id": "p1", "status": "completed", "enrolled_on": date(2025, 2, 5),
         "completed_on": date(2025, 3, 7)},
        {"id": "e5", "user_id": "u2", "program_id": "p3", "status": "enrolled", "enrolled_on": date(2025, 3, 1)},
        # a partner's enrolment: never a seller's
        {"id": "e6", "partner_id": "cp1", "program_id": "p4", "status": "completed",
         "enrolled_on": date(2025, 1, 10), "completed_on": date(2025, 1, 20), "score": 10},
    ])
    add_many(engine, "opportunity", [
        {"id": "o1", "owner_id": "u1", "is_closed": True, "is_won": True, "close_date": date(2025, 3, 1),
         "created_at": _utc(2025, 1, 15), "amount": 100, "currency": "USD"},
        {"id": "o2", "owner_id": "u1", "is_closed": True, "is_won": False, "close_date": date(2025, 4, 1),
         "created_at": _utc(2025, 2, 1), "amount": 50, "currency": "USD"},
        {"id": "o3", "owner_id": "u3", "is_closed": False, "is_won": False, "close_date": date(2025, 6, 30),
         "created_at": _utc(2025, 2, 20), "amount": 70, "currency": "USD"},
        {"id": "o4", "owner_id": "u2", "is_closed": True, "is_won": True, "close_date": date(2025, 2, 10),
         "created_at": _utc(2025, 1, 2), "amount": 30, "currency": "USD"},
    ])
    add_many(engine, "line_item", [  # two products on o1: one won deal with products, not two
        {"id": "li1", "opportunity_id": "o1", "total_price": 60, "currency": "USD"},
        {"id": "li2", "opportunity_id": "o1", "total_price": 40, "currency": "USD"},
    ])
    add_many(engine, "activity", [
        {"id": "c1", "owner_id": "u1", "type": "call", "occurred_at": _utc(2025, 1, 10), "outcome": "connected"},
        {"id": "c2", "owner_id": "u1", "type": "call", "occurred_at": _utc(2025, 4, 1)},
        {"id": "m1", "owner_id": "u2", "type": "meeting", "occurred_at": _utc(2025, 2, 15), "opportunity_id": "o1"},
        {"id": "s1", "owner_id": "u1", "type": "email_sent", "occurred_at": _utc(2025, 3, 1),
         "opportunity_id": "o2"},
        {"id": "t1", "owner_id": "u3", "type": "task", "occurred_at": _utc(2025, 3, 10)},
        {"id": "x1", "owner_id": "u3", "type": "email_open", "occurred_at": _utc(2025, 3, 11),
         "opportunity_id": "o3"},  # a buyer's open: not a seller's activity
    ])
    add_many(engine, "coaching_session", [
        {"id": "s1", "coach_id": "u2", "rep_id": "u1", "held_at": _utc(2025, 1, 20), "duration_minutes": 60,
         "rating": 4, "opportunity_id": "o1"},
        {"id": "s2", "coach_id": "u2", "rep_id": "u1", "held_at": _utc(2025, 2, 20), "duration_minutes": 30,
         "opportunity_id": "o1"},
        {"id": "s3", "coach_id": "u2", "rep_id": "u3", "held_at": _utc(2025, 3, 5), "rating": 5,
         "opportunity_id": "o3"},
        {"id": "s4", "coach_id": "u1", "rep_id": "u3", "held_at": _utc(2025, 3, 20), "duration_minutes": 45,
         "rating": 3},
    ])
    add_many(engine, "assessment", [
        {"id": "a1", "user_id": "u1", "program_id": "p2", "skill": "product", "score": 8, "max_score": 10,
         "passed": True, "taken_on": date(2025, 2, 15)},
        {"id": "a2", "user_id": "u3", "program_id": "p1", "skill": "discovery", "score": 5, "max_score": 10,
         "passed": False, "taken_on": date(2025, 3, 10)},
        {"id": "a3", "user_id": "u3", "program_id": "p1", "skill": "discovery", "score": 9, "max_score": 10,
         "passed": True, "taken_on": date(2025, 3, 20)},
        {"id": "a4", "user_id": "u2", "skill": "negotiation", "score": 30, "max_score": 50,
         "taken_on": date(2025, 3, 25)},
    ])
    add_many(engine, "feedback", [
        {"id": "f1", "feedback_type": "enablement", "score": 4, "comment": "useful", "received_on": date(2025, 2, 1)},
        {"id": "f2", "feedback_type": "enablement", "score": 2, "received_on": date(2025, 2, 2)},
        {"id": "f3", "feedback_type": "nps", "score": 9, "received_on": date(2025, 2, 3)},
    ])


def test_training(store: Engine) -> None:
    # seller enrolments e1..e5 (e6 is a partner's): completed of the cohort e1 e2 e4, dropped e3
    assert shipped(store, "TRAINING_COMPLETION_RATE") == {(): 60}
    assert shipped(store, "TRAINING_COMPLETION_RATE", "rep") == {("u1",): 100, ("u2",): 0, ("u3",): 100}
    assert shipped(store, "TRAINING_DROPOUT_RATE") == {(): 20}
    assert shipped(store, "AVERAGE_TRAINING_COMPLETION_TIME") == {(): 20}  # (20 + 10 + 30) / 3
    assert shipped(store, "MEDIAN_TRAINING_COMPLETION_TIME") == {(): 20}
    assert shipped(store, "AVERAGE_TRAINING_SCORE") == {(): 85}  # e4 has no score
    assert shipped(store, "TRAINING_HOURS_COMPLETED", "team") == {("east",): 12, ("west",): 8}  # 8 + 4; 8
    assert shipped(store, "TRAINING_HOURS_PER_SELLER_TRAINED") == {(): 10}  # 20 h / u1, u3
    assert shipped(store, "SELLERS_TRAINED", "team") == {("east",): 1, ("west",): 1}
    assert shipped(store, "PRODUCT_TRAINING_COMPLETION_RATE") == {(): 50}  # e2 of e2, e3
    assert shipped(store, "ENROLMENTS_PER_TRAINING_PROGRAM") == {(): 1.666667}  # 5 / p1 p2 p3
    # sellers who logged their own call, email, meeting, task or note: u1 u2 u3 (x1 is a buyer's open)
    assert shipped(store, "TRAINING_PARTICIPATION_RATE_ACTIVE_SELLERS") == {(): 100}


def test_onboarding_and_ramp(store: Engine) -> None:
    assert shipped(store, "ONBOARDING_COMPLETION_RATE") == {(): 100}  # e1, e4
    assert shipped(store, "TIME_FROM_HIRE_TO_ONBOARDING_COMPLETION") == {(): 29}  # (24 + 34) / 2
    assert shipped(store, "ONBOARDING_COVERAGE_OF_NEW_SELLERS") == {(): 100}  # u1 u3 of the users created in 2025
    assert shipped(store, "TIME_TO_FIRST_CALL", "rep", start=None, end=None) == {("u1",): 9}
    assert shipped(store, "TIME_TO_FIRST_OPPORTUNITY", "rep", start=None, end=None) == {
        ("u1",): 14, ("u2",): 215, ("u3",): 19}
    assert shipped(store, "TIME_TO_FIRST_WON_DEAL", "rep", start=None, end=None) == {("u1",): 59, ("u2",): 254}
    assert shipped(store, "MEDIAN_SELLER_TENURE_AT_WIN") == {(): 156.5}  # 59, 254
    assert shipped(store, "WON_DEALS_WITH_PRODUCTS_RATE") == {(): 50}  # o1 of o1, o4; two line items, one deal
    assert shipped(store, "DEAL_LINKED_ACTIVITY_RATE") == {(): 40}  # m1, s1 of c1 c2 m1 s1 t1


def test_coaching(store: Engine) -> None:
    assert shipped(store, "COACHING_SESSIONS_HELD", "rep") == {("u1",): 2, ("u3",): 2}
    assert shipped(store, "COACHING_HOURS") == {(): 2.25}  # 135 minutes; s3 has none
    assert shipped(store, "AVERAGE_COACHING_SESSION_DURATION") == {(): 45}  # 135 / 3 timed
    assert shipped(store, "AVERAGE_COACHING_SESSION_RATING") == {(): 4}  # (4 + 5 + 3) / 3 rated
    assert shipped(store, "SELLERS_COACHED_PER_COACH") == {(): 1}  # u1 u3 by u2 u1
    assert shipped(store, "DEAL_COACHING_SHARE") == {(): 75}
    assert shipped(store, "DEALS_COACHED") == {(): 2}  # o1 twice, o3
    assert shipped(store, "COACHED_DEAL_WIN_RATE_CLOSED") == {(): 100}  # o1 won; o3 open, left out
    assert shipped(store, "COACHED_DEAL_WIN_RATE_LIFT") == {(): 1.5}  # (1 / 1) / (2 won / 3 closed)
    assert shipped(store, "COACHING_COVERAGE_ACTIVE_SELLERS") == {(): 66.666667}  # u1 u3 of u1 u2 u3


def test_assessment_and_readiness(store: Engine) -> None:
    assert shipped(store, "ASSESSMENT_PASS_RATE") == {(): 66.666667}  # a1 a3 of a1 a2 a3 (a4 has no result)
    assert shipped(store, "ASSESSMENT_SCORE_PERCENT") == {(): 65}  # 52 / 80 points
    assert shipped(store, "MEDIAN_ASSESSMENT_SCORE_PERCENT") == {(): 70}  # 50 60 80 90
    assert shipped(store, "SELLER_CERTIFICATION_RATE") == {(): 66.666667}  # u1 u3 of u1 u2 u3
    assert shipped(store, "SKILLS_ASSESSED") == {(): 3}
    assert shipped(store, "PRODUCT_KNOWLEDGE_SCORE") == {(): 80}
    assert shipped(store, "ONBOARDING_ASSESSMENT_PASS_RATE") == {(): 50}
    assert shipped(store, "TIME_TO_FIRST_CERTIFICATION", "rep", start=None, end=None) == {("u1",): 45, ("u3",): 47}
    assert shipped(store, "CERTIFIED_SELLER_COVERAGE") == {(): 66.666667}
    # (2 / 3 + 3 / 5 + 52 / 80) * 100 / 3
    assert shipped(store, "SALES_READINESS_INDEX") == {(): 63.888889}
    assert shipped(store, "ENABLEMENT_HOURS_PER_ACTIVE_SELLER") == {(): 7.416667}  # (20 + 135 / 60) / 3


def test_enablement_feedback(store: Engine) -> None:
    assert shipped(store, "ENABLEMENT_SATISFACTION_SCORE") == {(): 3}  # f3 is customer NPS
    assert shipped(store, "ENABLEMENT_FEEDBACK_RESPONSES") == {(): 2}
    assert shipped(store, "ENABLEMENT_FEEDBACK_COMMENT_RATE") == {(): 50}
