"""The Dynamics sandbox's sales and service tables: cases, competitors and the opportunity-competitor N:N, quotes,
goals, territories, contracts and the sales process stages — seeded in sensible proportions, served with the Web
API's shapes, tracked or not as the platform allows, and deleted as the platform deletes them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from sandbox.dynamics.generator import Generator
from sandbox.dynamics.store import Store
from sandbox.dynamics.tables import TABLES
from tests.support.sandboxes.dynamics import FORMATTED, DynamicsApi, error_code, running

END = datetime(2025, 10, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def seeded() -> Store:
    store = Store(seed=5)
    Generator(seed=5, scale=6000, store=store, client_id="client", end=END).run()
    return store


@pytest.fixture(scope="module")
def api() -> Iterator[DynamicsApi]:
    with running(scale=300) as (_, client):
        yield client


def rows(store: Store, logical: str) -> list[list[Any]]:
    return list(store.state(logical).rows.values())


def test_cases_sit_on_about_a_third_of_the_accounts(seeded: Store) -> None:
    cases, accounts = TABLES["incident"], rows(seeded, "account")
    with_cases = {r[cases.col["customerid"]] for r in rows(seeded, "incident")}
    assert 0.22 * len(accounts) < len(with_cases) < 0.38 * len(accounts)
    states = Counter(r[cases.col["statecode"]] for r in rows(seeded, "incident"))
    assert states[1] > states[0] > 0 and states[2] > 0  # mostly resolved, some open, a few canceled
    assert all(str(r[cases.col["ticketnumber"]]).startswith("CAS-") for r in rows(seeded, "incident"))


def test_competitors_on_about_forty_percent_of_opportunities_and_every_out_sold_one(seeded: Store) -> None:
    links, opps = TABLES["opportunitycompetitors"], TABLES["opportunity"]
    named = {r[links.col["opportunityid"]] for r in rows(seeded, "opportunitycompetitors")}
    all_opps = rows(seeded, "opportunity")
    assert 0.3 * len(all_opps) < len(named) < 0.5 * len(all_opps)
    out_sold = {r[0] for r in all_opps if r[opps.col["statecode"]] == 2 and r[opps.col["statuscode"]] == 5}
    assert out_sold and out_sold <= named


def test_forecast_categories_follow_state_and_stage(seeded: Store) -> None:
    opps = TABLES["opportunity"]
    for r in rows(seeded, "opportunity"):
        category = r[opps.col["msdyn_forecastcategory"]]
        if r[opps.col["statecode"]] == 1:
            assert category == 100000005
        elif r[opps.col["statecode"]] == 2:
            assert category == 100000006
        else:
            assert category in (100000001, 100000002, 100000003, 100000004)


def test_quotes_contracts_and_goals_are_where_a_sales_org_keeps_them(seeded: Store) -> None:
    quotes, opps, contracts = TABLES["quote"], TABLES["opportunity"], TABLES["contract"]
    won = {r[0] for r in rows(seeded, "opportunity") if r[opps.col["statecode"]] == 1
           and (r[opps.col["estimatedvalue"]] or 0) > 0}
    won_quotes = {r[quotes.col["opportunityid"]] for r in rows(seeded, "quote") if r[quotes.col["statecode"]] == 2}
    assert won_quotes == won
    chain = [r for r in rows(seeded, "contract") if r[contracts.col["originatingcontract"]] is not None]
    assert chain, "some contracts were renewed"
    assert all(r[contracts.col["duration"]] == r[contracts.col["expireson"]] - r[contracts.col["activeon"]]
               for r in rows(seeded, "contract"))
    goals, users = TABLES["goal"], [u for u in rows(seeded, "systemuser") if u[TABLES["systemuser"].col["title"]]
                                    == "Account Executive"]
    per_rep = Counter(r[goals.col["goalownerid"]] for r in rows(seeded, "goal")
                      if r[goals.col["~goalownerid_type"]] == "systemuser")
    assert set(per_rep) == {u[0] for u in users} and set(per_rep.values()) == {5}  # one per quarter, 5 quarters
    assert any(r[goals.col["~goalownerid_type"]] == "team" for r in rows(seeded, "goal"))


def test_territories_form_a_tree_and_cover_accounts_and_reps(seeded: Store) -> None:
    territories = TABLES["territory"]
    by_id = {r[0]: r for r in rows(seeded, "territory")}
    roots = [r for r in by_id.values() if r[territories.col["parentterritoryid"]] is None]
    assert len(roots) == 1
    accounts = TABLES["account"]
    placed = [r for r in rows(seeded, "account") if r[accounts.col["territoryid"]] in by_id]
    assert len(placed) > 0.9 * len(rows(seeded, "account"))


def test_intersect_rows_are_listed_with_plain_ids_and_no_stamps(api: DynamicsApi) -> None:
    body = api.get("opportunitycompetitorscollection?$top=2").json()
    row = body["value"][0]
    assert set(row) >= {"opportunitycompetitorid", "opportunityid", "competitorid", "versionnumber"}
    assert "modifiedon" not in row and "_opportunityid_value" not in row
    refused = api.get("opportunitycompetitorscollection", prefer="odata.track-changes")
    assert refused.status_code == 400 and error_code(refused) == "0x80072491"
    defs = api.get("EntityDefinitions(LogicalName='opportunitycompetitors')?$select=IsIntersect,"
                   "ChangeTrackingEnabled,EntitySetName").json()
    assert defs["IsIntersect"] is True and defs["ChangeTrackingEnabled"] is False


def test_deleting_an_opportunity_disassociates_its_competitors(api: DynamicsApi) -> None:
    link = api.get("opportunitycompetitorscollection?$top=1").json()["value"][0]
    opp = link["opportunityid"]
    assert api.delete(f"opportunities({opp})").status_code == 204
    left = api.get(f"opportunitycompetitorscollection?$filter=opportunityid eq {opp}").json()["value"]
    assert left == []
    truth = api.admin.get("/_admin/truth/opportunitycompetitorscollection", ids="true")
    assert link["opportunitycompetitorid"] in truth["deleted_ids"]


def test_cases_goals_and_stages_render_with_their_labels(api: DynamicsApi) -> None:
    prefer = f'odata.include-annotations="{FORMATTED}"'
    case = api.get("incidents?$select=title,statuscode,_customerid_value&$top=1", prefer).json()["value"][0]
    assert case[f"statuscode@{FORMATTED}"] and case[f"_customerid_value@{FORMATTED}"] is not None
    goal = api.get("goals?$select=title,_metricid_value,targetmoney,goalstartdate&$top=1", prefer).json()["value"][0]
    assert goal[f"_metricid_value@{FORMATTED}"] == "Revenue" and len(goal["goalstartdate"]) == 10
    stages = api.get("processstages?$select=stagename,stagecategory,_processid_value", prefer).json()["value"]
    assert {s[f"_processid_value@{FORMATTED}"] for s in stages} == {"Opportunity Sales Process",
                                                                     "Lead to Opportunity Sales Process"}
    refused = api.post("processstages", {"stagename": "Mine"})
    assert refused.status_code == 400


def test_new_tables_are_tracked_and_report_deletes(api: DynamicsApi) -> None:
    first = api.get("contracts?$select=title", prefer="odata.track-changes,odata.maxpagesize=5000").json()
    delta, victim = first["@odata.deltaLink"], first["value"][0]["contractid"]
    api.admin.delete(f"/_admin/records/contracts/{victim}")
    changes = api.get(delta).json()["value"]
    assert {"id": victim, "reason": "deleted"}.items() <= next(c for c in changes if c.get("id") == victim).items()


def test_associate_and_disassociate_through_the_n_to_n_navigation_property(api: DynamicsApi) -> None:
    opp = api.get("opportunities?$select=opportunityid&$top=1").json()["value"][0]["opportunityid"]
    competitors = [c["competitorid"] for c in api.get("competitors?$select=competitorid").json()["value"]]
    linked = {r["competitorid"] for r in api.get(
        f"opportunitycompetitorscollection?$filter=opportunityid eq {opp}").json()["value"]}
    free = next(c for c in competitors if c not in linked)
    ref = {"@odata.id": f"{api.url}/api/data/v9.2/competitors({free})"}
    nav = f"opportunities({opp})/opportunitycompetitors_association/$ref"
    assert api.post(nav, ref).status_code == 204
    again = api.post(nav, ref)
    assert again.status_code == 412 and error_code(again) == "0x80040237"
    rows = api.get(f"opportunitycompetitorscollection?$filter=opportunityid eq {opp} and competitorid eq {free}")
    (row,) = rows.json()["value"]
    gone = api.delete(f"opportunities({opp})/opportunitycompetitors_association({free})/$ref")
    assert gone.status_code == 204
    truth = api.admin.get("/_admin/truth/opportunitycompetitorscollection", ids="true")
    assert row["opportunitycompetitorid"] in truth["deleted_ids"]
