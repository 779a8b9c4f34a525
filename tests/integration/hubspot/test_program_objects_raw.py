"""The portal's partner-portal and sales-content custom objects, which hold registry models no canonical entity
holds: synced by the real connector into typed raw tables that fill their models, with their associations (the
partner, the product) as columns, and a delete reaching the table incrementally."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select

import store
from config import CrmhubConfig, parse_config
from mapping.objectmodels import shipped_registry
from mapping.objectmodels.sources import Filler, fillers
from quality.checker import QualityChecker
from sync.runner import plan_sync, run_plan, validate_mappings
from sync.stream import RunSummary
from tests.support.sandboxes.hubspot import TOKEN, HubSpotSandbox, running_sandbox

ACTIVITY, CONTENT = "p_partner_portal_activity", "p_sales_content"


@pytest.fixture(scope="module")
def hs() -> Iterator[HubSpotSandbox]:
    with running_sandbox(scale=400, profile="unlimited", options={"search_lag_ms": "0"}) as sandbox:
        yield sandbox


def _config(hs: HubSpotSandbox) -> CrmhubConfig:
    return parse_config(
        f"version: 1\nconnections:\n  hs_programs:\n    kind: hubspot\n    base_url: {hs.info.https_url}\n"
        f"    ca_bundle: {hs.info.ca_path}\n    auth: {{flow: private_app, token: {TOKEN}}}\n"
        "    settle_lag_seconds: 1\n    objects:\n"
        f"      {ACTIVITY}: {{model: PARTNER_PORTAL, types: {{logins: integer, active_users: integer}}}}\n"
        f"      {CONTENT}: {{model: SALES_CONTENT}}\n")


def _sync(cfg: CrmhubConfig, engine: Engine, checker: QualityChecker) -> list[RunSummary]:
    plan = plan_sync(cfg)
    try:
        validate_mappings(plan)
        return run_plan(plan, engine=engine, checker=checker)
    finally:
        plan.close()


def _live(hs: HubSpotSandbox, obj: str) -> set[str]:
    return {str(i) for i in hs.admin.get(f"/_admin/truth/{obj}", ids="true")["ids"]}


def test_synced_into_typed_raw_tables_they_fill_their_models(
    hs: HubSpotSandbox, sqlite_db: Engine, checker: QualityChecker
) -> None:
    cfg = _config(hs)
    filled = fillers(cfg, shipped_registry())
    assert filled["PARTNER_PORTAL"] == [Filler("hs_programs", "hubspot", ACTIVITY, "tag", None)]
    assert [f.object for f in filled["SALES_CONTENT"]] == [CONTENT]

    summaries = _sync(cfg, sqlite_db, checker)
    assert [s.status for s in summaries] == ["succeeded", "succeeded"], [s.as_dict() for s in summaries]
    partners = _live(hs, "p_channel_partner")
    with sqlite_db.connect() as conn:
        table = store.entity_table(conn, store.raw_table_name("hs_programs", ACTIVITY))
        rows = conn.execute(select(table).where(table.c.deleted_at.is_(None))).mappings().all()
    assert {r["source_id"] for r in rows} == _live(hs, ACTIVITY)
    assert all(isinstance(r["logins"], int) and r["logins"] >= r["active_users"] for r in rows)  # typed by config
    assert {r["associations_p_channel_partner"] for r in rows} <= partners  # every activity names its partner
    with sqlite_db.connect() as conn:
        content = store.entity_table(conn, store.raw_table_name("hs_programs", CONTENT))
        products = [r["associations_products"] for r in conn.execute(select(content)).mappings()]
    assert any(products) and set(filter(None, products)) <= _live(hs, "products")

    victim = sorted(_live(hs, CONTENT))[0]
    assert hs.api.delete(f"/crm/v3/objects/{CONTENT}/{victim}").status_code == 204
    time.sleep(2.5)  # past the settle lag: the delete is in the next read's window
    summaries = _sync(cfg, sqlite_db, checker)
    assert sum(s.counts.deleted for s in summaries) == 1, [s.as_dict() for s in summaries]
    with sqlite_db.connect() as conn:
        gone = conn.execute(select(content).where(content.c.source_id == victim)).mappings().one()
    assert gone["deleted_at"] is not None and gone["title"] is None  # a tombstone keeps ids and times only
