"""``route`` on a store (SQLite and PostgreSQL): decisions stored with their inputs and replayable, loads that count
pending assignments, queued leads coming back, dry runs storing nothing, batches re-solved equal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from analytics.routing import repo
from analytics.routing.decide import replay
from analytics.routing.rebatch import replay_batch
from analytics.routing.service import route
from analytics.routing.spec import Member, Pool, RoutingSpec, Rule
from store.tables import routing_decision
from tests.support.canonical_rows import add, add_many

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _spec(strategy: str = "value", cap: int = 3) -> RoutingSpec:
    members = (Member(rep="u1", cap=cap), Member(rep="u2", cap=cap), Member(rep="u3", cap=cap))
    return RoutingSpec(pools={"inbound": Pool(strategy=strategy, members=members),  # type: ignore[arg-type]
                              "vip": Pool(members=(Member(rep="u9"),))},
                       rules=(Rule(name="banks", when={"industry": ["Banking"]}, pool="vip"),))


def _history(engine: Engine) -> None:
    """u1 converts SaaS leads far better than u2 and u3 (60 % against 10 %)."""
    rows = []
    for rep, rate in (("u1", 6), ("u2", 1), ("u3", 1)):
        for i in range(40):
            rows.append({"id": f"h-{rep}-{i}", "owner_id": rep, "industry": "SaaS", "converted": i % 10 < rate,
                         "status": "Converted" if i % 10 < rate else "Unqualified",
                         "created_at": NOW - timedelta(days=300)})
    add_many(engine, "lead", rows)


def _new_leads(engine: Engine, n: int, industry: str = "SaaS") -> list[str]:
    return [add(engine, "lead", id=f"new-{industry}-{i}", industry=industry, status="Open",
                created_at=NOW - timedelta(minutes=n - i)) for i in range(n)]


def test_online_run_stores_replayable_decisions_and_respects_caps(any_store: Engine) -> None:
    _history(any_store)
    _new_leads(any_store, 8)
    add(any_store, "lead", id="bank-1", industry="Banking", status="Open", created_at=NOW)
    run = route(any_store, _spec(), now=NOW)
    summary = run.summary()
    assert summary["leads"] == 9 and summary["queued"] == 0
    assert summary["per_rep"] == {"u1": 3, "u2": 3, "u3": 2, "u9": 1}  # u1 fills first, capped at 3
    with any_store.connect() as conn:
        stored = repo.decisions(conn, run_id=run.run_id)
    assert len(stored) == 9
    for row in stored:
        assert replay(row["inputs"]) == row["rep_id"]
    first = stored[0]
    assert first["rep_id"] == "u1" and first["fired"].startswith("value: 1 of 3 eligible")
    assert first["inputs"]["probability_source"] == "pool default_probability (lead not scored)"
    assert next(r for r in stored if r["lead_id"] == "bank-1")["pool"] == "vip"


def test_pending_assignments_count_and_queued_leads_come_back(any_store: Engine) -> None:
    _new_leads(any_store, 4)
    first = route(any_store, _spec("round_robin", cap=1), now=NOW)
    assert first.summary()["assigned"] == 3 and first.summary()["queued"] == 1
    # Nothing is owned in the store yet (write-back pending): the loads still count the three.
    with any_store.connect() as conn:
        assert repo.open_loads(conn, ["u1", "u2", "u3"], closed_statuses=["Unqualified"]) == {"u1": 1, "u2": 1,
                                                                                             "u3": 1}
    again = route(any_store, _spec("round_robin", cap=2), now=NOW)
    assert [d["lead_id"] for d in again.decisions] == ["new-SaaS-3"]  # only the queued one comes back
    # The credits carried from the first run: u3 was owed a share of the first pick (all three eligible) and got
    # no more than its one lead, so it is furthest behind and takes the lead.
    assert again.decisions[0]["inputs"]["state_before"]["u3"] > again.decisions[0]["inputs"]["state_before"]["u1"]
    assert again.decisions[0]["rep_id"] == "u3"


def test_dry_run_stores_nothing(any_store: Engine) -> None:
    _new_leads(any_store, 2)
    run = route(any_store, _spec(), now=NOW, dry_run=True)
    assert run.summary()["assigned"] == 2
    with any_store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(routing_decision)).scalar() == 0


def test_batch_assigns_within_caps_and_replays(any_store: Engine) -> None:
    _history(any_store)
    _new_leads(any_store, 10)
    run = route(any_store, _spec(cap=3), now=NOW, batch=True, pool="inbound",
                probabilities={f"new-SaaS-{i}": 0.05 * (i + 1) for i in range(10)})
    assert run.batches["inbound"]["gap"] == 0.0
    summary = run.summary()
    assert summary["assigned"] == 9 and summary["queued"] == 1
    assert max(summary["per_rep"].values()) == 3
    with any_store.connect() as conn:
        stored = repo.decisions(conn, run_id=run.run_id)
    assert replay_batch([r["inputs"] for r in stored]) == [r["rep_id"] for r in stored]
    # u1, the best rep, gets the three most probable leads; the least probable lead waits.
    by_lead = {r["lead_id"]: r["rep_id"] for r in stored}
    assert {by_lead[f"new-SaaS-{i}"] for i in (7, 8, 9)} == {"u1"}
    assert by_lead["new-SaaS-0"] is None


def test_an_unknown_pool_is_named() -> None:
    with pytest.raises(KeyError, match="'nope' is not a pool"):
        route(None, _spec(), now=NOW, pool="nope")  # type: ignore[arg-type]
