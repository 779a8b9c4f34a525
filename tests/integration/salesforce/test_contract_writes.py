"""Salesforce writes beyond the contract: upsert by external id, Bulk 2.0 ingest with failed rows read back, and a
record a person changed since crmhub read it reported as a conflict instead of being overwritten."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from connectors.base import OutboundChange
from sandbox.common.launcher import SandboxProcess
from tests.contract.crms.salesforce import OBJECTS, connector, salesforce_harness
from tests.contract.harness import Harness


@pytest.fixture(scope="module")
def sf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    with SandboxProcess("salesforce", scale=400, state_dir=tmp_path_factory.mktemp("sf-writes"),
                        options={"bulk_latency_s": "0.1"}) as sb:
        yield salesforce_harness(sb, "salesforce_test", OBJECTS)


def truth(sf: Harness, obj: str, rid: str) -> dict[str, object]:
    return sf.admin.get(f"/_admin/truth/{obj}/{rid}")


def test_upsert_by_external_id_creates_then_updates(sf: Harness) -> None:
    conn = connector(sf.info)
    spec = sf.spec(conn, "Account")
    first = conn.write(spec, [OutboundChange("External_Id__c=CRMHUB-NEW-1", {"Name": "Upserted Inc"})])
    assert [r.status for r in first] == ["created"], first
    second = conn.write(spec, [OutboundChange("External_Id__c=CRMHUB-NEW-1", {"Name": "Upserted Again Inc"}),
                               OutboundChange("External_Id__c=CRMHUB-NEW-2", {"Rating": "Not a rating"})])
    assert second[0].status == "updated"
    assert second[1].status == "failed" and not second[1].retryable and second[1].fields == ("Name",)
    assert "REQUIRED_FIELD_MISSING" in second[1].message and "CRMHUB-NEW-2" in second[1].message
    names = {r["Name"] for r in conn.client.get_json("query", params={
        "q": "SELECT Name FROM Account WHERE External_Id__c = 'CRMHUB-NEW-1'"})["records"]}
    assert names == {"Upserted Again Inc"}


def test_bulk_ingest_reports_each_record(sf: Harness) -> None:
    conn = connector(sf.info, bulk_write_threshold=3)
    spec = sf.spec(conn, "Contact")
    ids = sf.ordered(sf.truth_ids("Contact"))[:4]
    changes = [OutboundChange(ids[0], {"Title": "Bulk Title 0"}), OutboundChange(ids[1], {"Score__c": 500}),
               OutboundChange(ids[2], {"Title": "Bulk Title 2"}), OutboundChange(ids[3], {"Title": None})]
    sf.admin.reset_calls()
    results = conn.write(spec, changes)
    assert [r.source_id for r in results] == ids
    assert [r.status for r in results] == ["updated", "failed", "updated", "updated"], results
    assert not results[1].retryable and "FIELD_CUSTOM_VALIDATION_EXCEPTION" in results[1].message
    assert sf.admin.calls()["by_endpoint"].get("bulk_ingest_create") == 1
    assert truth(sf, "Contact", ids[0])["Title"] == "Bulk Title 0"
    assert truth(sf, "Contact", ids[3])["Title"] is None  # #N/A: set to null, not left unchanged


def test_a_record_a_person_changed_since_it_was_read_is_a_conflict(sf: Harness) -> None:
    conn = connector(sf.info)
    spec = sf.spec(conn, "Contact")
    touched, untouched = sf.ordered(sf.truth_ids("Contact"))[10:12]
    seen = {rid: str(truth(sf, "Contact", rid)["SystemModstamp"]) for rid in (touched, untouched)}
    sf.admin.patch(f"/_admin/records/Contact/{touched}", {"fields": {"Title": "Changed By A Person"}})
    results = conn.write(spec, [OutboundChange(touched, {"Title": "From crmhub"}, expected_version=seen[touched]),
                                OutboundChange(untouched, {"Title": "From crmhub"}, expected_version=seen[untouched])])
    assert [r.status for r in results] == ["conflict", "updated"], results
    assert truth(sf, "Contact", touched)["Title"] == "Changed By A Person"
    assert truth(sf, "Contact", untouched)["Title"] == "From crmhub"
