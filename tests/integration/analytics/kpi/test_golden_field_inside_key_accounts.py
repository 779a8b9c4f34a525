"""INSIDE_SALES, KEY_ACCT_MGMT, OUTSIDE_SALES and SALES_DEV KPIs on a small hand-built store, SQLite and PostgreSQL:
a sample covering each kind of definition (outcome filters, a ref to the account's tier, a ref to a lead's converted
opportunity, cohort conversions, a derived NPS, distinct counts at two grains, contact roles, an as-of pipeline) gives
the figures worked out by hand from the rows below.

The store: reps u1 (team east) and u2 (team west); accounts k1 (tier key), k2 (tier strategic), s1 (tier SMB).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.support.kpi_golden import DIALECTS, add_many, shipped
from tests.support.stores import fresh_engine


def _utc(y: int, m: int, d: int, hh: int = 9) -> datetime:
    return datetime(y, m, d, hh, tzinfo=UTC)


def _opp(i: int, owner: str, account: str, amount: float, state: str, close: date, created: datetime
         ) -> dict[str, Any]:
    return {"id": f"o{i}", "owner_id": owner, "account_id": account, "amount": amount, "currency": "USD",
            "is_closed": state != "open", "is_won": state == "won", "close_date": close, "created_at": created}


def _call(i: int, owner: str, outcome: str | None, minutes: float | None, **extra: Any) -> dict[str, Any]:
    return {"id": f"a{i}", "type": "call", "owner_id": owner, "outcome": outcome, "duration_minutes": minutes,
            "occurred_at": _utc(2025, 1, 10 + i), **extra}


def _build(engine: Engine) -> None:
    tables: dict[str, list[dict[str, Any]]] = {
        "crm_user": [{"id": "u1", "first_name": "Ann", "team": "east"},
                     {"id": "u2", "first_name": "Ben", "team": "west"}],
        "account": [{"id": "k1", "name": "Key One", "tier": "key", "owner_id": "u1", "country": "FR"},
                    {"id": "k2", "name": "Key Two", "tier": "strategic", "owner_id": "u2", "country": "DE"},
                    {"id": "s1", "name": "Small", "tier": "SMB", "owner_id": "u1", "country": "FR"}],
        "opportunity": [
            _opp(1, "u1", "k1", 100, "won", date(2025, 1, 10), _utc(2024, 12, 1)),
            _opp(2, "u2", "k2", 300, "won", date(2025, 2, 10), _utc(2025, 1, 1)),
            _opp(3, "u1", "s1", 600, "won", date(2025, 2, 15), _utc(2025, 1, 15)),
            _opp(4, "u1", "k1", 250, "open", date(2025, 6, 30), _utc(2025, 1, 20)),
            _opp(5, "u2", "k2", 150, "lost", date(2025, 3, 1), _utc(2025, 2, 1)),
        ],
        "activity": [
            # u1: four calls (connected, Meeting Booked, voicemail, no outcome); u2: three (Connected, no answer,
            # busy). Talk minutes: u1 10 + 20 + 1 = 31, u2 30.
            _call(1, "u1", "connected", 10, account_id="k1", contact_id="ct1"),
            _call(2, "u1", "Meeting Booked", 20),
            _call(3, "u1", "left_voicemail", 1),
            _call(4, "u1", None, None),
            _call(5, "u2", "Connected", 30, account_id="k2", contact_id="ct3"),
            _call(6, "u2", "no_answer", 0),
            _call(7, "u2", "busy", None),
            # meetings: u1 60 + 30 minutes at k1, u2 120 minutes with lead l1.
            {"id": "m1", "type": "meeting", "owner_id": "u1", "account_id": "k1", "contact_id": "ct1",
             "duration_minutes": 60, "occurred_at": _utc(2025, 1, 20)},
            {"id": "m2", "type": "meeting", "owner_id": "u1", "account_id": "k1", "contact_id": "ct2",
             "duration_minutes": 30, "occurred_at": _utc(2025, 1, 21)},
            {"id": "m3", "type": "meeting", "owner_id": "u2", "lead_id": "l1", "duration_minutes": 120,
             "occurred_at": _utc(2025, 1, 22)},
        ],
        "lead": [
            {"id": "l1", "owner_id": "u1", "created_at": _utc(2025, 1, 2), "converted": True,
             "converted_at": _utc(2025, 1, 5), "converted_opportunity_id": "o1", "status": "Closed - Converted"},
            {"id": "l2", "owner_id": "u1", "created_at": _utc(2025, 1, 3), "converted": True,
             "converted_at": _utc(2025, 1, 25), "converted_opportunity_id": "o4", "status": "Closed - Converted"},
            {"id": "l3", "owner_id": "u2", "created_at": _utc(2025, 1, 4), "converted": True,
             "converted_at": _utc(2025, 2, 3), "converted_opportunity_id": "o5", "status": "Qualified"},
            {"id": "l4", "owner_id": "u2", "created_at": _utc(2025, 1, 6), "converted": False,
             "status": "Open - Not Contacted"},
            {"id": "l5", "owner_id": "u2", "created_at": _utc(2025, 1, 7), "converted": False,
             "status": "Cannot Contact"},
        ],
        "feedback": [  # key accounts' NPS: 10, 9, 7, 3; s1's 10 and k1's CSAT do not count
            {"id": f"f{i}", "account_id": account, "feedback_type": kind, "score": score,
             "received_on": date(2025, 1, 15)}
            for i, (account, kind, score) in enumerate([("k1", "nps", 10), ("k1", "nps", 9), ("k1", "nps", 7),
                                                         ("k2", "nps", 3), ("s1", "nps", 10), ("k1", "csat", 2)])
        ],
        "opportunity_contact_role": [
            {"id": f"r{i}", "opportunity_id": opp, "contact_id": contact, "role": role}
            for i, (opp, contact, role) in enumerate([
                ("o1", "ct1", "Decision Maker"), ("o1", "ct2", "Influencer"), ("o1", "ct4", "Technical Buyer"),
                ("o2", "ct3", "Economic buyer"), ("o5", "ct3", "Decision maker"), ("o4", "ct1", "Decision Maker")])
        ],
    }
    for table, rows in tables.items():
        add_many(engine, table, rows)


@pytest.fixture(scope="module", params=DIALECTS)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    for engine in fresh_engine(request.param, tmp_path_factory.mktemp("field_inside_key_accounts")):
        _build(engine)
        yield engine


def test_connect_rate_reads_each_crms_connected_outcomes(store: Engine) -> None:
    # u1: connected + Meeting Booked of 4 calls; u2: Connected of 3; all: 3 of 7.
    assert shipped(store, "INSIDE_SALES_CALL_CONNECT_RATE", "rep") == {("u1",): 50.0, ("u2",): 33.333333}
    assert shipped(store, "INSIDE_SALES_CALL_CONNECT_RATE") == {(): 42.857143}


def test_talk_time_per_calling_rep_is_minutes_over_distinct_callers(store: Engine) -> None:
    assert shipped(store, "TALK_TIME_PER_CALLING_REP", "team") == {("east",): 31.0, ("west",): 30.0}
    assert shipped(store, "TALK_TIME_PER_CALLING_REP") == {(): 30.5}  # 61 minutes, 2 callers


def test_field_hours_per_rep_is_a_derived_figure(store: Engine) -> None:
    assert shipped(store, "FIELD_HOURS_PER_REP", "rep") == {("u1",): 1.5, ("u2",): 2.0}
    assert shipped(store, "FIELD_HOURS_PER_REP") == {(): 1.75}  # 210 minutes / 60 / 2 reps


def test_key_account_kpis_follow_the_accounts_tier(store: Engine) -> None:
    # won 100 (k1) + 300 (k2) with key accounts, of 1000 won in all; key closed o1, o2 won, o5 lost.
    assert shipped(store, "KEY_ACCOUNT_REVENUE_SHARE") == {(): 40.0}
    assert shipped(store, "KEY_ACCOUNT_WIN_RATE_CLOSED", "rep") == {("u1",): 100.0, ("u2",): 50.0}
    # contacts ct1, ct2 (k1) and ct3 (k2) over 2 key accounts touched
    assert shipped(store, "CONTACTS_ENGAGED_PER_KEY_ACCOUNT") == {(): 1.5}


def test_key_account_nps_counts_only_key_accounts_nps_answers(store: Engine) -> None:
    # promoters 10, 9; detractor 3; passive 7: (2 - 1) / 4 * 100
    assert shipped(store, "KEY_ACCOUNT_NPS") == {(): 25.0}


def test_sdr_sourced_pipeline_reads_the_converted_opportunity(store: Engine) -> None:
    # l1 -> o1 (100) and l2 -> o4 (250) converted in January by u1; l3 -> o5 (150) in February by u2.
    assert shipped(store, "SDR_SOURCED_PIPELINE", "month") == {("2025-01-01",): 350.0, ("2025-02-01",): 150.0}
    assert shipped(store, "SDR_SOURCED_PIPELINE", "rep") == {("u1",): 350.0, ("u2",): 150.0}
    # of the converted leads whose opportunity closed (o1 won, o5 lost), one won; o4 is still open
    assert shipped(store, "SDR_SOURCED_WIN_RATE_CLOSED") == {(): 50.0}


def test_lead_cohort_rates_read_the_default_statuses(store: Engine) -> None:
    # of the five January leads: three contacted (two Closed - Converted, one Qualified), one Cannot Contact
    assert shipped(store, "LEAD_CONTACT_RATE") == {(): 60.0}
    assert shipped(store, "LEAD_DISQUALIFICATION_RATE") == {(): 20.0}


def test_stakeholder_kpis_read_contact_roles_on_closed_deals(store: Engine) -> None:
    # won o1 (3 roles), o2 (1), o3 (none): 4 roles over 3 won deals
    assert shipped(store, "STAKEHOLDERS_PER_WON_DEAL") == {(): 1.333333}
    # closed o1, o2, o3, o5: a decision maker or economic buyer on o1, o2 and o5
    assert shipped(store, "DECISION_MAKER_COVERAGE_CLOSED") == {(): 75.0}


def test_key_account_open_pipeline_is_the_key_deals_open_at_each_months_end(store: Engine) -> None:
    # No stage history: a deal is open at a month's end from its creation until its close date has passed.
    # End of January: o2 (300, closes 10 Feb) and o4 (250); o1 closed on 10 January. End of February: o4 and
    # o5 (150, closes 1 March). End of March: o4 alone. o3 is won with the SMB account s1 and never counts.
    q1 = shipped(store, "KEY_ACCOUNT_OPEN_PIPELINE", "month", start=date(2025, 1, 1), end=date(2025, 4, 1))
    assert q1 == {("2025-01-01",): 550.0, ("2025-02-01",): 400.0, ("2025-03-01",): 250.0}
