"""The demo's KPI act on a small synced store: the four sandboxes synced as the demo configures them (value maps and
``kpi.rates`` included), then kpi_value refreshed, the registry loaded, the census and the headline KPIs printed.

What it proves: the census the store holds is the registry's; headline KPIs have values for reps of every CRM with
deals, read from kpi_value where they are additive; the orgs' value maps make key accounts of their tiers, so the
key-account KPIs count something; the demo's rates leave no deal out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from analytics.kpi.loader import shipped_kpi_registry
from analytics.kpi.views import census_document
from hub.context import App
from hub.demos.kpis import kpi_block
from hub.output import Output
from store.tables import account, crm_user
from tests.support.demo_store import PEOPLE_DEALS_AND_QUOTAS, synced_demo

SCALE = 150
WITH_DEALS = {"salesforce_demo", "hubspot_demo", "dynamics_demo"}


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[App, dict[str, Any]]]:
    with synced_demo(tmp_path_factory.mktemp("demo_kpis"), scale=SCALE, objects=PEOPLE_DEALS_AND_QUOTAS) as (
            app, _, summaries):
        failed = [(s.connection, s.object, s.status) for s in summaries if s.status != "succeeded"]
        assert not failed, failed
        yield app, kpi_block(app)  # app.out is --json: nothing printed


def test_the_store_s_census_is_the_registry_s(reported: tuple[App, dict[str, Any]]) -> None:
    _, doc = reported
    files = census_document(shipped_kpi_registry())
    census = doc["census"]
    strip = {"with_data"}
    assert [{k: v for k, v in m.items() if k not in strip} for m in census["modules"]] == sorted(
        files["modules"], key=lambda m: m["code"])
    assert {k: v for k, v in census["distinct"].items() if k not in strip} == files["distinct"]
    assert census["memberships"]["total"] == 664 and census["distinct"]["total"] == 466
    # Most computed KPIs find something to count in the sandboxes' data, never more than are computed.
    assert census["distinct"]["computed"] >= census["distinct"]["with_data"] > census["distinct"]["computed"] // 3


def test_headlines_per_rep_and_team_have_values(reported: tuple[App, dict[str, Any]]) -> None:
    app, doc = reported
    assert doc["ok"] and doc["refresh"]["status"] == "refreshed" and not doc["refresh"]["report"]["failed"]
    reps = doc["headlines"]["rep"]
    with app.engine.connect() as conn:
        connection_of = dict(conn.execute(select(crm_user.c.id, crm_user.c.source_connection)).tuples().all())
    won = {r["member"]: r["values"]["WON_REVENUE"] for r in reps["rows"] if r["values"]["WON_REVENUE"]}
    assert {connection_of[m] for m in won} == WITH_DEALS  # reps of every CRM with deals won revenue
    rates = [r["values"]["WIN_RATE_CLOSED"] for r in reps["rows"] if r["values"]["WIN_RATE_CLOSED"] is not None]
    assert rates and all(0 <= v <= 100 for v in rates)
    sources = {k["code"]: k["source"] for k in reps["kpis"]}
    assert sources["WON_REVENUE"] == sources["WIN_RATE_CLOSED"] == "kpi_value"  # additive: rolled up from months
    assert sources["OPEN_PIPELINE_VALUE"] == "compiled"  # as of a day: recomputed from the stage history
    teams = doc["headlines"]["team"]["rows"]
    assert sum(r["values"]["WON_REVENUE"] or 0 for r in teams) == pytest.approx(sum(won.values()))


def test_the_orgs_value_maps_make_key_accounts(reported: tuple[App, dict[str, Any]]) -> None:
    app, doc = reported
    with app.engine.connect() as conn:
        tiers = set(conn.execute(select(account.c.source_connection, account.c.tier).distinct()).tuples().all())
    assert ("salesforce_demo", "strategic") in tiers and ("salesforce_demo", "Enterprise") not in tiers
    assert ("hubspot_demo", "key") in tiers and ("hubspot_demo", "tier_1") not in tiers
    assert ("dynamics_demo", "key") in tiers and ("dynamics_demo", "Preferred Customer") not in tiers
    assert ("salesforce_demo", "SMB") in tiers  # a tier nothing names a key account stays as sent
    warned = [k for k in doc["headlines"]["rep"]["kpis"] if k["warnings"]]
    assert not warned, warned  # the demo's kpi.rates convert every HubSpot currency


def test_printed_again_nothing_is_recomputed(reported: tuple[App, dict[str, Any]],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Run again with no sync between: the refresh is incremental, the figures are the same, and it prints."""
    app, doc = reported
    again = kpi_block(App(app.cfg, app.engine, Output(as_json=False), app.config_path))
    first, second = doc["refresh"]["report"], again["refresh"]["report"]
    assert second["computed"] == [] and second["unchanged"] == first["unchanged"] + len(first["computed"])
    assert again["headlines"] == doc["headlines"] and again["census"] == doc["census"]
    printed = capsys.readouterr().out
    for heading in ("KPI census", "distinct KPIs", "all memberships", "headline KPIs per team",
                    "headline KPIs per rep", "read from: WON_REVENUE kpi_value"):
        assert heading in printed
