"""Marketo objects synced into one store, and the store checked against the sandbox's truth (the Marketo contract
tests share these)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from connectors.base import Connector
from quality.checker import QualityChecker
from tests.contract.crms import marketo
from tests.contract.harness import Harness

OBJECTS = marketo.OBJECTS


def sync_all(crm: Harness, engine: Engine, connector: Connector, checker: QualityChecker,
             objects: tuple[str, ...] = OBJECTS) -> dict[str, Any]:
    out = {}
    for obj in objects:
        summary = crm.sync(engine, connector, obj, checker)
        assert summary.status == "succeeded", (obj, summary.error)
        assert summary.counts.reconciles(), (obj, summary.counts)
        out[obj] = summary
    return out


def assert_truth(crm: Harness, engine: Engine, objects: tuple[str, ...] = OBJECTS) -> None:
    for obj in objects:
        live, held = crm.accounted_ids(engine, obj)
        truth = crm.truth_ids(obj)
        assert truth - live - held == set(), (obj, "missing", sorted(truth - live - held)[:5])
        assert live - truth == set(), (obj, "extra", sorted(live - truth)[:5])
