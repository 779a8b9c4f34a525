"""The pipeline-change waterfall reconciles exactly over random edit streams (hypothesis), and its start and end
equal the period's pipeline computed independently from point-in-time snapshots."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete

import store
from analytics.pipeline.history import OPEN, DealHistory
from analytics.pipeline.load import load_history
from analytics.pipeline.waterfall import STEPS, waterfall
from tests.support.pipeline_rows import land
from tests.support.stores import fresh_engine

BASE = datetime(2026, 1, 1, tzinfo=UTC)
LO, PERIOD_END = BASE + timedelta(days=30), BASE + timedelta(days=90)
STAGE_ROWS = [{"id": f"s{i}", "pipeline": "p", "stage": s, "display_order": i, "is_closed": s in ("Won", "Lost"),
               "is_won": s == "Won"} for i, s in enumerate(("D", "Q", "Won", "Lost"), start=1)]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    yield from fresh_engine("sqlite", Path(tmp_path_factory.mktemp("waterfall")))


edit = st.tuples(st.integers(1, 40),  # days after the previous edit
                 st.sampled_from(["D", "Q"]),
                 st.one_of(st.none(), st.integers(0, 50).map(lambda n: n * 100)),  # amount, sometimes not recorded
                 st.one_of(st.none(), st.integers(0, 150)))  # close date (day), sometimes not recorded
deal = st.tuples(st.integers(0, 100), st.integers(0, 50).map(lambda n: n * 100), st.integers(0, 150),
                 st.lists(edit, max_size=5), st.sampled_from([None, "Won", "Lost"]), st.integers(1, 40))


def _rows(deals: list[tuple[Any, ...]]) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {"pipeline_stage": STAGE_ROWS, "opportunity": [],
                                             "opportunity_stage": []}
    for i, (created, amount, close, edits, end, end_after) in enumerate(deals):
        at, stage = BASE + timedelta(days=created), "D"
        history = [(at, stage, amount, close)]
        for gap, stage, new_amount, new_close in edits:
            at += timedelta(days=gap)
            history.append((at, stage, new_amount, new_close))
            amount = new_amount if new_amount is not None else amount
            close = new_close if new_close is not None else close
        if end:
            history.append((at + timedelta(days=end_after), end, None, None))
        for k, (when, name, value, day) in enumerate(history):
            rows["opportunity_stage"].append({"id": f"d{i}-{k}", "opportunity_id": f"d{i}", "stage": name,
                                              "changed_at": when, "amount": value,
                                              "close_date": None if day is None else (BASE + timedelta(days=day))
                                              .date()})
        rows["opportunity"].append({"id": f"d{i}", "owner_id": f"rep-{i % 2}", "pipeline": "p", "amount": amount,
                                    "stage": history[-1][1], "close_date": (BASE + timedelta(days=close)).date(),
                                    "created_at": BASE + timedelta(days=created), "is_closed": end is not None,
                                    "is_won": end == "Won"})
    return rows


def _pipeline_at(history: DealHistory, when: datetime) -> float:
    """The period's pipeline from a snapshot: open deals then, expected to close in [LO, PERIOD_END)."""
    then = history.at(when).deals
    inside = (then["outcome"] == OPEN) & (then["close_date"] >= LO) & (then["close_date"] < PERIOD_END)
    return float(then.loc[inside, "amount"].sum())


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(deal, min_size=1, max_size=6))
def test_waterfall_reconciles_over_random_edit_streams(engine: Engine, deals: list[tuple[Any, ...]]) -> None:
    with engine.begin() as conn:
        for table in ("opportunity", "opportunity_stage", "pipeline_stage"):
            conn.execute(delete(store.canonical_tables[table]))
    land(engine, _rows(deals), synced_at=BASE)
    history = load_history(engine, PERIOD_END + timedelta(days=400))
    rows = waterfall(history, LO, PERIOD_END)
    for row in rows:
        assert row["check"] == 0.0  # integers in floats: exact
        assert all(row[step] >= 0 for step in STEPS)
    every = rows[-1]
    assert every["start"] == _pipeline_at(history, LO)
    assert every["end"] == _pipeline_at(history, PERIOD_END)
    assert every["start"] == sum(r["start"] for r in rows[:-1])


def test_waterfall_by_hand(engine: Engine) -> None:
    """d0: 1,000 expected day 60, raised to 1,500 on day 40, won day 50. d1: created day 35 at 700 for day 80, its
    date moved to day 120 on day 45 (slipped out). d2: 400 expected day 100 (outside), moved to day 70 on day 60
    (slipped in), lowered to 300 on day 65, lost on day 70. d3: 200 for day 85, still open. Start 1,200 (d0, d3)."""
    deals = [(0, 1000, 60, [(40, "Q", 1500, None)], "Won", 10),
             (35, 700, 80, [(10, "D", None, 120)], None, 1),
             (0, 400, 100, [(60, "D", None, 70), (5, "Q", 300, None)], "Lost", 5),
             (10, 200, 85, [], None, 1)]
    with engine.begin() as conn:
        for table in ("opportunity", "opportunity_stage", "pipeline_stage"):
            conn.execute(delete(store.canonical_tables[table]))
    land(engine, _rows(deals), synced_at=BASE)
    history = load_history(engine, PERIOD_END + timedelta(days=400))
    every = waterfall(history, LO, PERIOD_END)[-1]
    assert {step: every[step] for step in STEPS} == {
        "start": 1200.0, "created": 700.0, "increased": 500.0, "decreased": 100.0, "slipped_in": 400.0,
        "slipped_out": 700.0, "won": 1500.0, "lost": 300.0, "end": 200.0}
    assert date(2026, 1, 1) == BASE.date()
