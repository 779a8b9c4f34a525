"""As-of measures: deals as they stood at each period's end, read from their stage history (analytics/kpi/asof.py).

Golden: deals moving stages across month ends, by hand (the comments show each month's state). Differential: a
pandas-free Python reference of the same rules on a random store. Property: as of a moment after every change, the
as-of figures equal those of the deals' current rows."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete

from config.models.kpi import KpiSettings
from store.tables import opportunity, opportunity_stage
from tests.support.kpi_golden import add_many, run, values
from tests.support.stores import fresh_engine

START, END = date(2025, 1, 1), date(2025, 5, 1)
JAN, FEB, MAR, APR = "2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"
STAGES = {"Prospecting": (False, False), "Negotiation": (False, False), "Closed Won": (True, True),
          "Closed Lost": (True, False)}


def _at(y: int, m: int, d: int, hh: int = 12, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


def _stages(engine: Engine) -> None:
    add_many(engine, "pipeline_stage", [
        {"id": f"s{i}", "pipeline": "default", "stage": name, "label": name, "is_closed": closed, "is_won": won}
        for i, (name, (closed, won)) in enumerate(STAGES.items())])


def _deal(i: str, owner: str, created: datetime, stage: str, amount: float, probability: float, close: date,
          closed: bool, won: bool, **extra: Any) -> dict[str, Any]:
    return {"id": i, "owner_id": owner, "created_at": created, "stage": stage, "amount": amount, "currency": "USD",
            "probability": probability, "close_date": close, "is_closed": closed, "is_won": won, "deleted_at": None,
            **extra}


def _history(opp: str, n: int, at: datetime, stage: str, amount: float, probability: float, close: date
             ) -> dict[str, Any]:
    return {"id": f"{opp}-h{n}", "opportunity_id": opp, "changed_at": at, "stage": stage, "amount": amount,
            "probability": probability, "close_date": close, "created_at": at, "deleted_at": None}


def _golden(engine: Engine) -> None:
    _stages(engine)
    add_many(engine, "opportunity", [
        # d1 moves Prospecting (Jan) -> Negotiation (15 Feb) -> Closed Won (20 Mar).
        _deal("d1", "u1", _at(2025, 1, 10), "Closed Won", 500, 100, date(2025, 3, 20), True, True),
        # d2: no history; a stage the definitions do not know, open now: its own row, open, from its creation.
        _deal("d2", "u2", _at(2025, 2, 5), "Custom Stage", 200, 50, date(2025, 6, 30), False, False),
        # d3: no history, an unknown stage, closed (lost) on 10 February: open at January's end, closed at February's.
        _deal("d3", "u1", _at(2025, 1, 20), "Weird", 50, 0, date(2025, 2, 10), True, False),
        # d4: created 5 March as Prospecting 80, Negotiation 120 from 10 April.
        _deal("d4", "u2", _at(2025, 3, 5), "Negotiation", 120, 50, date(2025, 7, 1), False, False),
        # d6: Prospecting 10, then Negotiation 1000 at 23:30 UTC on 31 January (00:30 on 1 February in Paris).
        _deal("d6", "u1", _at(2025, 1, 5), "Negotiation", 1000, 60, date(2025, 8, 1), False, False),
        # d5 is deleted: never counted.
        _deal("d5", "u1", _at(2025, 1, 5), "Prospecting", 999, 10, date(2025, 8, 1), False, False,
              deleted_at=_at(2025, 4, 1)),
    ])
    add_many(engine, "opportunity_stage", [
        _history("d1", 1, _at(2025, 1, 10), "Prospecting", 100, 10, date(2025, 4, 30)),
        _history("d1", 2, _at(2025, 2, 15), "Negotiation", 300, 60, date(2025, 3, 31)),
        _history("d1", 3, _at(2025, 3, 20), "Closed Won", 500, 100, date(2025, 3, 20)),
        _history("d4", 1, _at(2025, 3, 5), "Prospecting", 80, 20, date(2025, 7, 1)),
        _history("d4", 2, _at(2025, 4, 10), "Negotiation", 120, 50, date(2025, 7, 1)),
        _history("d6", 1, _at(2025, 1, 5), "Prospecting", 10, 10, date(2025, 8, 1)),
        _history("d6", 2, _at(2025, 1, 31, 23, 30), "Negotiation", 1000, 60, date(2025, 8, 1)),
        _history("d5", 1, _at(2025, 1, 5), "Prospecting", 999, 10, date(2025, 8, 1)),
    ])


@pytest.fixture(scope="module", params=[pytest.param("sqlite", id="sqlite"),
                                        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)])
def golden(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    for engine in fresh_engine(request.param, tmp_path_factory.mktemp("as_of")):
        _golden(engine)
        yield engine


def test_open_pipeline_at_each_month_end(golden: Engine) -> None:
    # Jan: d1 100 (Prospecting), d3 50 (closes 10 Feb), d6 1000 (Negotiation since 31 Jan 23:30) = 1150
    # Feb: d1 300 (Negotiation), d2 200, d6 1000; d3 closed = 1500
    # Mar: d1 Closed Won (out), d2 200, d4 80 (Prospecting), d6 1000 = 1280
    # Apr: d2 200, d4 120 (Negotiation), d6 1000 = 1320
    assert values(run(golden, "OPEN_PIPELINE_AS_OF", "month", start=START, end=END)) == {
        (JAN,): 1150, (FEB,): 1500, (MAR,): 1280, (APR,): 1320}
    assert values(run(golden, "OPEN_DEALS_AS_OF", "month", start=START, end=END)) == {
        (JAN,): 3, (FEB,): 3, (MAR,): 3, (APR,): 3}


def test_by_rep_and_weighted(golden: Engine) -> None:
    assert values(run(golden, "OPEN_PIPELINE_AS_OF", "rep,month", start=START, end=END)) == {
        ("u1", JAN): 1150, ("u1", FEB): 1300, ("u1", MAR): 1000, ("u1", APR): 1000,
        ("u2", FEB): 200, ("u2", MAR): 280, ("u2", APR): 320}
    # probability-weighted: Jan 100*.1 + 50*0 + 1000*.6 = 610; Feb 300*.6 + 200*.5 + 600 = 880;
    # Mar 100 + 80*.2 + 600 = 716; Apr 100 + 120*.5 + 600 = 760
    assert values(run(golden, "WEIGHTED_PIPELINE_AS_OF", "month", start=START, end=END)) == {
        (JAN,): 610, (FEB,): 880, (MAR,): 716, (APR,): 760}


def test_the_period_end_is_midnight_in_the_org_s_zone(golden: Engine) -> None:
    paris = KpiSettings(time_zone="Europe/Paris")
    # d6's change at 23:30 UTC on 31 January is after January's end in Paris: Prospecting 10 there.
    found = values(run(golden, "OPEN_PIPELINE_AS_OF", "month", start=START, end=END, settings=paris))
    assert found[(JAN,)] == 160 and found[(FEB,)] == 1500


def test_hundreds_of_periods_and_none_after_today(golden: Engine) -> None:
    # by day from 2025 to today: hundreds of periods (SQLite refuses a compound SELECT of more than 500 terms);
    # every day from 5 January 2025 (the first deal) up to today has an open deal, none after today is listed
    end = date(2030, 1, 1)
    by_day = values(run(golden, "OPEN_DEALS_AS_OF", "day", start=START, end=end))
    today = datetime.now(UTC).date()
    assert by_day[("2025-01-31",)] == 3 and by_day[("2025-02-01",)] == 3
    assert len(by_day) == (min(end, today + timedelta(days=1)) - date(2025, 1, 5)).days > 500
    later = values(run(golden, "OPEN_DEALS_AS_OF", "month", start=START, end=date(2100, 1, 1)))
    assert max(later) <= (date.today().replace(day=1).isoformat(),)  # no state is listed after today's month


def test_without_a_period_the_state_at_the_range_end(golden: Engine) -> None:
    assert values(run(golden, "OPEN_PIPELINE_AS_OF", start=START, end=date(2025, 3, 1))) == {(): 1500}


def test_a_stage_with_unknown_flags_falls_back_on_the_deal_s_own(db: Engine) -> None:
    """Dataverse's process stages (Qualify … Close) carry no closed or won flag: a deal in Close may be open or won.
    A known stage whose flags are unknown is read like an unknown stage: the deal's flags, from its close date."""
    add_many(db, "pipeline_stage", [{"id": f"q{i}", "pipeline": "process", "stage": name, "label": name,
                                     "is_closed": None, "is_won": None} for i, name in enumerate(("Qualify", "Close"))])
    add_many(db, "opportunity", [
        _deal("e1", "u1", _at(2025, 1, 5), "Close", 100, 80, date(2025, 6, 30), False, False),  # open throughout
        _deal("e2", "u1", _at(2025, 1, 6), "Close", 40, 100, date(2025, 2, 10), True, True),  # won 10 February
        _deal("e3", "u2", _at(2025, 1, 7), "Qualify", 7, 10, date(2025, 3, 3), True, False)])  # lost 3 March
    assert values(run(db, "OPEN_PIPELINE_AS_OF", "month", start=START, end=date(2025, 4, 1))) == {
        (JAN,): 147, (FEB,): 107, (MAR,): 100}



def test_ties_deleted_and_undated_history_rows(db: Engine) -> None:
    _stages(db)
    add_many(db, "opportunity", [
        _deal("t1", "u1", _at(2025, 1, 2), "Negotiation", 9, 50, date(2025, 9, 1), False, False),
        _deal("t2", "u1", _at(2025, 1, 2), "Negotiation", 9, 50, date(2025, 9, 1), False, False)])
    add_many(db, "opportunity_stage", [
        # t1: two rows changed at the same instant in January: the higher id (h2) is the state; h1 is not
        _history("t1", 1, _at(2025, 1, 3), "Prospecting", 100, 10, date(2025, 9, 1)),
        _history("t1", 2, _at(2025, 1, 3), "Prospecting", 200, 10, date(2025, 9, 1)),
        # ...then in February a deleted row (never a state) and a row without a time (before no cutoff)
        {**_history("t1", 3, _at(2025, 2, 3), "Prospecting", 4000, 10, date(2025, 9, 1)),
         "deleted_at": _at(2025, 2, 4)},
        {**_history("t1", 4, _at(2025, 2, 5), "Prospecting", 50000, 10, date(2025, 9, 1)), "changed_at": None},
        # t2: its only row is deleted: no history, its own row (9) at every period
        {**_history("t2", 1, _at(2025, 1, 3), "Prospecting", 600000, 10, date(2025, 9, 1)),
         "deleted_at": _at(2025, 1, 4)}])
    assert values(run(db, "OPEN_PIPELINE_AS_OF", "month", start=START, end=date(2025, 3, 1))) == {
        (JAN,): 209, (FEB,): 209}


# --- differential: the same rules in Python on a random store ---

def _random_store(engine: Engine, seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rnd = random.Random(seed)
    deals: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    names = [*STAGES, "Unlisted"]
    for i in range(60):
        created = _at(2025, 1, 1) + timedelta(hours=rnd.randrange(24 * 150))
        stage = rnd.choice(names)
        closed, won = STAGES.get(stage, (rnd.random() < 0.5, False))
        close = (created + timedelta(days=rnd.randrange(-10, 120))).date()
        deals.append(_deal(f"r{i}", rnd.choice(["u1", "u2"]), created, stage, round(rnd.uniform(1, 900), 2),
                           rnd.choice([10.0, 50.0, 90.0]), close, closed, won))
        at = created
        for n in range(rnd.randrange(4)):
            at += timedelta(hours=rnd.randrange(1, 24 * 50))
            history.append(_history(f"r{i}", n, at, rnd.choice(names), round(rnd.uniform(1, 900), 2),
                                    rnd.choice([10.0, 50.0, 90.0]), (at + timedelta(days=30)).date()))
    add_many(engine, "opportunity", deals)
    if history:
        add_many(engine, "opportunity_stage", history)
    return deals, history


def _reference(deals: list[dict[str, Any]], history: list[dict[str, Any]], months: list[date]
               ) -> dict[tuple[str, ...], float]:
    out: dict[tuple[str, ...], float] = {}
    for first in months:
        after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        cut = datetime.combine(after, datetime.min.time(), UTC)
        for d in deals:
            if d["created_at"] >= cut:
                continue
            past = [h for h in history if h["opportunity_id"] == d["id"] and h["changed_at"] < cut]
            state = max(past, key=lambda h: (h["changed_at"], h["id"])) if past else d
            if state["stage"] in STAGES:
                closed = STAGES[state["stage"]][0]
            else:
                closed = bool(d["is_closed"]) and d["close_date"] is not None and d["close_date"] < after
            if not closed:
                key = (d["owner_id"], first.isoformat())
                out[key] = round(out.get(key, 0.0) + state["amount"], 6)
    return out


def test_differential_against_a_python_reference(db: Engine) -> None:
    _stages(db)
    deals, history = _random_store(db, 18)
    months = [date(2025, m, 1) for m in range(1, 8)]
    got = values(run(db, "OPEN_PIPELINE_AS_OF", "rep,month", start=months[0], end=date(2025, 8, 1)))
    assert {k: v for k, v in got.items() if v} == _reference(deals, history, months)


# --- property: as of a moment after every change, the as-of figures are the current rows' ---

_deals = st.lists(st.tuples(st.sampled_from([*STAGES, "Unlisted"]), st.floats(1, 1000).map(lambda x: round(x, 2)),
                            st.booleans(), st.integers(0, 200), st.integers(0, 3)), min_size=1, max_size=12)


@pytest.fixture(scope="module")
def property_store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    for engine in fresh_engine("sqlite", tmp_path_factory.mktemp("as_of_property")):
        _stages(engine)
        yield engine


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_deals)
def test_as_of_after_every_change_equals_the_current_state(property_store: Engine,
                                                           drawn: list[tuple[str, float, bool, int, int]]) -> None:
    with property_store.begin() as conn:
        conn.execute(delete(opportunity_stage))
        conn.execute(delete(opportunity))
    deals, history = [], []
    for i, (stage, amount, lost, day, changes) in enumerate(drawn):
        created = _at(2025, 1, 1) + timedelta(days=day)
        closed, won = STAGES.get(stage, (lost, False))
        close = (created + timedelta(days=30)).date()
        deals.append(_deal(f"p{i}", "u1", created, stage, amount, 50, close, closed, won))
        # the history ends in the deal's current values, as a CRM's history does
        for n in range(changes):
            last = n == changes - 1
            history.append(_history(f"p{i}", n, created + timedelta(days=n), stage if last else "Prospecting",
                                    amount if last else amount / 2, 50 if last else 10,
                                    close if last else close + timedelta(days=9)))
    add_many(property_store, "opportunity", deals)
    if history:
        add_many(property_store, "opportunity_stage", history)
    current = sum(d["amount"] for d in deals if not d["is_closed"])
    found = values(run(property_store, "OPEN_PIPELINE_AS_OF", start=date(2025, 1, 1), end=date(2030, 1, 1)))
    assert found == {(): round(current, 6)}
