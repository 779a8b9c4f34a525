"""The Dynamics sandbox's tables for issue 17's custom-object models: the customer-success custom tables (``new_sla``,
``new_customeronboarding``, ``new_customergoal``), defined through the metadata API with the columns their registry
models declare, and the standard ``knowledgearticle``; seeded with rows that reference seeded accounts and users,
deletable like any row."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.sandboxes.dynamics import DynamicsApi, running

COLUMNS = {
    "new_sla": {"new_name", "new_priority", "new_firstresponseminutes", "new_resolutionminutes", "new_businesshours",
                "new_active", "statecode"},
    "new_customeronboarding": {"new_name", "new_accountid", "ownerid", "new_status", "new_stage", "new_startedon",
                               "new_goliveon", "new_completedon"},
    "new_customergoal": {"new_name", "new_accountid", "new_targetvalue", "new_achievedvalue", "new_dueon",
                         "new_status"},
}


@pytest.fixture(scope="module")
def api() -> Iterator[DynamicsApi]:
    with running(scale=300) as (_, client):
        yield client


def _all(api: DynamicsApi, path: str) -> list[dict[str, object]]:
    return list(api.get(path, prefer="odata.maxpagesize=5000").json()["value"])


def test_the_tables_are_custom_with_the_models_columns(api: DynamicsApi) -> None:
    listed = api.get("EntityDefinitions?$select=LogicalName,EntitySetName,OwnershipType,ChangeTrackingEnabled"
                     "&$filter=IsCustomEntity eq true").json()["value"]
    by_name = {d["LogicalName"]: d for d in listed}
    assert set(COLUMNS) <= set(by_name)
    assert by_name["new_sla"]["EntitySetName"] == "new_slas"
    assert by_name["new_sla"]["OwnershipType"] == "OrganizationOwned"
    assert by_name["new_customergoal"]["OwnershipType"] == "UserOwned"
    for logical, wanted in COLUMNS.items():
        attrs = api.get(f"EntityDefinitions(LogicalName='{logical}')/Attributes?$select=LogicalName").json()["value"]
        assert wanted <= {a["LogicalName"] for a in attrs}, logical


def test_seeded_rows_reference_seeded_accounts_and_users(api: DynamicsApi) -> None:
    accounts = set(api.admin.get("/_admin/truth/accounts", ids="true")["ids"])
    users = set(api.admin.get("/_admin/truth/systemusers", ids="true")["ids"])
    onboarding = _all(api, "new_customeronboardings?$select=new_name,_new_accountid_value,_ownerid_value,"
                           "new_stage,new_status,new_startedon,new_goliveon,new_completedon")
    goals = _all(api, "new_customergoals?$select=new_name,_new_accountid_value,new_targetvalue,new_achievedvalue,"
                      "new_dueon,new_status")
    slas = _all(api, "new_slas?$select=new_name,new_priority,new_firstresponseminutes,new_resolutionminutes,"
                     "new_businesshours,new_active")
    assert 10 <= len(onboarding) <= 400 and len(onboarding) <= len(goals) <= 3 * len(onboarding)
    assert {r["_new_accountid_value"] for r in onboarding + goals} <= accounts
    assert len({r["_new_accountid_value"] for r in onboarding}) == len(onboarding)  # one project per customer
    assert {r["_ownerid_value"] for r in onboarding} <= users
    for r in onboarding:
        assert r["new_startedon"] is not None
        if r["new_completedon"] is not None:
            assert str(r["new_startedon"]) <= str(r["new_goliveon"]) <= str(r["new_completedon"])
    assert {r["new_status"] for r in goals} <= {100000000, 100000001, 100000002, 100000003, 100000004}
    assert all(float(str(r["new_targetvalue"])) > 0 for r in goals)
    assert len(slas) == 24 and sum(1 for r in slas if r["new_active"]) == 12
    for r in slas:
        assert int(str(r["new_firstresponseminutes"])) < int(str(r["new_resolutionminutes"]))


def test_a_goal_can_be_deleted(api: DynamicsApi) -> None:
    goal = _all(api, "new_customergoals?$select=new_customergoalid")[0]["new_customergoalid"]
    assert api.delete(f"new_customergoals({goal})").status_code == 204
    assert goal in api.admin.get("/_admin/truth/new_customergoals", ids="true")["deleted_ids"]


def test_knowledge_articles_are_a_standard_table_with_rollups_read_only(api: DynamicsApi) -> None:
    entity = api.get("EntityDefinitions(LogicalName='knowledgearticle')?$select=EntitySetName,IsCustomEntity,"
                     "PrimaryNameAttribute").json()
    assert (entity["EntitySetName"], entity["IsCustomEntity"], entity["PrimaryNameAttribute"]) == (
        "knowledgearticles", False, "title")
    attrs = {a["LogicalName"]: a for a in api.get(
        "EntityDefinitions(LogicalName='knowledgearticle')/Attributes?$select=LogicalName,IsValidForCreate"
    ).json()["value"]}
    assert {"title", "articlepublicnumber", "content", "publishon", "knowledgearticleviews", "rating_count"} <= set(
        attrs)
    assert attrs["knowledgearticleviews"]["IsValidForCreate"] is False
    articles = _all(api, "knowledgearticles?$select=title,articlepublicnumber,statecode,publishon,"
                         "knowledgearticleviews,_primaryauthorid_value")
    assert len(articles) >= 12
    assert len({a["articlepublicnumber"] for a in articles}) == len(articles)
    published = [a for a in articles if a["statecode"] == 3]
    assert published and all(a["publishon"] for a in published)
    assert sum(1 for a in articles if a["statecode"] != 3) > 0
    users = set(api.admin.get("/_admin/truth/systemusers", ids="true")["ids"])
    assert {a["_primaryauthorid_value"] for a in articles} <= users
