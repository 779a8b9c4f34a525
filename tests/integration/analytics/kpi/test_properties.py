"""Property tests (hypothesis) on random stores, on SQLite: additive measures over reps sum to their team and to the
total; a ratio's value is Σnum/Σden at every grain; duplicated child rows change no parent measure; moving the time
zone moves only the rows near midnight."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete

from analytics.kpi.calendar import bucket
from config.models.kpi import KpiSettings
from store.tables import canonical_tables
from tests.support.kpi_golden import add_many, run, values
from tests.support.stores import fresh_engine

TEAMS = {"u1": "east", "u2": "east", "u3": "west", "u4": "west", "u5": None}
OWNERS = [*TEAMS, None, "u9"]  # no owner; an owner crmhub does not know
ACCOUNTS = ["a1", "a2", "a3", None]
TERRITORY = {"id": "ta", "territory_id": "t1", "account_id": "a1", "effective_from": date(2025, 3, 1)}
PROPERTY = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

deal = st.fixed_dictionaries({
    "owner_id": st.sampled_from(OWNERS), "account_id": st.sampled_from(ACCOUNTS),
    "amount": st.one_of(st.none(), st.integers(0, 5000).map(float)),
    "state": st.sampled_from(["won", "lost", "open"]),
    "close_date": st.dates(date(2025, 1, 1), date(2025, 12, 31)),
})
instant = st.builds(lambda day, minutes: datetime.combine(day, datetime.min.time(), UTC) + timedelta(minutes=minutes),
                    st.dates(date(2025, 1, 1), date(2025, 12, 31)), st.integers(0, 24 * 60 - 1))
call = st.fixed_dictionaries({"owner_id": st.sampled_from(OWNERS), "occurred_at": instant})


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    for engine in fresh_engine("sqlite", Path(tmp_path_factory.mktemp("properties"))):
        add_many(engine, "crm_user", [{"id": u, "team": t, "title": "Account Executive"} for u, t in TEAMS.items()])
        add_many(engine, "account", [{"id": a, "country": c} for a, c in (("a1", "FR"), ("a2", "DE"), ("a3", "FR"))])
        yield engine


def _fill(engine: Engine, deals: list[dict[str, Any]], calls: list[dict[str, Any]]) -> None:
    with engine.begin() as conn:
        for table in ("opportunity", "activity", "line_item", "opportunity_contact_role", "territory_assignment"):
            conn.execute(delete(canonical_tables[table]))
    if deals:
        add_many(engine, "opportunity", [
            {"id": f"o{i}", "owner_id": d["owner_id"], "account_id": d["account_id"], "amount": d["amount"],
             "currency": "USD", "is_closed": d["state"] != "open", "is_won": d["state"] == "won",
             "close_date": d["close_date"]} for i, d in enumerate(deals)])
    if calls:
        add_many(engine, "activity", [{"id": f"c{i}", "type": "call", **c} for i, c in enumerate(calls)])
    add_many(engine, "territory_assignment", [TERRITORY])


def _team_of(rep: str) -> str:
    return TEAMS.get(rep) or "(none)"


@PROPERTY
@given(deals=st.lists(deal, max_size=25), calls=st.lists(call, max_size=15))
def test_additive_measures_over_reps_sum_to_the_team_and_the_total(store: Engine, deals: list[dict[str, Any]],
                                                                   calls: list[dict[str, Any]]) -> None:
    _fill(store, deals, calls)
    for code in ("WON_AMOUNT", "WON_DEALS", "CALLS"):
        by_rep = values(run(store, code, "rep,quarter"))
        summed: dict[tuple[str, ...], float] = {}
        for (rep, quarter), value in by_rep.items():
            key = (_team_of(rep), quarter)
            summed[key] = summed.get(key, 0.0) + (value or 0)
        by_team = values(run(store, code, "team,quarter"))
        assert {k: round(v, 6) for k, v in summed.items()} == by_team, code
        assert round(sum(v or 0 for v in by_team.values()), 6) == values(run(store, code))[()], code


@PROPERTY
@given(deals=st.lists(deal, min_size=1, max_size=25))
def test_a_ratio_is_the_sum_of_numerators_over_the_sum_of_denominators(store: Engine,
                                                                       deals: list[dict[str, Any]]) -> None:
    _fill(store, deals, [])
    by_rep = run(store, "WIN_RATE_CLOSED", "rep").rows
    for grain in ("team", ""):
        num: dict[str, float] = {}
        den: dict[str, float] = {}
        for row in by_rep:
            member = _team_of(row.members["rep"]) if grain else ""
            num[member] = num.get(member, 0.0) + (row.numerator or 0)
            den[member] = den.get(member, 0.0) + (row.denominator or 0)
        for row in run(store, "WIN_RATE_CLOSED", grain).rows:
            member = row.members.get("team", "")
            n, d = num.get(member, 0.0), den.get(member, 0.0)  # the total has a row even with no closed deal
            assert (row.numerator, row.denominator) == (n, d)
            assert row.value == (None if not d else pytest.approx(100 * n / d))


@PROPERTY
@given(deals=st.lists(deal, min_size=1, max_size=20), copies=st.integers(1, 3), data=st.data())
def test_duplicated_child_rows_change_no_parent_measure(store: Engine, deals: list[dict[str, Any]], copies: int,
                                                        data: st.DataObject) -> None:
    _fill(store, deals, [])
    asked = [("WON_AMOUNT", "territory,month"), ("WIN_RATE_CLOSED", "rep"), ("MEDIAN_WON_AMOUNT", "region"),
             ("ACCOUNTS_WON", "team"), ("AVG_WON_CYCLE", "company")]
    before = [values(run(store, code, grain)) for code, grain in asked]
    parents = data.draw(st.lists(st.integers(0, len(deals) - 1), min_size=1, max_size=5), label="parents")
    children = [(f"{i}_{n}", f"o{p}") for i, p in enumerate(parents) for n in range(copies)]
    add_many(store, "line_item", [{"id": f"li{c}", "opportunity_id": o, "total_price": 10.0} for c, o in children])
    add_many(store, "opportunity_contact_role", [{"id": f"cr{c}", "opportunity_id": o} for c, o in children])
    add_many(store, "activity", [{"id": f"x{c}", "opportunity_id": o, "type": "meeting"} for c, o in children])
    add_many(store, "territory_assignment", [{**TERRITORY, "id": f"ta{c}"} for c, _ in children])  # a1's, again
    assert [values(run(store, code, grain)) for code, grain in asked] == before


@PROPERTY
@given(calls=st.lists(call, min_size=1, max_size=25), zone=st.sampled_from(["Europe/Paris", "America/New_York",
                                                                            "Asia/Kolkata"]))
def test_moving_the_time_zone_moves_only_the_rows_near_midnight(store: Engine, calls: list[dict[str, Any]],
                                                                zone: str) -> None:
    _fill(store, [], calls)
    utc = values(run(store, "CALLS", "day"))
    local = values(run(store, "CALLS", "day", settings=KpiSettings(time_zone=zone)))
    moved = [c["occurred_at"] for c in calls if bucket(c["occurred_at"], "day", zone=zone) != c["occurred_at"].date()]
    # each moved row is within the zone's offset (at most 14 h) of midnight, and is the whole difference
    assert all(min(at.hour, 24 - at.hour) <= 14 for at in moved)
    expected: Counter[tuple[str, ...]] = Counter({k: int(v or 0) for k, v in utc.items()})
    for at in moved:
        expected[(at.date().isoformat(),)] -= 1
        expected[(bucket(at, "day", zone=zone).isoformat(),)] += 1
    assert {k: v for k, v in expected.items() if v} == local
    assert sum(v or 0 for v in local.values()) == sum(v or 0 for v in utc.values()) == len(calls)
