"""Marketo's default mapping: activity types become canonical activity types, web pages their url, and lead
fields their canonical names; the CSV of a bulk file is parsed as real CSV."""

from __future__ import annotations

from connectors.marketo.values import csv_records, flatten_activity
from mapping.apply import map_records
from mapping.spec import load_spec

TYPES = {1: "Visit Webpage", 2: "Fill Out Form", 3: "Click Link", 6: "Send Email", 10: "Open Email",
         11: "Click Email", 22: "Change Score", 46: "Interesting Moment"}


def activity(id_: int, type_id: int, **extra: object) -> dict[str, object]:
    return {"id": id_, "marketoGUID": str(id_), "leadId": 1001, "activityDate": "2025-03-01T10:00:00Z",
            "activityTypeId": type_id, **extra}


def test_activity_types_and_urls_map_to_the_canonical_activity() -> None:
    raw = [
        activity(1, 1, primaryAttributeValue="example.com/pricing",
                 attributes=[{"name": "Webpage URL", "value": "/pricing"}]),
        activity(2, 2, primaryAttributeValue="Demo Request Form"),
        activity(3, 3, primaryAttributeValue="https://example.com/docs"),
        activity(4, 6), activity(5, 10), activity(6, 11), activity(7, 46), activity(8, 22),
    ]
    records = [flatten_activity(a, TYPES) for a in raw]
    result = map_records(load_spec("marketo")["activities"], records, connection="m")
    assert not result.rejects
    rows = {r["source_id"]: r for r in result.rows}
    assert [rows[str(i)]["type"] for i in range(1, 9)] == [
        "web_visit", "form_fill", "web_visit", "email_sent", "email_open", "email_click", "other", "other"]
    assert rows["1"]["url"] == "/pricing" and rows["3"]["url"] == "https://example.com/docs"
    assert rows["7"]["custom"]["activityTypeName"] == "Interesting Moment"
    assert rows["1"]["occurred_at"].isoformat() == "2025-03-01T10:00:00+00:00"
    assert rows["1"]["lead_id"] is not None


def test_bulk_csv_keeps_quoted_commas_and_newlines_and_reads_null_as_empty() -> None:
    data = b'id,company,title\n1001,"Acme, Inc.","Head of\nGrowth"\n1002,null,CTO\n'
    assert list(csv_records(data)) == [{"id": "1001", "company": "Acme, Inc.", "title": "Head of\nGrowth"},
                                       {"id": "1002", "company": None, "title": "CTO"}]


def test_lead_fields_map_with_scoring_and_identity_fields_in_custom() -> None:
    lead = {"id": "1001", "firstName": "Ada", "lastName": "Ngata", "email": " Ada@Example.com ", "title": "CTO",
            "company": "Acme", "leadStatus": "MQL", "leadScore": 42, "sfdcLeadId": "00Q000000000001AAA",
            "createdAt": "2024-01-01T00:00:00Z", "updatedAt": "2024-02-01T00:00:00Z"}
    result = map_records(load_spec("marketo")["leads"], [lead], connection="m")
    row = result.rows[0]
    assert (row["email"], row["status"], row["title"]) == ("ada@example.com", "MQL", "CTO")
    assert row["custom"] == {"leadScore": 42, "sfdcLeadId": "00Q000000000001AAA"}
