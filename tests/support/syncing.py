"""A real sync plan (plan_sync -> run_plan) against a sandbox, with a config written per test (the drift tests)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from config import parse_config
from quality.checker import QualityChecker
from store.tables import quarantine
from sync.runner import plan_sync, run_plan, validate_mappings
from sync.stream import RunSummary


def sync(yaml_text: str, engine: Engine, checker: QualityChecker, **plan: Any) -> list[RunSummary]:
    cfg = parse_config(yaml_text)
    sync_plan = plan_sync(cfg, **plan)
    try:
        validate_mappings(sync_plan)
        return run_plan(sync_plan, engine=engine, checker=checker)
    finally:
        sync_plan.close()


def open_quarantine(engine: Engine, source_id: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(quarantine).where(
            quarantine.c.source_id == source_id, quarantine.c.status == "open")).mappings()]
