"""Deal warnings on the hand-made pipeline, and their table: each run's set replaces the last."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine

from analytics.pipeline import deal_warnings
from analytics.pipeline.history import DealHistory
from analytics.pipeline.load import load_history
from analytics.pipeline.rules import WarningRules
from tests.support.pipeline_rows import AS_OF, golden, land

RULES = WarningRules(min_norm=1)  # the hand-made pipeline has one won deal


def test_warnings_by_hand(golden_history: DealHistory) -> None:
    """C: 57 days in D against won deals' D stays 2 and 4 (p80 3.6, x2 = 7.2); inbound every 5 days, silent
    since 15 Jan (45 days > 3 x 5 = 15); expected 15 Feb (14 days ago); pushed 1 -> 10 -> 15 Feb (2 times).
    E: in Q with one contact, an analyst. F: two contacts, one a VP. Nobody else is open."""
    found = deal_warnings.compute(golden_history, RULES)
    got = {(r.opportunity_id, r.kind): (round(r.value, 6), round(r.threshold, 6))
           for r in found.itertuples(index=False)}
    assert got == {("C", "stalled"): (57.0, 7.2), ("C", "ghosted"): (45.0, 15.0), ("C", "overdue"): (14.0, 0.0),
                   ("C", "pushed"): (2.0, 2.0), ("E", "few_contacts"): (1.0, 2.0),
                   ("E", "no_senior_contact"): (0.0, 1.0)}
    reasons = dict(zip(found["kind"], found["reason"], strict=True))
    assert reasons["stalled"] == ("57 days in D; won SMB deals leave it within 4 days (p80 of 2), warning beyond 7")
    assert reasons["pushed"] == "close date pushed 2 times, from 2026-02-01 to 2026-02-15"


def test_a_norm_needs_enough_won_deals(golden_history: DealHistory) -> None:
    kinds = set(deal_warnings.compute(golden_history, WarningRules())["kind"])
    assert "stalled" not in kinds  # two won stays in D are fewer than min_norm (5)


def test_warnings_are_relative_to_the_norm(golden_history: DealHistory) -> None:
    """The same deal against a looser norm: x 20 puts the limit at 72 days, beyond C's 57."""
    kinds = set(deal_warnings.compute(golden_history, WarningRules(min_norm=1, norm_factor=20.0))["kind"])
    assert "stalled" not in kinds and "ghosted" in kinds


def test_each_run_replaces_the_stored_set(any_store: Engine) -> None:
    land(any_store, golden())
    history = load_history(any_store, AS_OF)
    first = deal_warnings.compute(history, RULES)
    assert deal_warnings.save(any_store, history, first, AS_OF) == 6
    stored = deal_warnings.stored(any_store)
    assert [(r["opportunity_id"], r["kind"]) for r in stored] == sorted(zip(first["opportunity_id"], first["kind"],
                                                                            strict=True))
    c = next(r for r in stored if r["kind"] == "stalled")
    assert (c["source_connection"], c["source_object"], c["source_id"]) == ("test", "opportunity", "C")
    assert c["computed_at"] == AS_OF
    later = AS_OF + timedelta(days=1)
    assert deal_warnings.save(any_store, history, first[first["kind"] == "overdue"], later) == 1
    [only] = deal_warnings.stored(any_store)
    assert (only["opportunity_id"], only["kind"], only["computed_at"]) == ("C", "overdue", later)
    assert only["value"] == pytest.approx(14.0)
