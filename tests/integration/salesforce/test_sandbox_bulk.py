"""Bulk API 2.0 over real HTTPS: query jobs (states, CSV pages, locators) and ingest jobs (upload once, results,
failures, aborts, upsert and deletes), then simple-salesforce's bulk2 against the sandbox."""

from __future__ import annotations

import base64
import csv
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from tests.support.sandboxes.salesforce import SalesforceSandbox, V, error_code, running_salesforce

LATENCY = 2.0


@pytest.fixture(scope="module")
def sf() -> Iterator[SalesforceSandbox]:
    with running_salesforce(scale=1000, profile="unlimited", options={"bulk_latency_s": str(LATENCY)}) as sandbox:
        yield sandbox


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _finish(sf: SalesforceSandbox, kind: str, job_id: str) -> dict[str, Any]:
    sf.admin.advance_clock(LATENCY + 0.1)
    info = sf.api.get(f"{V}/jobs/{kind}/{job_id}").json()
    assert info["state"] in ("JobComplete", "Failed"), info
    return dict(info)


def _ingest(sf: SalesforceSandbox, body: dict[str, Any], data: str) -> dict[str, Any]:
    job = sf.api.post(f"{V}/jobs/ingest", json={"contentType": "CSV", **body}).json()
    assert job["state"] == "Open" and job["contentUrl"].endswith(f"/jobs/ingest/{job['id']}/batches")
    upload = sf.api.put(f"{V}/jobs/ingest/{job['id']}/batches", content=data.encode(),
                        headers={"Content-Type": "text/csv"})
    assert upload.status_code == 201
    closed = sf.api.patch(f"{V}/jobs/ingest/{job['id']}", json={"state": "UploadComplete"}).json()
    assert closed["state"] == "UploadComplete"
    return _finish(sf, "ingest", job["id"])


def test_query_job_lifecycle_and_paged_csv(sf: SalesforceSandbox) -> None:
    created = sf.api.post(f"{V}/jobs/query", json={"operation": "query",
                                                   "query": "SELECT Id, Name, Owner.Name, CreatedDate FROM Account"})
    job = created.json()
    assert created.status_code == 200 and job["state"] == "UploadComplete" and job["id"].startswith("750")
    early = sf.api.get(f"{V}/jobs/query/{job['id']}/results")
    assert early.status_code == 412 and error_code(early) == "JOB_NOT_COMPLETE"
    sf.admin.advance_clock(LATENCY * 0.6)
    assert sf.api.get(f"{V}/jobs/query/{job['id']}").json()["state"] == "InProgress"
    info = _finish(sf, "query", job["id"])
    total = len(sf.live_ids("Account"))
    assert info["state"] == "JobComplete" and info["numberRecordsProcessed"] == total and info["jobType"] == "V2Query"
    seen: list[dict[str, str]] = []
    locator, pages = None, 0
    while True:
        params: dict[str, Any] = {"maxRecords": 50, **({"locator": locator} if locator else {})}
        page = sf.api.get(f"{V}/jobs/query/{job['id']}/results", params=params)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/csv")
        rows = _rows(page.text)
        assert int(page.headers["Sforce-NumberOfRecords"]) == len(rows) <= 50
        seen += rows
        pages += 1
        locator = page.headers["Sforce-Locator"]
        if locator == "null":
            break
        assert base64.b64decode(locator + "==").decode() == str(len(seen))
    assert pages == -(-total // 50) and len({r["Id"] for r in seen}) == total
    assert list(seen[0]) == ["Id", "Name", "Owner.Name", "CreatedDate"]
    assert seen[0]["CreatedDate"].endswith("Z") and page.text.startswith('"Id","Name","Owner.Name","CreatedDate"')
    other_version = sf.api.get(f"/services/data/v61.0/jobs/query/{job['id']}/results")
    assert other_version.status_code == 409
    assert sf.api.delete(f"{V}/jobs/query/{job['id']}").status_code == 204


def test_query_all_jobs_and_refusals(sf: SalesforceSandbox) -> None:
    victim = sf.live_ids("Task")[0]
    sf.api.delete(f"{V}/sobjects/Task/{victim}")
    soql = f"SELECT Id, IsDeleted FROM Task WHERE Id = '{victim}'"
    jobs = {op: sf.api.post(f"{V}/jobs/query", json={"operation": op, "query": soql}).json()["id"]
            for op in ("query", "queryAll")}
    sf.admin.advance_clock(LATENCY + 0.1)
    found = {op: _rows(sf.api.get(f"{V}/jobs/query/{jid}/results").text) for op, jid in jobs.items()}
    assert found["query"] == [] and found["queryAll"] == [{"Id": victim, "IsDeleted": "true"}]
    count = sf.api.post(f"{V}/jobs/query", json={"operation": "query", "query": "SELECT COUNT() FROM Task"})
    assert count.status_code == 400
    bad = sf.api.post(f"{V}/jobs/query", json={"operation": "query", "query": "SELECT Nope FROM Task"})
    assert error_code(bad) == "INVALID_FIELD"
    listed = sf.api.get(f"{V}/jobs/query").json()
    assert listed["done"] is True and {j["id"] for j in listed["records"]} >= set(jobs.values())


def test_ingest_insert_results_and_failures(sf: SalesforceSandbox) -> None:
    account_ext = sf.records("SELECT External_Id__c FROM Account WHERE External_Id__c != null LIMIT 1")[0]
    data = ("LastName,FirstName,Email,Account.External_Id__c\n"
            f"Bulkson,Bea,bea@bulk.example,{account_ext['External_Id__c']}\n"
            ",Nobody,nobody@bulk.example,\n"
            "Bulkova,Vera,not-an-email,\n")
    info = _ingest(sf, {"object": "Contact", "operation": "insert"}, data)
    assert info["numberRecordsProcessed"] == 3 and info["numberRecordsFailed"] == 2
    ok = _rows(sf.api.get(f"{V}/jobs/ingest/{info['id']}/successfulResults").text)
    assert len(ok) == 1 and ok[0]["sf__Created"] == "true" and ok[0]["LastName"] == "Bulkson"
    contact = sf.api.get(f"{V}/sobjects/Contact/{ok[0]['sf__Id']}").json()
    assert contact["AccountId"] and contact["Email"] == "bea@bulk.example"
    failed = sf.api.get(f"{V}/jobs/ingest/{info['id']}/failedResults")
    assert failed.text.startswith('"sf__Id","sf__Error","LastName"')
    errors = sorted(r["sf__Error"] for r in _rows(failed.text))
    assert errors[0] == "INVALID_EMAIL_ADDRESS:Email: invalid email address: not-an-email:Email --"
    assert errors[1] == "REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --"


def test_ingest_upsert_update_delete_and_job_rules(sf: SalesforceSandbox) -> None:
    upsert = _ingest(sf, {"object": "Account", "operation": "upsert", "externalIdFieldName": "External_Id__c"},
                     "External_Id__c,Name,Rating\nBULK-1,Bulk One,Hot\nBULK-1,Bulk One Again,Cold\nBULK-2,Bulk Two,\n")
    assert upsert["numberRecordsFailed"] == 0
    created = {r["External_Id__c"]: r for r in _rows(
        sf.api.get(f"{V}/jobs/ingest/{upsert['id']}/successfulResults").text)}
    one = sf.api.get(f"{V}/sobjects/Account/External_Id__c/BULK-1").json()
    assert one["Name"] == "Bulk One Again" and one["Rating"] == "Cold"
    two = created["BULK-2"]["sf__Id"]
    update = _ingest(sf, {"object": "Account", "operation": "update"}, f"Id,Rating,Website\n{two},#N/A,bulk.example\n")
    assert update["numberRecordsFailed"] == 0
    assert sf.api.get(f"{V}/sobjects/Account/{two}").json()["Website"] == "bulk.example"
    hard = _ingest(sf, {"object": "Account", "operation": "hardDelete"}, f"Id\n{two}\n")
    assert hard["numberRecordsProcessed"] == 1
    assert sf.records(f"SELECT Id FROM Account WHERE Id = '{two}'", all_rows=True) == []
    failed = _ingest(sf, {"object": "Account", "operation": "insert"}, "Name,Colour__c\nX,red\n")
    assert failed["state"] == "Failed" and "Colour__c" in failed["errorMessage"]
    job = sf.api.post(f"{V}/jobs/ingest", json={"object": "Lead", "operation": "insert"}).json()
    url = f"{V}/jobs/ingest/{job['id']}"
    assert sf.api.put(f"{url}/batches", content=b"LastName,Company\nA,B\nC,D\n").status_code == 201
    twice = sf.api.put(f"{url}/batches", content=b"LastName,Company\nE,F\n")
    assert twice.status_code == 400 and error_code(twice) == "BULK_API_ERROR"
    assert sf.api.patch(url, json={"state": "Aborted"}).json()["state"] == "Aborted"
    assert len(_rows(sf.api.get(f"{url}/unprocessedrecords").text)) == 2
    assert job["id"] in {j["id"] for j in sf.api.get(f"{V}/jobs/ingest").json()["records"]}
    assert sf.api.delete(url).status_code == 204 and sf.api.get(url).status_code == 404
    bad_ext = sf.api.post(f"{V}/jobs/ingest", json={"object": "Lead", "operation": "upsert",
                                                     "externalIdFieldName": "Email"})
    assert error_code(bad_ext) == "INVALIDJOB"


@contextmanager
def jobs_keep_moving(sf: SalesforceSandbox) -> Iterator[None]:
    """While a library polls a job, let the job's processing time pass on the sandbox clock (not the wall's)."""
    stop = threading.Event()

    def push() -> None:
        with httpx.Client(base_url=sf.info.https_url, verify=sf.info.ca_path, timeout=30) as admin:
            while not stop.wait(0.1):
                admin.post("/_admin/clock", json={"advance_seconds": LATENCY})
    pusher = threading.Thread(target=push, daemon=True)
    pusher.start()
    try:
        yield
    finally:
        stop.set()
        pusher.join()


def test_simple_salesforce_bulk2(sf: SalesforceSandbox) -> None:
    client = sf.simple_salesforce()
    with jobs_keep_moving(sf):
        pages = list(client.bulk2.Opportunity.query("SELECT Id, Name FROM Opportunity", max_records=40, wait=0.1))
        results = client.bulk2.Campaign.insert(records=[{"Name": "Bulk2 A"}, {"Name": ""}], wait=0.1)
    rows = [r for page in pages for r in _rows(page)]
    assert len(pages) > 1 and len(rows) == len(sf.live_ids("Opportunity"))
    assert results[0]["numberRecordsProcessed"] == 2 and results[0]["numberRecordsFailed"] == 1
    failed = _rows(client.bulk2.Campaign.get_failed_records(results[0]["job_id"]))
    assert failed[0]["sf__Error"].startswith("REQUIRED_FIELD_MISSING")
