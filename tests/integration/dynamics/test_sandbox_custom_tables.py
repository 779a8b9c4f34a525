"""Custom tables in the Dynamics sandbox: a maker creates a table, its columns and a lookup through the metadata API
(``POST EntityDefinitions``, ``.../Attributes``, ``RelationshipDefinitions``), and its rows are served like any
table's: created, queried, paged, change-tracked, deleted with the relationship's cascade. The seeded custom tables
(``new_customerhealth``, ``new_qbr``) are listed by ``IsCustomEntity``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sandbox.dynamics.generator_custom import account_lookup, choice, column, table
from tests.support.sandboxes.dynamics import DynamicsApi, error_code, running


@pytest.fixture(scope="module")
def api() -> Iterator[DynamicsApi]:
    with running(scale=300) as (_, client):
        yield client


def make_session_table(api: DynamicsApi) -> None:
    created = api.post("EntityDefinitions", table("new_TrainingSession", "Training Session", "Training Sessions"))
    assert created.status_code == 204, created.text
    assert "/api/data/v9.2/EntityDefinitions(" in created.headers["OData-EntityId"]
    for body in (column("Integer", "new_Hours", "Hours", MinValue=0, MaxValue=100),
                 column("DateTime", "new_HeldOn", "Held On", Format="DateOnly"),
                 choice("new_Level", "Level", ((100000000, "Beginner"), (100000001, "Expert")))):
        resp = api.post("EntityDefinitions(LogicalName='new_trainingsession')/Attributes", body)
        assert resp.status_code == 204, resp.text
        assert "/Attributes(" in resp.headers["OData-EntityId"]
    lookup = account_lookup("new_trainingsession", "Cascade")
    resp = api.post("RelationshipDefinitions", lookup)
    assert resp.status_code == 204, resp.text


def test_a_maker_creates_a_table_and_its_rows_are_served_like_any_others(api: DynamicsApi) -> None:
    make_session_table(api)
    listed = api.get("EntityDefinitions?$select=LogicalName,EntitySetName,PrimaryIdAttribute,ChangeTrackingEnabled"
                     "&$filter=IsCustomEntity eq true").json()["value"]
    by_name = {d["LogicalName"]: d for d in listed}
    assert {"new_customerhealth", "new_qbr", "new_trainingsession"} <= set(by_name)
    assert by_name["new_trainingsession"]["EntitySetName"] == "new_trainingsessions"
    assert by_name["new_trainingsession"]["PrimaryIdAttribute"] == "new_trainingsessionid"
    attrs = api.get("EntityDefinitions(LogicalName='new_trainingsession')/Attributes/"
                    "Microsoft.Dynamics.CRM.LookupAttributeMetadata?$select=LogicalName,Targets").json()["value"]
    assert {a["LogicalName"]: a["Targets"] for a in attrs}["new_accountid"] == ["account"]
    tracked = api.get("new_trainingsessions?$select=new_name", prefer="odata.track-changes").json()
    account = api.get("accounts?$select=accountid&$top=1").json()["value"][0]["accountid"]
    row = api.post("new_trainingsessions", {"new_name": "Pipeline hygiene", "new_hours": 3, "new_heldon": "2025-03-02",
                                            "new_level": 100000001,
                                            "new_AccountId@odata.bind": f"/accounts({account})"},
                   prefer="return=representation")
    assert row.status_code == 201, row.text
    body = row.json()
    assert body["_new_accountid_value"] == account and body["new_heldon"] == "2025-03-02"
    assert body["statecode"] == 0 and body["statuscode"] == 1 and body["_ownerid_value"]
    changed = api.get(tracked["@odata.deltaLink"]).json()["value"]
    assert [c["new_trainingsessionid"] for c in changed] == [body["new_trainingsessionid"]]
    found = api.get(f"new_trainingsessions?$filter=_new_accountid_value eq {account}").json()["value"]
    assert [r["new_name"] for r in found] == ["Pipeline hygiene"]
    # the relationship is parental: the account takes its training sessions along
    assert api.delete(f"accounts({account})").status_code == 204
    truth = api.admin.get("/_admin/truth/new_trainingsessions", ids="true")
    assert body["new_trainingsessionid"] in truth["deleted_ids"]


def test_seeded_custom_tables_reference_seeded_accounts(api: DynamicsApi) -> None:
    qbrs = api.get("new_qbrs?$select=new_name,_new_accountid_value,new_status,new_heldon,_ownerid_value",
                   prefer="odata.maxpagesize=5000").json()["value"]
    health = api.get("new_customerhealths?$select=new_score,new_status,_new_accountid_value",
                     prefer="odata.maxpagesize=5000").json()["value"]
    assert qbrs and health
    accounts = set(api.admin.get("/_admin/truth/accounts", ids="true")["ids"])
    assert {r["_new_accountid_value"] for r in qbrs + health} <= accounts
    assert {r["new_status"] for r in health} <= {100000000, 100000001, 100000002}
    custom = api.get("EntityDefinitions(LogicalName='new_qbr')/Attributes?$select=LogicalName,IsCustomAttribute"
                     ).json()["value"]
    flags = {a["LogicalName"]: a["IsCustomAttribute"] for a in custom}
    assert flags["new_outcome"] is True and flags["createdon"] is False


@pytest.mark.parametrize(("path", "body", "fragment"), [
    ("EntityDefinitions", table("QBR", "QBR", "QBRs"), "customization prefix"),
    ("EntityDefinitions", table("new_QBR", "QBR", "QBRs"), "already exists"),
    ("EntityDefinitions", {**table("new_Thing", "Thing", "Things"), "Attributes": []}, "primary name"),
    ("EntityDefinitions(LogicalName='new_qbr')/Attributes", column("Lookup", "new_X", "X"), "RelationshipDefinitions"),
    ("EntityDefinitions(LogicalName='new_qbr')/Attributes", column("Integer", "new_Outcome", "Dup"), "already exists"),
    ("EntityDefinitions(LogicalName='account')/Attributes", column("Integer", "new_Tier", "Tier"), "system table"),
])
def test_definitions_the_platform_refuses(api: DynamicsApi, path: str, body: dict[str, Any], fragment: str) -> None:
    resp = api.post(path, body)
    assert resp.status_code == 400 and fragment in resp.json()["error"]["message"], resp.text


def test_change_tracking_can_be_turned_on_and_never_off(api: DynamicsApi) -> None:
    body = {**table("new_Survey", "Survey", "Surveys"), "ChangeTrackingEnabled": False}
    assert api.post("EntityDefinitions", body).status_code == 204
    refused = api.get("new_surveys", prefer="odata.track-changes")
    assert error_code(refused) == "0x80072491"
    put = api.http.put("/api/data/v9.2/EntityDefinitions(LogicalName='new_survey')", headers=api.headers(),
                       json={"ChangeTrackingEnabled": True})
    assert put.status_code == 204
    assert api.get("new_surveys", prefer="odata.track-changes").status_code == 200
    off = api.http.put("/api/data/v9.2/EntityDefinitions(LogicalName='new_survey')", headers=api.headers(),
                       json={"ChangeTrackingEnabled": False})
    assert off.status_code == 400
