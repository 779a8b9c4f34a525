"""Marketo sandbox over HTTPS: bulk lead and activity extracts, their queue, quotas, files and checksums."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.support.sandboxes.marketo import Marketo, error_code, live_ids, shared


@pytest.fixture(scope="module")
def marketo(request: pytest.FixtureRequest) -> Marketo:
    return shared(request)

LEADS = "/bulk/v1/leads/export"
ACTIVITIES = "/bulk/v1/activities/export"
ISO = "%Y-%m-%dT%H:%M:%SZ"
JUNE = {"startAt": "2025-06-01T00:00:00Z", "endAt": "2025-07-01T00:00:00Z"}


def _create(m: Marketo, base: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = m.client.post(f"{base}/create.json", body)
    assert answer["success"], answer
    job = answer["result"][0]
    assert job["status"] == "Created" and job["format"] == body.get("format", "CSV")
    return job


def _run(m: Marketo, base: str, body: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    job = _create(m, base, body)
    queued = m.client.post(f"{base}/{job['exportId']}/enqueue.json")["result"][0]
    assert queued["status"] in ("Queued", "Processing") and "queuedAt" in queued
    m.admin.advance_clock(61)
    status = m.client.get(f"{base}/{job['exportId']}/status.json")["result"][0]
    assert status["status"] == "Completed", status
    data = m.client.raw("GET", f"{base}/{job['exportId']}/file.json").content
    return status, data


def test_lead_export_lifecycle_and_file(marketo: Marketo) -> None:
    c = marketo.client
    c.fresh_window()
    body = {"fields": ["id", "email", "firstName", "annualRevenue", "sfdcLeadId", "updatedAt"],
            "format": "CSV", "columnHeaderNames": {"id": "Marketo Id"}, "filter": {"createdAt": JUNE}}
    job = _create(marketo, LEADS, body)
    file_url = f"{LEADS}/{job['exportId']}/file.json"
    early = c.raw("GET", file_url)
    assert early.status_code == 404 and early.headers["content-type"].startswith("text/plain")
    c.post(f"{LEADS}/{job['exportId']}/enqueue.json")
    assert c.raw("GET", file_url).status_code == 404
    again = c.post(f"{LEADS}/{job['exportId']}/enqueue.json")
    assert again["errors"] == [{"code": "1029", "message": "Job already queued"}]
    marketo.admin.advance_clock(61)
    status = c.get(f"{LEADS}/{job['exportId']}/status.json")["result"][0]
    assert status["status"] == "Completed"
    assert {"startedAt", "finishedAt", "numberOfRecords", "fileSize", "fileChecksum"} <= set(status)
    data = c.raw("GET", file_url).content
    assert status["fileChecksum"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert status["fileSize"] == len(data)
    rows = list(csv.reader(io.StringIO(data.decode())))
    assert rows[0] == ["Marketo Id", "email", "firstName", "annualRevenue", "sfdcLeadId", "updatedAt"]
    assert len(rows) - 1 == status["numberOfRecords"] > 10
    assert any(r[4] == "null" for r in rows[1:]) and all(r[0].isdigit() for r in rows[1:])
    part = c.raw("GET", file_url, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and part.content == data[:100]
    assert part.headers["content-range"] == f"bytes 0-99/{len(data)}"
    tail = c.raw("GET", file_url, headers={"Range": f"bytes={len(data) - 10}-"})
    assert tail.status_code == 206 and tail.content == data[-10:]


def test_export_definitions_are_checked(marketo: Marketo) -> None:
    c = marketo.client
    c.fresh_window()
    long = {"startAt": "2025-01-01T00:00:00Z", "endAt": "2025-02-02T00:00:00Z"}
    assert error_code(c.post(f"{LEADS}/create.json", {"fields": ["id"], "filter": {"createdAt": long}})) == "1003"
    millis = {"startAt": "2025-01-01T00:00:00.000Z", "endAt": "2025-01-02T00:00:00Z"}
    assert error_code(c.post(f"{LEADS}/create.json", {"fields": ["id"], "filter": {"createdAt": millis}})) == "704"
    assert error_code(c.post(f"{LEADS}/create.json", {"filter": {"createdAt": JUNE}})) == "1002"
    assert error_code(c.post(f"{LEADS}/create.json", {"fields": ["nope"], "filter": {"createdAt": JUNE}})) == "1003"
    assert error_code(c.post(f"{LEADS}/create.json", {"fields": ["id"], "filter": {
        "createdAt": JUNE, "updatedAt": JUNE}})) == "1003"
    assert error_code(c.post(f"{LEADS}/create.json", {"fields": ["id"], "format": "XLS",
                                                        "filter": {"createdAt": JUNE}})) == "1003"
    assert error_code(c.post(f"{ACTIVITIES}/create.json", {"filter": {"activityTypeIds": [1]}})) == "1002"
    assert error_code(c.post(f"{ACTIVITIES}/create.json", {"filter": {
        "createdAt": JUNE, "activityTypeIds": [37]}})) == "1003"
    assert error_code(c.get(f"{LEADS}/00000000-0000-0000-0000-000000000000/status.json")) == "1003"


def test_updated_at_filter_is_a_subscription_setting(marketo: Marketo) -> None:
    c = marketo.client
    c.fresh_window()
    marketo.admin.patch("/_admin/settings", {"updated_at_filter": False})
    try:
        refused = c.post(f"{LEADS}/create.json", {"fields": ["id"], "filter": {"updatedAt": JUNE}})
        assert refused["errors"] == [{"code": "1035",
                                      "message": "Unsupported filter type for target subscription: updatedAt"}]
    finally:
        marketo.admin.patch("/_admin/settings", {"updated_at_filter": True})
    # A custom-field-only change leaves the visible updatedAt alone, but the updatedAt export still sees it.
    [lead_id] = live_ids(marketo, offset=700, count=1)
    before = c.get(f"/rest/v1/lead/{lead_id}.json", fields="updatedAt")["result"][0]["updatedAt"]
    marketo.admin.advance_clock(3600)
    c.post("/rest/v1/leads.json", {"action": "updateOnly", "lookupField": "id",
                                   "input": [{"id": lead_id, "crmhubSegment": "Strategic"}]})
    assert c.get(f"/rest/v1/lead/{lead_id}.json", fields="updatedAt")["result"][0]["updatedAt"] == before
    now = datetime.fromisoformat(marketo.admin.get("/_admin/clock")["now"])
    window = {"startAt": (now - timedelta(days=1)).strftime(ISO), "endAt": (now + timedelta(seconds=5)).strftime(ISO)}
    _, data = _run(marketo, LEADS, {"fields": ["id", "crmhubSegment"], "filter": {"updatedAt": window}})
    assert f"{lead_id},Strategic" in data.decode()


def test_queue_limits_two_running_ten_queued(marketo: Marketo) -> None:
    c = marketo.client
    c.fresh_window()
    marketo.admin.advance_clock(600)  # let earlier jobs finish
    ids = [_create(marketo, LEADS, {"fields": ["id"], "filter": {"createdAt": JUNE}})["exportId"] for _ in range(11)]
    for export_id in ids[:10]:
        assert c.post(f"{LEADS}/{export_id}/enqueue.json")["success"]
    full = c.post(f"{LEADS}/{ids[10]}/enqueue.json")
    assert full["errors"] == [{"code": "1029", "message": "Too many jobs (10) in queue"}]
    listing = c.get(f"{LEADS}.json", status="Processing,Queued")["result"]
    assert Counter(j["status"] for j in listing) == {"Processing": 2, "Queued": 8}
    cancelled = c.post(f"{LEADS}/{ids[9]}/cancel.json")["result"][0]
    assert cancelled["status"] == "Cancelled"
    assert c.post(f"{LEADS}/{ids[10]}/enqueue.json")["success"]
    marketo.admin.advance_clock(61)
    listing = c.get(f"{LEADS}.json", status="Processing,Queued,Completed")["result"]
    mine = [j for j in listing if j["exportId"] in ids]
    assert Counter(j["status"] for j in mine) == {"Completed": 2, "Processing": 2, "Queued": 6}
    marketo.admin.advance_clock(61 * 5)
    assert all(c.get(f"{LEADS}/{i}/status.json")["result"][0]["status"] == "Completed" for i in ids[:3])


def test_daily_export_quota(marketo: Marketo) -> None:
    c = marketo.client
    c.fresh_window()
    marketo.admin.patch("/_admin/settings", {"export_daily_mb": 0})
    try:
        blocked = c.post(f"{LEADS}/create.json", {"fields": ["id"], "filter": {"createdAt": JUNE}})
        assert blocked["errors"] == [{"code": "1029", "message": "Export daily quota exceeded"}]
    finally:
        marketo.admin.patch("/_admin/settings", {"export_daily_mb": 500})


def test_activity_export_and_checksum_corruption(marketo: Marketo) -> None:
    c = marketo.client
    c.fresh_window()
    marketo.admin.advance_clock(600)
    body = {"format": "TSV", "filter": {"createdAt": JUNE, "activityTypeIds": [1, 2]}}
    status, data = _run(marketo, ACTIVITIES, body)
    rows = list(csv.reader(io.StringIO(data.decode()), delimiter="\t"))
    assert rows[0] == ["marketoGUID", "leadId", "activityDate", "activityTypeId", "campaignId",
                       "primaryAttributeValueId", "primaryAttributeValue", "attributes"]
    assert len(rows) - 1 == status["numberOfRecords"] > 50
    assert {r[3] for r in rows[1:]} == {"1", "2"} and all(r[2].startswith("2025-06") for r in rows[1:])
    assert "Webpage URL" in json.loads(next(r for r in rows[1:] if r[3] == "1")[7])
    forms = _run(marketo, ACTIVITIES, {"fields": ["leadId", "primaryAttributeValueId"], "filter": {
        "createdAt": JUNE, "activityTypeIds": [2], "primaryAttributeValueIds": [2001]}})[1].decode().splitlines()
    assert forms[0] == "leadId,primaryAttributeValueId" and all(r.endswith(",2001") for r in forms[1:])

    corrupt = marketo.admin.post(f"/_admin/corrupt_export/{status['exportId']}")
    assert corrupt["fileChecksum"] == status["fileChecksum"] != corrupt["actualChecksum"]
    broken = c.raw("GET", f"{ACTIVITIES}/{status['exportId']}/file.json").content
    assert "sha256:" + hashlib.sha256(broken).hexdigest() != status["fileChecksum"]
    assert c.get(f"{ACTIVITIES}/{status['exportId']}/status.json")["result"][0]["fileChecksum"] == \
        status["fileChecksum"]
    # Files are kept seven days after the job finished, and then answer 404.
    marketo.admin.advance_clock(8 * 86_400)
    c.authenticate()
    assert c.raw("GET", f"{ACTIVITIES}/{status['exportId']}/file.json").status_code == 404
