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


def test_company_rollup_keys_on_the_normalised_name_and_takes_the_newest_value_per_field() -> None:
    from connectors.marketo.companies import company_key, domain_of, rollup

    assert company_key("  ACME   Corp ") == company_key("acme corp") == "acme corp"
    assert company_key("   ") is None and company_key(None) is None
    assert domain_of("https://www.Acme.com/about") == domain_of("www.acme.com") == "acme.com"
    leads = [
        {"id": "1", "company": "Acme Corp", "industry": "Retail", "numberOfEmployees": 40,
         "website": "www.acme.com", "updatedAt": "2024-01-01T00:00:00Z", "createdAt": "2023-01-01T00:00:00Z"},
        {"id": "2", "company": "ACME  corp", "industry": "Software", "numberOfEmployees": None,
         "updatedAt": "2025-01-01T00:00:00Z", "createdAt": "2024-06-01T00:00:00Z"},
        {"id": "2", "company": "ACME  corp", "industry": "Software", "updatedAt": "2025-01-01T00:00:00Z"},  # twice
        {"id": "3", "company": None, "industry": "Nothing"},
    ]
    accounts = rollup(leads)
    assert list(accounts) == ["acme corp"]
    acme = accounts["acme corp"]
    # The newest lead wins where it has a value; an empty value falls through to the next newest.
    assert (acme["company"], acme["industry"], acme["numberOfEmployees"]) == ("ACME  corp", "Software", 40)
    assert (acme["domain"], acme["leadCount"]) == ("acme.com", 2)
    assert (acme["createdAt"], acme["updatedAt"]) == ("2023-01-01T00:00:00Z", "2025-01-01T00:00:00Z")
    rows = map_records(load_spec("marketo")["companies"], [acme], connection="m").rows
    assert (rows[0]["name"], rows[0]["employees"], rows[0]["source_id"]) == ("ACME  corp", 40, "acme corp")


def test_a_lead_refers_to_its_company_account_by_the_same_canonical_id() -> None:
    from connectors.marketo.companies import with_company_key
    from mapping.canonical_ids import canonical_id

    lead = with_company_key({"id": "1001", "lastName": "Ngata", "email": "a@acme.com", "company": " Acme  Corp"})
    row = map_records(load_spec("marketo")["leads"], [lead], connection="m").rows[0]
    assert row["account_id"] == canonical_id("m", "companies", "acme corp")
    alone = map_records(load_spec("marketo")["leads"], [with_company_key({"id": "1002", "lastName": "X"})],
                        connection="m").rows[0]
    assert alone["account_id"] is None


def test_programs_and_members_map_to_campaigns_with_the_asset_apis_datetimes() -> None:
    from connectors.marketo.programs import asset_instant, member_record, program_record

    assert asset_instant("2017-01-06T21:06:42Z+0000") == "2017-01-06T21:06:42Z"
    assert asset_instant("2017-01-06T21:06:42Z+0100") == "2017-01-06T20:06:42Z"  # the offset applied, not dropped
    program = program_record({"id": 1101, "name": "FY Demo Requests", "type": "Default", "channel": "Web Request",
                              "status": "", "createdAt": "2022-10-03T00:00:00Z+0000",
                              "updatedAt": "2025-08-24T00:00:00Z+0000", "workspace": "Default",
                              "folder": {"type": "Folder", "value": 42, "folderName": "Marketing Activities"},
                              "tags": [], "costs": [{"startDate": "2025-01-01", "cost": 1200}]})
    rows = map_records(load_spec("marketo")["programs"], [program], connection="m").rows
    assert (rows[0]["name"], rows[0]["type"], rows[0]["actual_cost"], rows[0]["active"]) == (
        "FY Demo Requests", "Default", 1200.0, True)
    assert rows[0]["updated_at"].isoformat() == "2025-08-24T00:00:00+00:00"
    member = member_record("1101", {"seq": 0, "leadId": 1234, "progressionStatus": "Filled-out Form",
                                    "reachedSuccess": True, "reachedSuccessDate": "2025-03-02T10:00:00Z",
                                    "membershipDate": "2025-03-02T10:00:00Z"})
    assert member["id"] == "1101:1234"
    row = map_records(load_spec("marketo")["program_members"], [member], connection="m").rows[0]
    assert (row["status"], row["responded"], str(row["first_responded_at"])) == (
        "Filled-out Form", True, "2025-03-02")
    assert row["campaign_id"] == rows[0]["id"]
