"""The HubSpot sandbox's custom objects: the schemas API (as HubSpot documents it), and records of custom objects
through the same objects, search, batch and associations APIs as standard ones."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.sandboxes.hubspot import HubSpotSandbox, running_sandbox, window

PORTAL = 24681357


@pytest.fixture(scope="module")
def hs() -> Iterator[HubSpotSandbox]:
    with running_sandbox(scale=600, profile="unlimited", options={"search_lag_ms": "0"}) as sandbox:
        yield sandbox


def schemas(hs: HubSpotSandbox, path: str = "/crm/v3/schemas") -> dict[str, dict[str, Any]]:
    body = hs.api.get(path).raise_for_status().json()
    return {s["name"]: s for s in body["results"]}


def test_seeded_custom_objects_are_listed_with_their_ids_properties_and_associations(hs: HubSpotSandbox) -> None:
    found = schemas(hs)
    assert schemas(hs, "/crm-object-schemas/v3/schemas").keys() == found.keys()  # the client library's path
    partner, deal = found["channel_partner"], found["partner_deal"]
    assert partner["fullyQualifiedName"] == f"p{PORTAL}_channel_partner"
    assert partner["objectTypeId"] == f"2-{partner['id']}" and partner["metaType"] == "PORTAL_SPECIFIC"
    assert partner["labels"] == {"singular": "Channel Partner", "plural": "Channel Partners"}
    assert partner["primaryDisplayProperty"] == "partner_name" and partner["requiredProperties"] == ["partner_name"]
    names = {p["name"]: p for p in partner["properties"]}
    assert {"hs_object_id", "hs_createdate", "hs_lastmodifieddate", "hubspot_owner_id", "partner_tier"} <= set(names)
    assert names["partner_tier"]["type"] == "enumeration" and not names["partner_tier"]["hubspotDefined"]
    assert names["country"]["type"] == "string" and names["country"]["fieldType"] == "text"  # the defaults
    # each side lists the associations it has, the one partner deals made included
    assert {a["toObjectTypeId"] for a in partner["associations"]} == {
        "0-2", deal["objectTypeId"], found["partner_portal_activity"]["objectTypeId"],
        found["incentive_program"]["objectTypeId"]}
    assert {a["toObjectTypeId"] for a in deal["associations"]} == {partner["objectTypeId"], "0-3", "0-2"}


@pytest.mark.parametrize("name", ["p_channel_partner", f"p{PORTAL}_channel_partner", "by id"])
def test_records_answer_to_every_name_but_the_bare_one(hs: HubSpotSandbox, name: str) -> None:
    if name == "by id":
        name = schemas(hs)["channel_partner"]["objectTypeId"]
    body = hs.api.get(f"/crm/v3/objects/{name}", params={"limit": 5, "properties": "partner_name"}).json()
    assert len(body["results"]) == 5 and all(r["properties"]["partner_name"] for r in body["results"])
    bare = hs.api.get("/crm/v3/objects/channel_partner")
    assert bare.status_code == 400 and "Unable to infer object type" in bare.json()["message"]


def test_truth_and_associations_of_seeded_partner_deals(hs: HubSpotSandbox) -> None:
    deals = hs.admin.get("/_admin/truth/p_partner_deal", ids="true")
    partners = hs.admin.get("/_admin/truth/p_channel_partner", ids="true")
    assert deals["count"] > 10 and partners["count"] > 3
    inputs = [{"id": i} for i in deals["ids"][:20]]
    for to_type, pool in (("p_channel_partner", set(partners["ids"])),
                          ("deals", set(hs.admin.get("/_admin/truth/deals", ids="true")["ids"]))):
        body = hs.api.post(f"/crm/v4/associations/p_partner_deal/{to_type}/batch/read",
                           json={"inputs": inputs}).json()
        assert len(body["results"]) == 20
        for row in body["results"]:
            (target,) = row["to"]
            assert str(target["toObjectId"]) in pool
            assert target["associationTypes"][0]["category"] == "USER_DEFINED"
    # and from the standard side, through the reverse index
    some_partner = partners["ids"][0]
    back = hs.api.post("/crm/v4/associations/p_channel_partner/companies/batch/read",
                       json={"inputs": [{"id": some_partner}]}).json()
    assert back["results"][0]["to"]


def test_an_admin_creates_a_custom_object_then_records_of_it(hs: HubSpotSandbox) -> None:
    created = hs.api.post("/crm/v3/schemas", json={
        "name": "training_program", "labels": {"singular": "Training program", "plural": "Training programs"},
        "primaryDisplayProperty": "program_name", "requiredProperties": ["program_name"],
        "properties": [{"name": "program_name", "label": "Program name", "isPrimaryDisplayLabel": True},
                       {"name": "hours", "label": "Hours", "type": "number", "fieldType": "number"}],
        "associatedObjects": ["CONTACT"],
    })
    assert created.status_code == 201, created.text
    schema = created.json()
    assert schema["fullyQualifiedName"] == f"p{PORTAL}_training_program"
    again = hs.api.post("/crm/v3/schemas", json={"name": "training_program", "labels": {"singular": "x",
                                                                                     "plural": "xs"},
                                                  "properties": [{"name": "a", "label": "A"}]})
    assert again.status_code == 409
    prop = hs.api.post("/crm/v3/properties/p_training_program", json={
        "name": "level", "label": "Level", "type": "string", "fieldType": "text",
        "groupName": "training_program_information"})
    assert prop.status_code == 201, prop.text
    missing = hs.api.post("/crm/v3/objects/p_training_program", json={"properties": {"hours": "3"}})
    assert missing.status_code == 400 and "REQUIRED_PROPERTY" in missing.text
    contact = hs.admin.get("/_admin/truth/contacts", ids="true")["ids"][0]
    to_contact = next(a["id"] for a in schema["associations"] if a["toObjectTypeId"] == "0-1")
    rec = hs.api.post(f"/crm/v3/objects/{schema['objectTypeId']}", json={
        "properties": {"program_name": "Onboarding 101", "hours": "6", "level": "basic"},
        "associations": [{"to": {"id": contact}, "types": [{"associationCategory": "USER_DEFINED",
                                                             "associationTypeId": int(to_contact)}]}]})
    assert rec.status_code == 201, rec.text
    rid = rec.json()["id"]
    read = hs.api.get(f"/crm/v3/objects/p_training_program/{rid}", params={"properties": "hours,level",
                                                                           "associations": "contacts"}).json()
    assert read["properties"]["hours"] == "6" and read["associations"]["contacts"]["results"][0]["id"] == contact
    time.sleep(0.05)
    found = hs.search("p_training_program", {**window("hs_lastmodifieddate", "2000-01-01T00:00:00Z",
                                                      "2100-01-01T00:00:00Z"), "properties": ["program_name"]})
    assert [r["id"] for r in found.json()["results"]] == [rid]
    assert hs.api.delete(f"/crm/v3/objects/p_training_program/{rid}").status_code == 204
    archived = hs.api.get("/crm/v3/objects/p_training_program", params={"archived": "true"}).json()
    assert [r["id"] for r in archived["results"]] == [rid] and archived["results"][0]["archivedAt"]
    # no live record left: the schema can go, and its type answers no more
    assert hs.api.delete("/crm/v3/schemas/p_training_program").status_code == 204
    assert hs.api.get("/crm/v3/objects/p_training_program").status_code == 400
    assert "training_program" in schemas(hs, "/crm/v3/schemas?archived=true")


def test_schema_requests_are_checked(hs: HubSpotSandbox) -> None:
    base = {"name": "bad_one", "labels": {"singular": "Bad", "plural": "Bads"},
            "properties": [{"name": "title", "label": "Title"}]}
    for change, needle in (({"name": "9lives"}, "must start with a letter"), ({"labels": {"singular": "x"}}, "plural"),
                           ({"primaryDisplayProperty": "nope"}, "nope"),
                           ({"associatedObjects": ["SPACESHIP"]}, "SPACESHIP")):
        resp = hs.api.post("/crm/v3/schemas", json={**base, **change})
        assert resp.status_code == 400 and needle in resp.json()["message"], resp.text
    busy = hs.api.delete("/crm/v3/schemas/p_channel_partner")
    assert busy.status_code == 400 and "still has records" in busy.json()["message"]
