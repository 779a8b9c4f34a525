"""The store against a CRM's truth: every record the CRM holds landed or is quarantined, none it deleted is live."""

from __future__ import annotations

from sqlalchemy import Engine

from tests.contract.harness import Harness


def assert_matches_truth(crm: Harness, engine: Engine, obj: str) -> None:
    truth = crm.truth_ids(obj)
    live, held = crm.accounted_ids(engine, obj)
    assert not truth - (live | held), f"{obj}: records in the CRM never landed nor quarantined"
    assert not live - truth, f"{obj}: records deleted in the CRM still live in the store"
