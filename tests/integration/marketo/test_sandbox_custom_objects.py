"""Marketo sandbox over HTTPS: custom objects. The Metadata API (create a type, add fields, approve), records
through the REST API (query, sync, delete) with Marketo's codes, the seeded types (the customer programmes' too:
loyalty memberships, community memberships, advocacy activities), a lead's delete taking its records, and Bulk
Custom Object Extract with its filters and limits.

One small sandbox for the module (unlimited profile: these tests are about shapes and rules, not the call limits).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from sandbox.common.launcher import SandboxProcess
from tests.support.sandboxes.marketo import MarketoClient, error_code

NPS = "npsResponse_c"
# The customer programmes' types: API name -> (dedupe field, {field: data type} beside the link leadID)
PROGRAMMES = {
    "loyaltyProgram_c": ("membershipId", {"programName": "string", "tier": "string", "points": "integer",
                                          "pointsRedeemed": "integer", "enrolledOn": "date", "status": "string"}),
    "customerCommunity_c": ("memberId", {"communityName": "string", "memberRank": "string", "posts": "integer",
                                         "answers": "integer", "joinedOn": "date", "lastActiveOn": "date"}),
    "advocacyProgram_c": ("activityId", {"programName": "string", "activityType": "string", "status": "string",
                                         "performedOn": "date", "reviewSite": "string", "referredCompany": "string"}),
}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess("marketo", seed=5, scale=300, profile="unlimited", options={"export_job_s": "0"}) as sb:
        yield sb


@pytest.fixture(scope="module")
def client(sandbox: SandboxProcess) -> Iterator[MarketoClient]:
    admin = sandbox.admin()
    c = MarketoClient(sandbox, admin)
    yield c
    c.http.close()
    admin.close()


def _skip(result: dict, code: str) -> bool:
    return result["status"] == "skipped" and result["reasons"][0]["code"] == code


def test_seeded_types_are_listed_described_and_linked_to_leads(client: MarketoClient) -> None:
    listed = client.get("/rest/v1/customobjects.json")["result"]
    assert [t["name"] for t in listed] == ["advocacyProgram_c", "customerCommunity_c", "loyaltyProgram_c", NPS,
                                           "productUsage_c"]
    assert all("fields" not in t for t in listed)  # the list call carries no fields; describe does
    nps = client.get(f"/rest/v1/customobjects/{NPS}/describe.json")["result"][0]
    assert nps["idField"] == "marketoGUID" and nps["dedupeFields"] == ["responseId"]
    assert nps["searchableFields"] == [["responseId"], ["marketoGUID"], ["leadID"]]
    assert nps["relationships"] == [{"field": "leadID", "type": "child", "relatedTo": {"name": "Lead", "field": "id"}}]
    types = {f["name"]: f["dataType"] for f in nps["fields"]}
    assert types["leadID"] == "integer" and types["score"] == "integer" and types["respondedOn"] == "date"
    assert error_code(client.get("/rest/v1/customobjects/nosuch_c/describe.json")) == "1013"


def test_customer_programme_types_are_described_with_their_fields(client: MarketoClient) -> None:
    for name, (dedupe, fields) in PROGRAMMES.items():
        described = client.get(f"/rest/v1/customobjects/{name}/describe.json")["result"][0]
        assert described["dedupeFields"] == [dedupe], name
        assert described["relationships"] == [{"field": "leadID", "type": "child",
                                               "relatedTo": {"name": "Lead", "field": "id"}}], name
        types = {f["name"]: f["dataType"] for f in described["fields"]}
        assert types == {"marketoGUID": "string", "createdAt": "datetime", "updatedAt": "datetime", dedupe: "string",
                         "leadID": "integer", **fields}, name
        assert client.admin.get(f"/_admin/truth/{name}")["count"] > 5, name


def _all(client: MarketoClient, name: str, fields: str) -> list[dict]:
    ids = client.admin.get(f"/_admin/truth/{name}", ids="true")["ids"]
    return [row for i in range(0, len(ids), 100) for row in client.get(
        f"/rest/v1/customobjects/{name}.json", filterType="idField", filterValues=",".join(ids[i:i + 100]),
        fields=fields)["result"]]


def test_customer_programme_records_follow_the_customers(client: MarketoClient) -> None:
    live = {int(i) for i in client.admin.get("/_admin/truth/leads", ids="true")["ids"]}
    loyalty = _all(client, "loyaltyProgram_c", "leadID,tier,points,pointsRedeemed,enrolledOn,status")
    # One membership per customer, held by the lead that reports its product usage.
    usage_leads = {r["leadID"] for r in _all(client, "productUsage_c", "leadID")}
    assert {r["leadID"] for r in loyalty} <= usage_leads & live
    assert len({r["leadID"] for r in loyalty}) == len(loyalty)
    assert {r["tier"] for r in loyalty} <= {"Bronze", "Silver", "Gold", "Platinum"}
    assert all(r["points"] >= 0 and r["pointsRedeemed"] >= 0 for r in loyalty)
    community = _all(client, "customerCommunity_c", "leadID,communityName,posts,answers,joinedOn,lastActiveOn")
    assert {r["leadID"] for r in community} <= live
    assert all(r["answers"] <= r["posts"] and r["joinedOn"] <= r["lastActiveOn"] for r in community)
    assert "Northstar Community" in {r["communityName"] for r in community}
    advocacy = _all(client, "advocacyProgram_c", "leadID,activityType,status,reviewSite,referredCompany")
    assert {r["activityType"] for r in advocacy} <= {"reference", "case_study", "review", "referral"}
    assert all(("reviewSite" in r) == (r["activityType"] == "review") for r in advocacy)
    assert all(("referredCompany" in r) == (r["activityType"] == "referral") for r in advocacy)
    # Advocates are promoters: each answered an NPS wave with 9 or 10.
    advocates = sorted({r["leadID"] for r in advocacy})
    answers = client.get(f"/rest/v1/customobjects/{NPS}.json", filterType="leadID",
                         filterValues=",".join(map(str, advocates[:100])), fields="leadID,score")["result"]
    assert {a["leadID"] for a in answers if a["score"] >= 9} == set(advocates[:100])


def test_seeded_records_reference_live_leads_with_nps_scores(client: MarketoClient) -> None:
    truth = client.admin.get(f"/_admin/truth/{NPS}", ids="true")
    assert truth["count"] > 50
    # 150 GUIDs: 300 would pass Marketo's 8 KB URI limit (414); a client sends those as POST ?_method=GET.
    rows = client.get(f"/rest/v1/customobjects/{NPS}.json", filterType="idField",
                      filterValues=",".join(truth["ids"][:150]), fields="leadID,score,respondedOn")["result"]
    assert len(rows) == 150 and [r["seq"] for r in rows[:3]] == [0, 1, 2]
    assert all(0 <= r["score"] <= 10 for r in rows)
    leads = {r["leadID"] for r in rows}
    live = set(client.admin.get("/_admin/truth/leads", ids="true")["ids"])
    assert {str(lead) for lead in leads} <= live
    usage = client.admin.get("/_admin/truth/productUsage_c")["count"]
    assert 0 < usage < truth["count"] * 3  # monthly snapshots of customers' products, next to quarterly answers


def test_query_rules(client: MarketoClient) -> None:
    path = f"/rest/v1/customobjects/{NPS}.json"
    assert error_code(client.get(path, filterType="leadID")) == "1002"
    assert error_code(client.get(path, filterType="score", filterValues="9")) == "1003"  # not searchable
    assert error_code(client.get(path, filterType="leadID", filterValues=",".join(map(str, range(301))))) == "1003"
    assert error_code(client.get(path, filterType="leadID", filterValues="1001", fields="nosuch")) == "1006"
    some = client.get(path, filterType="idField",
                      filterValues=client.admin.get(f"/_admin/truth/{NPS}", ids="true")["ids"][0])["result"][0]
    assert set(some) == {"seq", "marketoGUID", "responseId", "createdAt", "updatedAt"}  # the default fields
    by_lead = client.get(path, filterType="leadID", filterValues=str(client.get(
        path, filterType="idField", filterValues=some["marketoGUID"], fields="leadID")["result"][0]["leadID"]))
    assert some["marketoGUID"] in {r["marketoGUID"] for r in by_lead["result"]}


def test_sync_and_delete_answer_per_record(client: MarketoClient) -> None:
    path = f"/rest/v1/customobjects/{NPS}.json"
    lead = int(client.admin.get("/_admin/truth/leads", ids="true")["ids"][0])
    results = client.post(path, {"action": "createOrUpdate", "input": [
        {"responseId": "T-1", "leadID": lead, "score": 9, "respondedOn": "2026-01-05"},
        {"responseId": "T-2", "leadID": 99_999_999, "score": 3},
        {"responseId": "T-3", "leadID": lead, "score": "high"},
        {"responseId": "T-4", "leadID": lead, "nosuch": 1},
        {"leadID": lead, "score": 5},
    ]})["result"]
    assert results[0]["status"] == "created" and results[0]["seq"] == 0
    assert _skip(results[1], "1004") and _skip(results[2], "1003") and _skip(results[3], "1006")
    assert _skip(results[4], "1003")  # no dedupe value
    guid = results[0]["marketoGUID"]
    again = client.post(path, {"action": "createOnly", "input": [{"responseId": "t-1 ", "leadID": lead}]})["result"]
    assert _skip(again[0], "1017")  # dedupe values match as Marketo's do: case and spaces aside
    by_id = client.post(path, {"action": "updateOnly", "dedupeBy": "idField",
                               "input": [{"marketoGUID": guid, "comment": "Great"},
                                         {"marketoGUID": "00000000-0000-4000-8000-000000000000", "score": 1},
                                         {"marketoGUID": guid, "responseId": "T-9"}]})["result"]
    assert by_id[0] == {"seq": 0, "marketoGUID": guid, "status": "updated"}
    assert _skip(by_id[1], "1013") and _skip(by_id[2], "1003")
    assert error_code(client.post(path, {"action": "createOnly", "dedupeBy": "idField", "input": []})) == "1003"
    gone = client.post(f"/rest/v1/customobjects/{NPS}/delete.json",
                       {"deleteBy": "dedupeFields", "input": [{"responseId": "T-1"}, {"responseId": "T-1"}]})
    assert gone["result"][0]["status"] == "deleted" and _skip(gone["result"][1], "1013")
    assert guid in client.admin.get(f"/_admin/truth/{NPS}", ids="true")["deleted_ids"]


def test_metadata_api_creates_a_type_that_serves_records_once_approved(client: MarketoClient) -> None:
    schema = "/rest/v1/customobjects/schema"
    assert client.post(f"{schema}.json", {"action": "createOnly", "apiName": "course_c", "displayName": "Course",
                                          "pluralName": "Courses"})["success"]
    draft = client.get(f"{schema}/course_c/describe.json")["result"][0]
    assert draft["state"] == "draft" and draft["idField"] is None
    assert error_code(client.post(f"{schema}/course_c/approve.json")) == "709"  # no dedupe field yet
    assert error_code(client.post(f"{schema}/course_c/addField.json", {"input": [
        {"name": "leadID", "displayName": "Lead ID", "dataType": "link",
         "relatedTo": {"name": "lead", "field": "phone"}}]})) == "1003"
    assert client.post(f"{schema}/course_c/addField.json", {"input": [
        {"name": "courseId", "displayName": "Course ID", "dataType": "string", "isDedupeField": True},
        {"name": "leadID", "displayName": "Lead ID", "dataType": "link", "relatedTo": {"name": "lead", "field": "id"}},
        {"name": "grade", "displayName": "Grade", "dataType": "float"}]})["success"]
    assert error_code(client.get("/rest/v1/customobjects/course_c/describe.json")) == "1013"  # not approved
    assert client.post(f"{schema}/course_c/approve.json")["success"]
    assert "course_c" in [t["name"] for t in client.get("/rest/v1/customobjects.json")["result"]]
    assert error_code(client.post(f"{schema}/course_c/addField.json", {"input": [
        {"name": "code2", "displayName": "Code 2", "dataType": "string", "isDedupeField": True}]})) == "709"
    assert error_code(client.post(f"{schema}.json", {"action": "createOnly", "apiName": "course_c",
                                                     "displayName": "Course again"})) == "1017"
    lead = int(client.admin.get("/_admin/truth/leads", ids="true")["ids"][1])
    made = client.post("/rest/v1/customobjects/course_c.json",
                       {"input": [{"courseId": "C-1", "leadID": lead, "grade": 3.5}]})["result"][0]
    assert made["status"] == "created"
    assert "course_c" in client.admin.get("/_admin/objects")["objects"]
    assert "float" in client.get(f"{schema}/fieldDataTypes.json")["result"]
    assert client.post(f"{schema}/course_c/delete.json")["success"]
    assert error_code(client.get("/rest/v1/customobjects/course_c.json", filterType="idField",
                                 filterValues=made["marketoGUID"])) == "1013"


def test_a_deleted_lead_takes_its_records(client: MarketoClient) -> None:
    path = f"/rest/v1/customobjects/{NPS}.json"
    truth = client.admin.get(f"/_admin/truth/{NPS}", ids="true")["ids"]
    lead = client.get(path, filterType="idField", filterValues=truth[5], fields="leadID")["result"][0]["leadID"]
    linked = {r["marketoGUID"] for r in client.get(path, filterType="leadID", filterValues=str(lead))["result"]}
    client.admin.delete(f"/_admin/records/leads/{lead}")
    after = set(client.admin.get(f"/_admin/truth/{NPS}", ids="true")["ids"])
    assert linked and not linked & after
    assert client.get(path, filterType="leadID", filterValues=str(lead))["result"] == []


def test_bulk_extract_exports_a_window_of_updated_records(client: MarketoClient) -> None:
    base = f"/bulk/v1/customobjects/{NPS}/export"
    now = datetime.now(UTC).replace(microsecond=0)
    window = {"startAt": (now - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ"),
              "endAt": (now + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")}
    assert error_code(client.post(f"{base}/create.json", {"fields": ["marketoGUID"]})) == "1002"
    assert error_code(client.post(f"{base}/create.json", {"fields": ["marketoGUID"], "filter": {"updatedAt": {
        "startAt": "2025-01-01T00:00:00Z", "endAt": "2025-03-01T00:00:00Z"}}})) == "1003"  # over 31 days
    assert error_code(client.post(f"{base}/create.json", {"fields": ["marketoGUID"], "filter": {
        "staticListId": 1}})) == "1013"
    assert error_code(client.post(f"{base}/create.json", {"fields": ["nosuch"], "filter": {
        "updatedAt": window}})) == "1003"
    edited = client.admin.post(f"/_admin/random_edits/{NPS}", {"seed": 1, "edits": 3})["edited"]
    job = client.post(f"{base}/create.json", {"fields": ["marketoGUID", "leadID", "score", "comment"],
                                              "format": "TSV", "filter": {"updatedAt": window}})["result"][0]
    assert job["status"] == "Created" and job["format"] == "TSV"
    # export_job_s=0: the job is processed as soon as it is queued
    assert client.post(f"{base}/{job['exportId']}/enqueue.json")["result"][0]["status"] in ("Queued", "Completed")
    assert error_code(client.post(f"{base}/{job['exportId']}/enqueue.json")) is not None  # never twice
    status = client.get(f"{base}/{job['exportId']}/status.json")["result"][0]
    assert status["status"] == "Completed" and status["fileChecksum"].startswith("sha256:")
    data = client.raw("GET", f"{base}/{job['exportId']}/file.json").text
    rows = list(csv.DictReader(io.StringIO(data), delimiter="\t"))
    assert set(edited) <= {r["marketoGUID"] for r in rows} and len(rows) == status["numberOfRecords"]
    assert list(rows[0]) == ["marketoGUID", "leadID", "score", "comment"]
    listed = client.get(f"{base}.json", status="Completed")["result"]
    assert job["exportId"] in [j["exportId"] for j in listed]
    other = client.get(f"/bulk/v1/customobjects/productUsage_c/export/{job['exportId']}/status.json")
    assert error_code(other) == "1003"  # a job belongs to its type
