"""Dataverse tables that hold registry models no canonical entity holds (knowledge articles, the customer-goal
custom table): synced by the real connector into typed raw tables that fill their models, a goal's account lookup a
column, and a delete reaching the table through the delta link."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from sqlalchemy import Engine, inspect, select

import store
from config import CrmhubConfig, parse_config
from mapping.objectmodels import shipped_registry
from mapping.objectmodels.sources import Filler, fillers
from quality.checker import QualityChecker
from sandbox.common.launcher import SandboxProcess
from tests.contract.crms.dynamics import CLIENT_ID, SECRET, TENANT
from tests.support.syncing import sync

ARTICLES, GOALS = "knowledgearticles", "new_customergoal"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    sb = SandboxProcess("dynamics", scale=300, state_dir=tmp_path_factory.mktemp("dynamics-models"))
    sb.start()
    try:
        yield sb
    finally:
        sb.stop()


def _config(sandbox: SandboxProcess) -> str:
    info = sandbox.info
    return (f"version: 1\nconnections:\n  dyn_models:\n    kind: dynamics\n    base_url: {info.https_url}\n"
            f"    authority_url: {info.https_url}\n    ca_bundle: {info.ca_path}\n"
            f"    auth: {{flow: client_credentials, tenant_id: {TENANT}, client_id: {CLIENT_ID}, "
            f"client_secret: {SECRET}}}\n    settle_lag_seconds: 1\n    objects:\n"
            f"      {ARTICLES}: {{model: KNOWLEDGE_BASE}}\n      {GOALS}: {{model: CUSTOMER_GOAL}}\n")


def _live(sandbox: SandboxProcess, obj: str) -> set[str]:
    return set(sandbox.admin().get(f"/_admin/truth/{obj}", ids="true")["ids"])


def test_synced_into_typed_raw_tables_they_fill_their_models(
    sandbox: SandboxProcess, sqlite_db: Engine, checker: QualityChecker
) -> None:
    text = _config(sandbox)
    cfg: CrmhubConfig = parse_config(text)
    filled = fillers(cfg, shipped_registry())
    assert filled["KNOWLEDGE_BASE"] == [Filler("dyn_models", "dynamics", ARTICLES, "tag", None)]
    assert [f.object for f in filled["CUSTOMER_GOAL"]] == [GOALS]

    summaries = {s.object: s for s in sync(text, sqlite_db, checker)}
    assert all(s.ok for s in summaries.values()), [s.as_dict() for s in summaries.values()]
    articles_table, goals_table = (store.raw_table_name("dyn_models", o) for o in (ARTICLES, GOALS))
    with sqlite_db.connect() as conn:
        articles = store.entity_table(conn, articles_table)
        rows = conn.execute(select(articles)).mappings().all()
        goals = store.entity_table(conn, goals_table)
        goal_rows = conn.execute(select(goals)).mappings().all()
    assert {r["source_id"] for r in rows} == _live(sandbox, ARTICLES)
    assert all(isinstance(r["knowledgearticleviews"], int) for r in rows)
    assert {r["source_id"] for r in goal_rows} == _live(sandbox, GOALS)
    assert {r["_new_accountid_value"] for r in goal_rows} <= _live(sandbox, "accounts")
    columns = {c["name"]: c["type"].python_type for c in inspect(sqlite_db).get_columns(goals_table)}
    assert columns["new_dueon"] in (date, datetime) and columns["modifiedon"] is datetime

    victim = sorted(_live(sandbox, GOALS))[0]
    sandbox.admin().delete(f"/_admin/records/{GOALS}/{victim}")
    time.sleep(1.5)  # past the settle lag
    again = {s.object: s for s in sync(text, sqlite_db, checker)}
    assert again[GOALS].ok and again[GOALS].counts.deleted == 1, again[GOALS].as_dict()
    with sqlite_db.connect() as conn:
        gone = conn.execute(select(goals).where(goals.c.source_id == victim)).mappings().one()
    assert gone["deleted_at"] is not None
