"""The HubSpot sandbox over real HTTPS: objects, batch (incl. 207), properties, merge, archive, associations, owners,
pipelines, the admin surface, and hubspot-api-client itself. Profile ``unlimited``: limits are tested elsewhere."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.sandboxes.hubspot import TOKEN, HubSpotSandbox, running_sandbox

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@pytest.fixture(scope="module")
def hs() -> Iterator[HubSpotSandbox]:
    with running_sandbox(scale=3000, profile="unlimited") as sandbox:
        yield sandbox


def live_ids(hs: HubSpotSandbox, otype: str) -> list[str]:
    return hs.admin.get(f"/_admin/truth/{otype}", ids="true")["ids"]


def list_all(hs: HubSpotSandbox, otype: str, **params: Any) -> list[dict[str, Any]]:
    out, after = [], None
    while True:
        query = {"limit": 100, **params, **({"after": after} if after else {})}
        body = hs.api.get(f"/crm/v3/objects/{otype}", params=query).raise_for_status().json()
        out += body["results"]
        if "paging" not in body:
            return out
        after = body["paging"]["next"]["after"]


def assert_error(resp: Any, status: int, category: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["status"] == "error" and body["category"] == category
    assert UUID_RE.match(body["correlationId"])
    return body


def test_list_pages_in_id_order_with_opaque_after(hs: HubSpotSandbox) -> None:
    records = list_all(hs, "contacts")
    ids = [int(r["id"]) for r in records]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    assert [str(i) for i in ids] == live_ids(hs, "contacts")
    first = hs.api.get("/crm/v3/objects/contacts").json()
    assert len(first["results"]) == 10  # the default page size
    nxt = first["paging"]["next"]
    assert not nxt["after"].isdigit() and f"after={nxt['after']}" in nxt["link"].replace("%3D", "=")
    for r in records[:50]:
        assert r["properties"]["hs_object_id"] == r["id"]
        assert r["updatedAt"] == r["properties"]["lastmodifieddate"] and r["archived"] is False
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", r["createdAt"])


def test_list_validation_errors(hs: HubSpotSandbox) -> None:
    body = assert_error(hs.api.get("/crm/v3/objects/contacts", params={"limit": 101}), 400, "VALIDATION_ERROR")
    assert "100" in body["message"]
    assert_error(hs.api.get("/crm/v3/objects/contacts", params={"after": "not-a-token!"}), 400, "VALIDATION_ERROR")
    body = assert_error(hs.api.get("/crm/v3/objects/widgets"), 400, "VALIDATION_ERROR")
    assert body["message"] == "Unable to infer object type from: widgets"


def test_properties_parameter_defaults_unknowns_and_repeats(hs: HubSpotSandbox) -> None:
    default = hs.api.get("/crm/v3/objects/contacts", params={"limit": 1}).json()["results"][0]["properties"]
    assert set(default) == {"createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"}
    named = hs.api.get("/crm/v3/objects/contacts?limit=1&properties=email,no_such_prop&properties=phone").json()
    assert set(named["results"][0]["properties"]) == {"email", "phone", "createdate", "hs_object_id",
                                                      "lastmodifieddate"}
    deals = hs.api.get("/crm/v3/objects/deals", params={
        "limit": 100, "properties": "amount,hs_is_closed,hs_is_closed_won,dealstage,closedate,pipeline"}).json()
    for deal in deals["results"]:
        p = deal["properties"]
        assert all(v is None or isinstance(v, str) for v in p.values())
        assert p["hs_is_closed"] == ("true" if p["dealstage"] in ("closedwon", "closedlost") else "false")
        assert p["pipeline"] == "default" and p["closedate"].endswith("T00:00:00.000Z")


def test_get_object_by_id_email_and_404(hs: HubSpotSandbox) -> None:
    rid = live_ids(hs, "contacts")[3]
    rec = hs.api.get(f"/crm/v3/objects/contacts/{rid}", params={"properties": "email"}).json()
    assert rec["id"] == rid
    by_email = hs.api.get(f"/crm/v3/objects/contacts/{rec['properties']['email'].upper()}",
                          params={"idProperty": "email"}).json()
    assert by_email["id"] == rid
    assert_error(hs.api.get("/crm/v3/objects/contacts/99999999999"), 404, "OBJECT_NOT_FOUND")


def test_seeded_data_has_realistic_dirt(hs: HubSpotSandbox) -> None:
    contacts = list_all(hs, "contacts")
    bad_emails = [c for c in contacts if not re.match(r"^[^@\s]+@[^@\s]+\.\w+$", c["properties"]["email"] or "")]
    assert 0 < len(bad_emails) < len(contacts) * 0.03
    assert 0 < sum(1 for c in contacts if not c["properties"]["lastname"]) < len(contacts) * 0.03
    companies = list_all(hs, "companies", properties="annualrevenue,industry,numberofemployees")
    assert any(c["properties"]["annualrevenue"] in ("", "n/a") for c in companies)
    assert all(re.match(r"^[A-Z_]+$", c["properties"]["industry"]) for c in companies)
    deals = list_all(hs, "deals", properties="amount")
    assert any(float(d["properties"]["amount"]) < 0 for d in deals)
    won = [d for d in list_all(hs, "deals", properties="dealstage") if d["properties"]["dealstage"] == "closedwon"]
    assert won


def test_v3_and_v4_associations(hs: HubSpotSandbox) -> None:
    page = hs.api.get("/crm/v3/objects/contacts", params={"limit": 5, "associations": "companies",
                                                          "properties": "associatedcompanyid"}).json()
    for rec in page["results"]:
        linked = rec["associations"]["companies"]["results"]
        assert {a["type"] for a in linked} == {"contact_to_company", "contact_to_company_unlabeled"}
        assert {a["id"] for a in linked} == {rec["properties"]["associatedcompanyid"]}
    ids = [r["id"] for r in page["results"]]
    resp = hs.api.post("/crm/v4/associations/contacts/companies/batch/read",
                       json={"inputs": [{"id": i} for i in ids]})
    assert resp.status_code == 200, resp.text
    first = resp.json()["results"][0]
    assert isinstance(first["to"][0]["toObjectId"], int)
    assert {t["typeId"] for t in first["to"][0]["associationTypes"]} == {1, 279}
    company = str(first["to"][0]["toObjectId"])
    back = hs.api.post("/crm/v4/associations/companies/contacts/batch/read",
                       json={"inputs": [{"id": company}]}).json()
    assert first["from"]["id"] in {str(t["toObjectId"]) for t in back["results"][0]["to"]}
    partial = hs.api.post("/crm/v4/associations/contacts/companies/batch/read",
                          json={"inputs": [{"id": ids[0]}, {"id": "123456789"}]})
    assert partial.status_code == 207
    err = partial.json()["errors"][0]
    assert err["subCategory"] == "crm.associations.NO_ASSOCIATIONS_FOUND"
    assert err["context"]["fromObjectId"] == ["123456789"]
    calls = hs.api.get("/crm/v3/objects/calls", params={"limit": 3, "associations": "contacts,companies"}).json()
    assert all(r["associations"]["contacts"]["results"][0]["type"] == "call_to_contact" for r in calls["results"])
    deals = hs.api.post("/crm/v4/associations/deals/contacts/batch/read",
                        json={"inputs": [{"id": i} for i in live_ids(hs, "deals")[:5]]}).json()
    assert all(t["associationTypes"][0]["typeId"] == 3 for r in deals["results"] for t in r["to"])
    too_many = hs.api.post("/crm/v4/associations/contacts/companies/batch/read",
                           json={"inputs": [{"id": str(i)} for i in range(1001)]})
    assert too_many.status_code == 400


def test_batch_read_reports_missing_ids_in_a_207(hs: HubSpotSandbox) -> None:
    ids = live_ids(hs, "companies")[:2]
    resp = hs.api.post("/crm/v3/objects/companies/batch/read",
                       json={"inputs": [{"id": ids[0]}, {"id": ids[1]}, {"id": "77"}], "properties": ["name"]})
    assert resp.status_code == 207
    body = resp.json()
    assert {r["id"] for r in body["results"]} == set(ids) and body["numErrors"] == 1
    assert body["errors"][0]["category"] == "OBJECT_NOT_FOUND" and body["errors"][0]["context"] == {"ids": ["77"]}
    ok = hs.api.post("/crm/v3/objects/companies/batch/read", json={"inputs": [{"id": ids[0]}]})
    assert ok.status_code == 200 and ok.json()["status"] == "COMPLETE" and "errors" not in ok.json()


def test_batch_create_201_and_207_with_validation_codes(hs: HubSpotSandbox) -> None:
    tag = uuid.uuid4().hex[:8]
    ok = hs.api.post("/crm/v3/objects/companies/batch/create", json={"inputs": [
        {"properties": {"name": f"Acme {tag}", "numberofemployees": 12}}]})
    assert ok.status_code == 201, ok.text
    assert ok.json()["results"][0]["properties"]["numberofemployees"] == "12"
    resp = hs.api.post("/crm/v3/objects/companies/batch/create", json={"inputs": [
        {"properties": {"name": f"Good {tag}"}, "objectWriteTraceId": "t-good"},
        {"properties": {"name": "Bad", "annualrevenue": "n/a"}, "objectWriteTraceId": "t-number"},
        {"properties": {"name": "Bad", "industry": "SPACE_PIRACY"}, "objectWriteTraceId": "t-option"},
        {"properties": {"name": "Bad", "favourite_colour": "blue"}, "objectWriteTraceId": "t-unknown"},
        {"properties": {"name": "Bad", "createdate": "2024-01-01"}, "objectWriteTraceId": "t-readonly"},
    ]})
    assert resp.status_code == 207, resp.text
    body = resp.json()
    assert [r["properties"]["name"] for r in body["results"]] == [f"Good {tag}"]
    assert body["numErrors"] == 4
    codes = {e["context"]["objectWriteTraceId"][0]: e["errors"][0]["code"] for e in body["errors"]}
    assert codes == {"t-number": "INVALID_INTEGER", "t-option": "INVALID_OPTION", "t-unknown": "PROPERTY_DOESNT_EXIST",
                     "t-readonly": "READ_ONLY_VALUE"}
    assert all(e["status"] == "error" and e["category"] == "VALIDATION_ERROR" for e in body["errors"])
    bad_email = hs.api.post("/crm/v3/objects/contacts/batch/create",
                            json={"inputs": [{"properties": {"email": "not an email"}}]})
    assert bad_email.status_code == 207 and bad_email.json()["errors"][0]["errors"][0]["code"] == "INVALID_EMAIL"


def test_batch_update_partial_failure_bumps_only_successes(hs: HubSpotSandbox) -> None:
    a, b = live_ids(hs, "contacts")[10:12]
    before = {r["id"]: r["updatedAt"] for r in hs.api.post(
        "/crm/v3/objects/contacts/batch/read", json={"inputs": [{"id": a}, {"id": b}]}).json()["results"]}
    resp = hs.api.post("/crm/v3/objects/contacts/batch/update", json={"inputs": [
        {"id": a, "properties": {"jobtitle": "Chief Data Officer"}},
        {"id": b, "properties": {"hs_object_id": "1", "lifecyclestage": "nonsense"}},
        {"id": "424242424242", "properties": {"jobtitle": "x"}},
    ]})
    assert resp.status_code == 207
    body = resp.json()
    assert [r["id"] for r in body["results"]] == [a]
    by_category = {e["category"]: e for e in body["errors"]}
    assert by_category["OBJECT_NOT_FOUND"]["context"]["ids"] == ["424242424242"]
    invalid = by_category["VALIDATION_ERROR"]
    assert invalid["context"]["ids"] == [b]
    assert {e["code"] for e in invalid["errors"]} == {"READ_ONLY_VALUE", "INVALID_OPTION"}
    after = {r["id"]: r for r in hs.api.post("/crm/v3/objects/contacts/batch/read", json={
        "inputs": [{"id": a}, {"id": b}], "properties": ["jobtitle", "hs_lastmodifieddate"]}).json()["results"]}
    assert after[a]["properties"]["jobtitle"] == "Chief Data Officer" and after[a]["updatedAt"] > before[a]
    assert after[a]["properties"]["hs_lastmodifieddate"] == after[a]["properties"]["lastmodifieddate"]
    assert after[b]["updatedAt"] == before[b]
    dupes = hs.api.post("/crm/v3/objects/contacts/batch/update",
                        json={"inputs": [{"id": a, "properties": {}}, {"id": a, "properties": {}}]})
    assert dupes.status_code == 400
    too_many = hs.api.post("/crm/v3/objects/contacts/batch/update",
                           json={"inputs": [{"id": str(i), "properties": {}} for i in range(101)]})
    assert_error(too_many, 400, "VALIDATION_ERROR")


def test_batch_upsert_by_email(hs: HubSpotSandbox) -> None:
    existing = hs.api.get(f"/crm/v3/objects/contacts/{live_ids(hs, 'contacts')[20]}").json()
    fresh = f"new.{uuid.uuid4().hex[:8]}@example.org"
    resp = hs.api.post("/crm/v3/objects/contacts/batch/upsert", json={"inputs": [
        {"id": existing["properties"]["email"], "idProperty": "email", "properties": {"jobtitle": "Upserted"}},
        {"id": fresh, "idProperty": "email", "properties": {"firstname": "Neu"}},
        {"id": "Somebody", "idProperty": "firstname", "properties": {}},
    ]})
    assert resp.status_code == 207
    results = {r["id"]: r for r in resp.json()["results"]}
    assert results[existing["id"]]["new"] is False
    created = [r for r in results.values() if r["new"]]
    assert len(created) == 1 and int(created[0]["id"]) > max(int(i) for i in live_ids(hs, "contacts")[:-1])
    assert hs.api.get(f"/crm/v3/objects/contacts/{fresh}", params={"idProperty": "email"}).status_code == 200


def test_archive_and_archived_listing(hs: HubSpotSandbox) -> None:
    victim = live_ids(hs, "deals")[7]
    assert hs.api.post("/crm/v3/objects/deals/batch/archive", json={"inputs": [{"id": victim}]}).status_code == 204
    assert hs.api.get(f"/crm/v3/objects/deals/{victim}").status_code == 404
    archived = list_all(hs, "deals", archived="true")
    mine = [r for r in archived if r["id"] == victim]
    assert mine and mine[0]["archived"] is True and mine[0]["archivedAt"] >= mine[0]["updatedAt"]
    assert all(r["archived"] for r in archived)
    assert victim not in live_ids(hs, "deals")
    truth = hs.admin.get("/_admin/truth/deals", ids="true")
    assert victim in truth["archived_ids"] and victim in truth["deleted_ids"]
    assert hs.api.get(f"/crm/v3/objects/deals/{victim}", params={"archived": "true"}).json()["archived"] is True


def test_custom_property_create_read_write(hs: HubSpotSandbox) -> None:
    missing = assert_error(hs.api.post("/crm/v3/properties/contacts", json={"name": "score_x", "label": "X"}),
                           400, "VALIDATION_ERROR")
    assert "type" in missing["message"] and "fieldType" in missing["message"] and "groupName" in missing["message"]
    spec = {"name": "crmhub_score", "label": "crmhub score", "type": "number", "fieldType": "number",
            "groupName": "contactinformation"}
    created = hs.api.post("/crm/v3/properties/contacts", json=spec)
    assert created.status_code == 201 and created.json()["hubspotDefined"] is False
    # HubSpot documents createdUserId as the user who created the property in HubSpot: absent for one created
    # through the API (and for HubSpot's own properties).
    assert "createdUserId" not in created.json()
    again = assert_error(hs.api.post("/crm/v3/properties/contacts", json=spec), 409, "OBJECT_ALREADY_EXISTS")
    assert again["message"] == "Property named 'crmhub_score' already exists."
    listed = {p["name"]: p for p in hs.api.get("/crm/v3/properties/contacts").json()["results"]}
    assert listed["crmhub_score"]["type"] == "number" and "createdUserId" not in listed["crmhub_score"]
    assert listed["hs_object_id"]["modificationMetadata"]["readOnlyValue"] is True
    assert hs.api.get("/crm/v3/properties/contacts/crmhub_score").json()["label"] == "crmhub score"
    rid = live_ids(hs, "contacts")[30]
    before = hs.api.get(f"/crm/v3/objects/contacts/{rid}", params={"properties": "crmhub_score"}).json()
    assert before["properties"]["crmhub_score"] is None
    bad = hs.api.post("/crm/v3/objects/contacts/batch/update",
                      json={"inputs": [{"id": rid, "properties": {"crmhub_score": "high"}}]})
    assert bad.status_code == 207 and bad.json()["errors"][0]["errors"][0]["code"] == "INVALID_INTEGER"
    good = hs.api.patch(f"/crm/v3/objects/contacts/{rid}", json={"properties": {"crmhub_score": 87.5}})
    assert good.status_code == 200 and good.json()["properties"]["crmhub_score"] == "87.5"
    read = hs.api.post("/crm/v3/objects/contacts/batch/read",
                       json={"inputs": [{"id": rid}], "properties": ["crmhub_score"]}).json()
    assert read["results"][0]["properties"]["crmhub_score"] == "87.5"


def test_merge(hs: HubSpotSandbox) -> None:
    primary, merged = live_ids(hs, "contacts")[40:42]
    hs.api.patch(f"/crm/v3/objects/contacts/{primary}", json={"properties": {"jobtitle": ""}}).raise_for_status()
    merged_title = hs.api.get(f"/crm/v3/objects/contacts/{merged}", params={"properties": "jobtitle"}).json()
    before = hs.api.get(f"/crm/v3/objects/contacts/{primary}").json()["updatedAt"]
    resp = hs.api.post("/crm/v3/objects/contacts/merge", json={"primaryObjectId": primary, "objectIdToMerge": merged})
    assert resp.status_code == 200 and resp.json()["id"] == primary
    survivor = hs.api.get(f"/crm/v3/objects/contacts/{merged}",
                          params={"properties": "jobtitle,hs_merged_object_ids"}).json()
    assert survivor["id"] == primary and survivor["updatedAt"] > before
    assert merged in survivor["properties"]["hs_merged_object_ids"].split(";")
    assert survivor["properties"]["jobtitle"] == merged_title["properties"]["jobtitle"]
    assert merged not in live_ids(hs, "contacts")
    assert merged not in {r["id"] for r in list_all(hs, "contacts", archived="true")}
    assert merged in hs.admin.get("/_admin/truth/contacts", ids="true")["merged_ids"]
    flags = hs.admin.get(f"/_admin/truth/contacts/{merged}")["flags"]
    assert flags["merged_into"] == primary and flags["live"] is False
    same = hs.api.post("/crm/v3/objects/contacts/merge", json={"primaryObjectId": primary, "objectIdToMerge": merged})
    assert same.status_code == 400
    a, b = live_ids(hs, "companies")[5:7]
    hs.admin.post("/_admin/merge/companies", {"primary": a, "merged": b})
    company = hs.api.get(f"/crm/v3/objects/companies/{a}", params={"properties": "hs_merged_object_ids"}).json()
    assert company["properties"]["hs_merged_object_ids"] == b


def test_owners_and_pipelines(hs: HubSpotSandbox) -> None:
    owners = hs.api.get("/crm/v3/owners", params={"limit": 500}).json()["results"]
    assert 20 <= len(owners) <= 30 and all(o["id"].isdigit() and o["teams"] for o in owners)
    page = hs.api.get("/crm/v3/owners", params={"limit": 10}).json()
    nxt = hs.api.get("/crm/v3/owners", params={"limit": 10, "after": page["paging"]["next"]["after"]}).json()
    assert [o["id"] for o in page["results"] + nxt["results"]] == [o["id"] for o in owners[:20]]
    assert all(o["archived"] for o in hs.api.get("/crm/v3/owners", params={"archived": "true"}).json()["results"])
    assert_error(hs.api.get("/crm/v3/owners", params={"limit": 501}), 400, "VALIDATION_ERROR")
    pipeline = hs.api.get("/crm/v3/pipelines/deals").json()["results"][0]
    stages = {s["id"]: s for s in pipeline["stages"]}
    assert pipeline["id"] == "default" and len(stages) == 7
    assert stages["closedwon"]["metadata"] == {"isClosed": "true", "probability": "1.0"}
    assert [s["displayOrder"] for s in pipeline["stages"]] == list(range(7))


def test_admin_surface(hs: HubSpotSandbox) -> None:
    assert {"contacts", "companies", "deals", "calls", "emails", "meetings", "notes", "tasks"} <= set(
        hs.admin.get("/_admin/objects")["objects"])
    created = hs.admin.post("/_admin/records/contacts", {"fields": {"email": "admin.made@example.org"}})
    rid = created["id"]
    edited = hs.admin.patch(f"/_admin/records/contacts/{rid}", {"fields": {"jobtitle": "Buyer"}})
    assert edited["properties"]["jobtitle"] == "Buyer" and edited["updatedAt"] >= created["updatedAt"]
    hs.admin.delete(f"/_admin/records/contacts/{rid}?mode=purge")
    assert rid not in {r["id"] for r in list_all(hs, "contacts", archived="true")}
    truth = hs.admin.get("/_admin/truth/contacts", ids="true")
    assert rid in truth["purged_ids"] and truth["count"] == len(truth["ids"])
    soft = live_ids(hs, "tasks")[0]
    hs.admin.delete(f"/_admin/records/tasks/{soft}?mode=soft")
    assert soft in hs.admin.get("/_admin/truth/tasks", ids="true")["archived_ids"]
    edits = hs.admin.post("/_admin/random_edits/contacts", {"seed": 3, "edits": 4, "deletes": 2, "creates": 2})
    assert (len(edits["edited"]), len(edits["deleted"]), len(edits["created"])) == (4, 2, 2)
    ids = set(live_ids(hs, "contacts"))
    assert set(edits["created"]) <= ids and not set(edits["deleted"]) & ids
    identities = hs.admin.get("/_admin/identities", object="contacts")
    assert {i["id"] for i in identities} <= ids and all(isinstance(i["person_key"], int) for i in identities)
    assert hs.admin.get("/_admin/identities", object="deals") == []
    owners = hs.admin.get("/_admin/truth/owners", ids="true")
    assert (owners["count"], owners["deleted_count"]) == (25, 2) and len(owners["ids"]) == 25
    record = hs.admin.get(f"/_admin/truth/contacts/{edits['created'][0]}")
    assert record["flags"]["person_key"] is not None and record["flags"]["associations"]["companies"]
    hs.admin.reset_calls()
    hs.api.get("/crm/v3/objects/contacts", params={"limit": 1})
    hs.search("contacts", {"limit": 1})
    assert hs.admin.calls()["by_endpoint"] == {"list_objects": 1, "search": 1}


def test_hubspot_api_client_against_the_sandbox(hs: HubSpotSandbox) -> None:
    from hubspot import HubSpot
    from hubspot.crm.contacts import (
        BatchInputSimplePublicObjectBatchInput,
        PublicObjectSearchRequest,
        SimplePublicObjectBatchInput,
    )
    from hubspot.crm.contacts.exceptions import ApiException

    opened: list[Any] = []

    def api(handle: Any) -> Any:
        opened.append(handle)  # every SDK API object has its own urllib3 pool, closed below
        return handle

    client = HubSpot(access_token=TOKEN, host=hs.info.https_url, ssl_ca_cert=hs.info.ca_path)
    try:
        contacts, search, batch = (api(client.crm.contacts.basic_api), api(client.crm.contacts.search_api),
                                   api(client.crm.contacts.batch_api))
        page = contacts.get_page(limit=5, properties=["email", "lifecyclestage"])
        assert len(page.results) == 5 and page.paging.next.after
        found = search.do_search(PublicObjectSearchRequest(filter_groups=[{"filters": [
            {"propertyName": "hs_object_id", "operator": "EQ", "value": page.results[0].id}]}], properties=["email"]))
        assert found.total == 1 and found.results[0].properties["email"] == page.results[0].properties["email"]
        partial = batch.update(BatchInputSimplePublicObjectBatchInput(inputs=[
            SimplePublicObjectBatchInput(id=page.results[1].id, properties={"jobtitle": "Via SDK"}),
            SimplePublicObjectBatchInput(id="31337", properties={"jobtitle": "nobody"})]))
        assert partial.num_errors == 1 and partial.errors[0].category == "OBJECT_NOT_FOUND"
        assert partial.results[0].properties["jobtitle"] == "Via SDK"
        links = api(client.crm.associations.v4.batch_api).get_page(
            from_object_type="contacts", to_object_type="companies",
            batch_input_public_fetch_associations_batch_request={"inputs": [{"id": page.results[0].id}]})
        assert links.results[0].to[0].association_types[0].type_id == 1
        wrong = HubSpot(access_token="pat-na1-wrong", host=hs.info.https_url, ssl_ca_cert=hs.info.ca_path)
        status = None
        try:  # not pytest.raises: its traceback would keep the failed response (and its socket) alive
            api(wrong.crm.contacts.basic_api).get_page()
        except ApiException as exc:
            status = exc.status
        assert status == 401
    finally:  # else their idle TLS connections hold the sandbox's graceful shutdown for 10 s
        for handle in opened:
            last = getattr(handle.api_client, "last_response", None)
            if last is not None:
                last.urllib3_response.close()  # its file object keeps the socket open past pool.clear()
            handle.api_client.rest_client.pool_manager.clear()
