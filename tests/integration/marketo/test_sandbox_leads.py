"""Marketo sandbox over HTTPS: lead describe, reads, Sync Leads, Delete Leads, Salesforce links and the admin."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest

from sandbox.common.people import Population
from sandbox.common.sfids import sfdc_id
from tests.support.sandboxes.marketo import SCALE, Marketo, error_code, shared


@pytest.fixture(scope="module")
def marketo(request: pytest.FixtureRequest) -> Marketo:
    return shared(request)


def _identities(m: Marketo) -> list[dict]:
    return m.admin.get("/_admin/identities", object="leads")


def test_describe_and_describe2(marketo: Marketo) -> None:
    c = marketo.client
    fields = c.get("/rest/v1/leads/describe.json")["result"]
    email = next(f for f in fields if f["rest"]["name"] == "email")
    assert email["dataType"] == "email" and email["length"] == 255 and email["rest"]["readOnly"] is False
    assert next(f for f in fields if f["rest"]["name"] == "updatedAt")["rest"]["readOnly"] is True
    api_lead = c.get("/rest/v1/leads/describe2.json")["result"][0]
    assert api_lead["name"] == "API Lead"
    assert ["email"] in api_lead["searchableFields"] and ["sfdcLeadId"] in api_lead["searchableFields"]
    sfdc = next(f for f in api_lead["fields"] if f["name"] == "sfdcContactId")
    assert sfdc["crmManaged"] is True and sfdc["updateable"] is False


def test_get_leads_by_filter_type(marketo: Marketo) -> None:
    c = marketo.client
    c.fresh_window()
    body = c.get("/rest/v1/leads.json", filterType="id", filterValues="1001,1002,999999")
    assert body["success"] and [r["id"] for r in body["result"]] == [1001, 1002]
    assert set(body["result"][0]) <= {"id", "email", "updatedAt", "createdAt", "firstName", "lastName"}
    email = body["result"][0]["email"].strip()
    by_email = c.get("/rest/v1/leads.json", filterType="email", filterValues=f"  {email.upper()} ",
                     fields="email,leadScore,sfdcType")
    assert 1001 in [r["id"] for r in by_email["result"]]
    assert c.get("/rest/v1/leads.json", filterType="email", filterValues="nobody@nowhere.example")["result"] == []
    assert error_code(c.get("/rest/v1/leads.json", filterType="firstName", filterValues="Ann")) == "1011"
    assert error_code(c.get("/rest/v1/leads.json", filterType="nope", filterValues="1")) == "1006"
    assert error_code(c.get("/rest/v1/leads.json", filterType="id", filterValues="1", fields="email,nope")) == "1006"
    assert error_code(c.get("/rest/v1/leads.json", filterType="id")) == "1002"
    assert error_code(c.get("/rest/v1/leads.json", filterType="id", filterValues="")) == "701"
    assert error_code(c.get("/rest/v1/leads.json", filterType="id", filterValues="abc")) == "1001"
    too_many = ",".join(str(1001 + i) for i in range(301))
    assert error_code(c.call("POST", "/rest/v1/leads.json", params={"_method": "GET"},
                             content=f"filterType=id&filterValues={too_many}",
                             headers={"Content-Type": "application/x-www-form-urlencoded"})) == "1003"
    crowd = c.get("/rest/v1/leads.json", filterType="leadPartitionId", filterValues="1")
    assert crowd["errors"] == [{"code": "1003", "message": "Too many results match the filter"}]
    assert c.get("/rest/v1/lead/1001.json")["result"][0]["id"] == 1001
    assert c.get("/rest/v1/lead/999999.json")["result"] == []


def test_get_leads_pages_with_position_tokens(marketo: Marketo) -> None:
    c = marketo.client
    c.fresh_window()
    ids = ",".join(str(1001 + i) for i in range(250))
    params = {"filterType": "id", "filterValues": ids, "batchSize": "100", "fields": "email"}
    seen: list[int] = []
    token = None
    for _ in range(5):
        body = c.call("POST", "/rest/v1/leads.json", params={"_method": "GET"},
                      data={**params, **({"nextPageToken": token} if token else {})})
        seen += [r["id"] for r in body["result"]]
        token = body.get("nextPageToken")
        if not body.get("moreResult"):
            break
    assert len(seen) == len(set(seen)) and len(seen) >= 240 and seen == sorted(seen)
    # The last page still carries a token, as Marketo's can: only moreResult: false says the read is done.
    assert body["moreResult"] is False and token
    after = c.call("POST", "/rest/v1/leads.json", params={"_method": "GET"}, data={**params, "nextPageToken": token})
    assert after["result"] == [] and after["moreResult"] is False
    single = c.get("/rest/v1/leads.json", filterType="id", filterValues="1001,1002", fields="email")
    assert "nextPageToken" not in single  # a read that fits one page is not paged at all
    wrong = c.call("POST", "/rest/v1/leads.json", params={"_method": "GET"},
                   data={**params, "filterValues": "1001", "nextPageToken": "GIYDAOBNGEYS2MBWKQYDAORQGA5DA==="})
    assert error_code(wrong) == "1003"
    assert error_code(c.get("/rest/v1/leads.json", filterType="id", filterValues="1001", batchSize="301")) == "1003"


def test_salesforce_links_follow_the_shared_rules(marketo: Marketo) -> None:
    population = Population(7, SCALE)
    identities = _identities(marketo)
    keys = {int(i["id"]): i["person_key"] for i in identities}
    # A duplicate record is the later (higher id) of two leads for one person; it never synced to Salesforce.
    duplicates = {max(int(i["id"]) for i in identities if i["person_key"] == k)
                  for k, n in Counter(i["person_key"] for i in identities).items() if n > 1}
    c = marketo.client
    c.fresh_window()
    body = c.call("POST", "/rest/v1/leads.json", params={"_method": "GET"},
                  data={"filterType": "id", "filterValues": ",".join(map(str, list(keys)[:290])),
                        "fields": "sfdcLeadId,sfdcContactId,sfdcAccountId,sfdcType,email"})
    kinds: Counter[str] = Counter()
    for lead in body["result"]:
        key = keys[lead["id"]]
        in_sf = population.member(key, "salesforce", 0.6) and lead["id"] not in duplicates
        if not in_sf:
            assert "sfdcLeadId" not in lead and "sfdcContactId" not in lead
            kinds["marketo only"] += 1
        elif population.member(key, "salesforce_contact", 0.5):
            assert lead["sfdcContactId"] == sfdc_id("003", key) and lead["sfdcType"] == "Contact"
            assert lead["sfdcAccountId"] == sfdc_id("001", population.person(key).company_key)
            kinds["contact"] += 1
        else:
            assert lead["sfdcLeadId"] == sfdc_id("00Q", key) and lead["sfdcType"] == "Lead"
            kinds["lead"] += 1
        kinds["same email"] += lead.get("email", "").strip().lower() == population.person(key).email.lower()
    assert min(kinds.values()) > 20, kinds
    assert kinds["same email"] >= 0.95 * len(body["result"])


def test_seeded_dirt_and_duplicates(marketo: Marketo) -> None:
    dirt = marketo.admin.get("/_admin/dirt")["dirt"]
    live = marketo.admin.get("/_admin/truth/leads")["count"]
    for kind in ("malformed_email", "missing_last_name", "negative_revenue", "duplicate", "non_numeric_budget"):
        assert 1 <= len(dirt.get(kind, [])) <= 0.03 * live, (kind, dirt.get(kind))
    sample = marketo.admin.get(f"/_admin/truth/leads/{dirt['malformed_email'][0]}")
    assert sample["emailInvalid"] is True
    assert marketo.admin.get(f"/_admin/truth/leads/{dirt['missing_last_name'][0]}")["lastName"] is None
    assert marketo.admin.get(f"/_admin/truth/leads/{dirt['negative_revenue'][0]}")["annualRevenue"] < 0


def test_sync_leads_per_record_statuses(marketo: Marketo) -> None:
    c = marketo.client
    c.fresh_window()
    leads = c.get("/rest/v1/leads.json", filterType="id", filterValues=",".join(map(str, range(1001, 1040))))
    # Marketo takes only ASCII addresses; the population has some IDN domains, which sync cannot write.
    existing = next(r for r in leads["result"] if r.get("email", "").isascii() and "@" in r.get("email", ""))
    idn = next(r for r in leads["result"] if not r.get("email", "").isascii())
    body = c.post("/rest/v1/leads.json", {"action": "createOrUpdate", "lookupField": "email", "input": [
        {"email": "new.buyer@example.com", "firstName": "New", "leadScore": "12"},
        {"email": existing["email"].strip(), "title": "Chief Data Officer"},
        {"email": idn["email"].strip(), "title": "Chief Data Officer"},
        {"email": "broken", "firstName": "Bad"},
        {"email": "x@example.com", "favouriteColour": "teal"},
        {"email": "y@example.com", "updatedAt": "2024-01-01T00:00:00Z"},
        {"email": "z@example.com", "numberOfEmployees": "many"},
    ]})
    result = body["result"]
    assert result[0]["status"] == "created" and isinstance(result[0]["id"], int)
    assert result[1] == {"id": existing["id"], "status": "updated"}
    assert [r["reasons"][0]["code"] for r in result[2:]] == ["1003", "1003", "1006", "1003", "1003"]
    assert all(r["status"] == "skipped" for r in result[2:])
    created = c.get(f"/rest/v1/lead/{result[0]['id']}.json", fields="leadScore,createdAt,updatedAt")["result"][0]
    assert created["leadScore"] == 12 and created["createdAt"] == created["updatedAt"]

    only = c.post("/rest/v1/leads.json", {"action": "createOnly", "input": [{"email": "NEW.BUYER@example.com"}]})
    assert only["result"][0]["reasons"] == [{"code": "1005", "message": "Lead already exists"}]
    update = c.post("/rest/v1/leads.json", {"action": "updateOnly", "lookupField": "id",
                                            "input": [{"id": 999999, "title": "x"}, {"id": 1001, "city": "Oslo"}]})
    assert update["result"][0]["reasons"][0]["code"] == "1004" and update["result"][1]["status"] == "updated"
    assert c.post("/rest/v1/leads.json", {"input": [{"id": 1001, "city": "Oslo"}]})["result"][0]["status"] == "skipped"
    assert error_code(c.post("/rest/v1/leads.json", {"input": [{"email": "a@b.c"}] * 301})) == "1003"
    assert error_code(c.post("/rest/v1/leads.json", {"lookupField": "firstName", "input": []})) == "1011"
    assert error_code(c.post("/rest/v1/leads.json", {"action": "upsert", "input": []})) == "1003"


def test_duplicate_leads_block_email_upserts(marketo: Marketo) -> None:
    per_person = Counter(i["person_key"] for i in _identities(marketo))
    key = next(k for k, n in per_person.items() if n == 2)
    lead_id = next(i["id"] for i in _identities(marketo) if i["person_key"] == key)
    email = marketo.admin.get(f"/_admin/truth/leads/{lead_id}")["email"].strip()
    body = marketo.client.post("/rest/v1/leads.json", {"input": [{"email": email, "title": "Analyst"}]})
    assert body["result"][0]["reasons"] == [{"code": "1007", "message": "Multiple leads match the lookup criteria"}]


def test_delete_leads_endpoint(marketo: Marketo) -> None:
    c = marketo.client
    c.fresh_window()
    before = marketo.admin.get("/_admin/truth/leads")
    body = c.post("/rest/v1/leads/delete.json", {"input": [{"id": 1010}, {"id": 999999}]})
    assert body["result"][0] == {"id": 1010, "status": "deleted"}
    assert body["result"][1]["reasons"][0]["code"] == "1004"
    assert c.get("/rest/v1/lead/1010.json")["result"] == []
    after = marketo.admin.get("/_admin/truth/leads")
    assert after["count"] == before["count"] - 1 and after["deleted_count"] == before["deleted_count"] + 1
    assert marketo.admin.get("/_admin/truth/leads/1010")["_sandbox"]["deleted"] is True


def test_admin_surface_for_leads(marketo: Marketo) -> None:
    admin = marketo.admin
    assert admin.get("/_admin/objects") == {  # the standard objects, then the seeded custom objects
        "objects": ["leads", "activities", "programs", "program_members", "companies", "files", "advocacyProgram_c",
                    "customerCommunity_c", "loyaltyProgram_c", "npsResponse_c", "productUsage_c"]}
    made = admin.post("/_admin/records/leads", {"fields": {"email": "walk.in@example.com", "firstName": "Walk"}})
    lead_id = made["id"]
    assert made["_sandbox"]["person_key"] is None and made["createdAt"] == made["updatedAt"]
    admin.advance_clock(5)
    edited = admin.patch(f"/_admin/records/leads/{lead_id}", {"fields": {"title": "Buyer"}})
    assert edited["title"] == "Buyer" and edited["updatedAt"] > made["updatedAt"]
    admin.advance_clock(5)
    custom = admin.patch(f"/_admin/records/leads/{lead_id}", {"fields": {"crmhubSegment": "SMB"}})
    # A custom field moves the internal modified time (the bulk updatedAt filter) but not visible updatedAt.
    assert custom["updatedAt"] == edited["updatedAt"]
    assert custom["_sandbox"]["modified_at"] > edited["_sandbox"]["modified_at"]
    assert admin.client.delete(f"/_admin/records/leads/{lead_id}?mode=soft").status_code == 400
    assert admin.delete(f"/_admin/records/leads/{lead_id}?mode=purge")["deleted"] is True
    assert admin.get(f"/_admin/truth/leads/{lead_id}")["_sandbox"]["purged"] is True

    touched = admin.post("/_admin/bulk_touch/leads", {"count": 40, "seed": 3})
    assert len(touched["ids"]) == 40
    stamps = {admin.get(f"/_admin/truth/leads/{i}")["updatedAt"] for i in touched["ids"][:10]}
    assert stamps == {touched["timestamp"]}

    edits = admin.post("/_admin/random_edits/leads", {"seed": 1, "edits": 6, "deletes": 2, "creates": 3})
    assert len(edits["edited"]) == 6 and len(edits["deleted"]) == 2 and len(edits["created"]) == 3
    for lead_id in edits["created"]:
        assert admin.get(f"/_admin/truth/leads/{lead_id}")["_sandbox"]["person_key"] is not None
    assert all(admin.get(f"/_admin/truth/leads/{i}")["_sandbox"]["deleted"] for i in edits["deleted"])
    truth = admin.get("/_admin/truth/leads", ids="true")
    assert truth["count"] == len(truth["ids"]) and set(edits["deleted"]) <= set(truth["deleted_ids"])
    assert datetime.fromisoformat(touched["timestamp"].replace("Z", "+00:00")).tzinfo is not None
