"""Reading from the Dynamics sandbox over HTTPS: OData options, paging, annotations, errors, metadata."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import unquote

import pytest

from tests.support.sandboxes.dynamics import FORMATTED, DynamicsApi, collate, error_code, running


@pytest.fixture(scope="module")
def api() -> Iterator[DynamicsApi]:
    with running(scale=1500) as (_, client):
        yield client


def test_select_filter_orderby_top(api: DynamicsApi) -> None:
    resp = api.get("contacts?$select=fullname,emailaddress1&$filter=statecode eq 0 and startswith(fullname,'a')"
                   "&$orderby=fullname asc&$top=5")
    assert resp.status_code == 200
    body = resp.json()
    assert body["@odata.context"].endswith("$metadata#contacts(fullname,emailaddress1)")
    names = [r["fullname"] for r in body["value"]]
    assert 0 < len(names) <= 5 and "@odata.nextLink" not in body
    assert all(n.lower().startswith("a") for n in names)
    assert names == sorted(names, key=collate)
    row = body["value"][0]
    assert set(row) == {"@odata.etag", "fullname", "emailaddress1", "contactid"}
    assert re.fullmatch(r'W/"\d+"', row["@odata.etag"])


def test_string_comparisons_ignore_case_like_sql_server(api: DynamicsApi) -> None:
    first = api.get("accounts?$select=name&$filter=name ne null&$top=1").json()["value"][0]["name"]
    found = api.get(f"accounts?$select=name&$filter=name eq '{first.upper().replace(chr(39), chr(39) * 2)}'")
    assert first in [r["name"] for r in found.json()["value"]]


def test_null_comparisons_follow_sql_three_valued_logic(api: DynamicsApi) -> None:
    total = api.get("accounts/$count").text
    with_number = api.get("accounts?$count=true&$select=name&$filter=accountnumber ne null").json()["@odata.count"]
    unknown = api.get("accounts?$count=true&$select=name&$filter=not (numberofemployees eq null)").json()
    assert unknown["@odata.count"] == int(total) == with_number


def test_lookups_annotations_and_formatted_values(api: DynamicsApi) -> None:
    prefer = 'odata.include-annotations="*"'
    resp = api.get("contacts?$select=fullname,_parentcustomerid_value,statecode,createdon&$top=3", prefer)
    assert 'odata.include-annotations="*"' in resp.headers["preference-applied"]
    row = resp.json()["value"][0]
    assert row["_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname"] == "account"
    assert row["_parentcustomerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty"] == (
        "parentcustomerid_account")
    account = api.get(f"accounts({row['_parentcustomerid_value']})?$select=name").json()
    assert row[f"_parentcustomerid_value@{FORMATTED}"] == account["name"]
    assert row[f"statecode@{FORMATTED}"] == "Active" and isinstance(row["statecode"], int)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row["createdon"])
    only_formatted = api.get("accounts?$select=revenue&$filter=revenue gt 0&$top=1",
                             f'odata.include-annotations="{FORMATTED}"').json()["value"][0]
    assert only_formatted[f"revenue@{FORMATTED}"].startswith("$")


def test_expand_a_lookup(api: DynamicsApi) -> None:
    resp = api.get("accounts?$select=name&$expand=primarycontactid($select=fullname)&$filter=_primarycontactid_value"
                   " ne null&$top=2")
    body = resp.json()
    assert body["@odata.context"].endswith("accounts(name,primarycontactid(fullname))")
    contact = body["value"][0]["primarycontactid"]
    assert set(contact) == {"fullname", "contactid"}


def test_filter_through_a_lookup_and_order_by_its_name(api: DynamicsApi) -> None:
    contact = api.get("contacts?$select=_parentcustomerid_value&$filter=_parentcustomerid_value ne null"
                      "&$top=1").json()["value"][0]
    account = api.get(f"accounts({contact['_parentcustomerid_value']})?$select=name").json()["name"]
    quoted = account.replace("'", "''")
    through = api.get(f"contacts?$select=contactid&$filter=parentcustomerid_account/name eq '{quoted}'").json()
    assert contact["contactid"] in {r["contactid"] for r in through["value"]}
    ordered = api.get("contacts?$select=_parentcustomerid_value&$orderby=_parentcustomerid_value asc,contactid asc"
                      "&$top=40", f'odata.include-annotations="{FORMATTED}"').json()["value"]
    names = [r.get(f"_parentcustomerid_value@{FORMATTED}") or "" for r in ordered]
    assert names == sorted(names, key=collate)  # lookups order by the related row's name


def test_paging_walks_every_row_once_with_cookies(api: DynamicsApi) -> None:
    rows, _ = api.all_pages("leads?$select=fullname", "odata.maxpagesize=150")
    truth = api.admin.get("/_admin/truth/leads", ids="true")
    ids = [r["leadid"] for r in rows]
    assert len(ids) == len(set(ids)) == truth["count"]
    assert ids == truth["ids"]  # the default order is the primary key's (SQL Server GUID order)
    first = api.get("leads?$select=fullname", "odata.maxpagesize=150")
    token = unquote(first.json()["@odata.nextLink"].split("$skiptoken=")[1])
    assert re.match(r'<cookie pagenumber="2" pagingcookie="%3ccookie%20page%3d%221%22%3e', token)
    assert first.headers["preference-applied"] == "odata.maxpagesize=150"


def test_page_size_is_capped_at_5000(api: DynamicsApi) -> None:
    resp = api.get("activitypointers?$select=subject", "odata.maxpagesize=9000")
    assert resp.status_code == 200 and "preference-applied" not in resp.headers
    assert len(resp.json()["value"]) <= 5000


def test_count_is_capped_and_annotated(api: DynamicsApi) -> None:
    prefer = ('odata.include-annotations="Microsoft.Dynamics.CRM.totalrecordcount,'
              'Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded"')
    body = api.get("contacts?$select=contactid&$count=true", prefer + ",odata.maxpagesize=10").json()
    assert body["@odata.count"] == body["@Microsoft.Dynamics.CRM.totalrecordcount"] > 10
    assert body["@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded"] is False
    assert len(body["value"]) == 10


def test_incremental_window_over_tied_modifiedon_loses_nothing(api: DynamicsApi) -> None:
    touched = api.admin.post("/_admin/bulk_touch/contacts", {"count": 230})
    stamp = touched["timestamp"]
    query = (f"contacts?$select=modifiedon&$filter=modifiedon ge {stamp}"
             "&$orderby=modifiedon asc,contactid asc")
    rows, _ = api.all_pages(query, "odata.maxpagesize=40")
    assert sorted(r["contactid"] for r in rows) == sorted(touched["ids"])
    assert {r["modifiedon"] for r in rows} == {stamp}


def test_order_without_the_key_repeats_or_skips_tied_rows(api: DynamicsApi) -> None:
    touched = api.admin.post("/_admin/bulk_touch/leads", {"count": 120})
    rows, _ = api.all_pages(f"leads?$select=modifiedon&$filter=modifiedon eq {touched['timestamp']}"
                            "&$orderby=modifiedon asc", "odata.maxpagesize=25")
    ids = [r["leadid"] for r in rows]
    assert len(ids) != len(set(ids)) or set(ids) != set(touched["ids"])


@pytest.mark.parametrize(
    ("query", "status", "code", "message"),
    [
        ("accounts?$filter=nosuch eq 1", 400, "0x80060888",
         "Could not find a property named 'nosuch' on type 'Microsoft.Dynamics.CRM.account'."),
        ("accounts?$select=nosuch", 400, "0x80060888",
         "Could not find a property named 'nosuch' on type 'Microsoft.Dynamics.CRM.account'."),
        ("accounts?$filter=name eq 'x", 400, "0x80060888", "There is an unterminated string literal"),
        ("accounts?$filter=revenue eq 'big'", 400, "0x80060888", "A binary operator with incompatible types"),
        ("accounts?$filter=modifiedon ge '2024-01-01'", 400, "0x80060888", "'Edm.DateTimeOffset' and 'Edm.String'"),
        ("accounts?$filter=not name eq 'x'", 400, "0x80060888", "A unary operator with an incompatible type"),
        ("accounts?$filter=tolower(name) eq 'x'", 400, "0x80060888", "The 'tolower' function is not supported."),
        ("accounts?$filter=name", 400, "0x80060888", "must evaluate to a single boolean value"),
        ("accounts?$skip=10", 400, "0x80060888", "Skip Clause is not supported in CRM"),
        ("accounts?$top=-1", 400, "0x80060888", "Invalid value '-1' for $top"),
        ("acounts", 404, "0x80060888", "Resource not found for the segment 'acounts'."),
        ("accounts(00000000-0000-0000-0000-000000000042)", 404, "0x80040217",
         "account With Id = 00000000-0000-0000-0000-000000000042 Does Not Exist"),
        ("accounts(accountnumber='NOPE')", 404, "0x80060891", "does not exist in account entity"),
    ],
)
def test_errors_carry_the_platform_codes(api: DynamicsApi, query: str, status: int, code: str,
                                         message: str) -> None:
    resp = api.get(query)
    assert resp.status_code == status, resp.text
    assert error_code(resp) == code
    assert message in resp.json()["error"]["message"]


def test_dates_and_guids_in_filters(api: DynamicsApi) -> None:
    opp = api.get("opportunities?$select=estimatedclosedate,_parentaccountid_value&$top=1").json()["value"][0]
    day = opp["estimatedclosedate"]
    same_day = api.get(f"opportunities?$select=name&$filter=estimatedclosedate eq {day} and "
                       f"_parentaccountid_value eq {opp['_parentaccountid_value']}").json()["value"]
    assert opp["opportunityid"] in [r["opportunityid"] for r in same_day]
    wrong = api.get(f"opportunities?$filter=estimatedclosedate eq {day}T00:00:00Z")
    assert wrong.status_code == 400


def test_guid_comparisons_follow_the_order_of_orderby(api: DynamicsApi) -> None:
    # SQL Server compares uniqueidentifier in one byte order for ORDER BY and for < >: a keyset filter on the key
    # (``contactid gt <last>``) must continue exactly where the ordered page stopped.
    ordered = [r["contactid"] for r in api.get("contacts?$select=contactid&$orderby=contactid asc").json()["value"]]
    middle = ordered[len(ordered) // 2]
    after = api.get(f"contacts?$select=contactid&$filter=contactid gt {middle}&$orderby=contactid asc").json()
    assert [r["contactid"] for r in after["value"]] == ordered[len(ordered) // 2 + 1:]


def test_single_row_property_and_conditional_get(api: DynamicsApi) -> None:
    account = api.get("accounts?$select=name&$filter=name ne null&$top=1").json()["value"][0]
    one = api.get(f"accounts({account['accountid']})?$select=name")
    assert one.json()["@odata.context"].endswith("$metadata#accounts(name)/$entity")
    etag = one.json()["@odata.etag"]
    assert api.get(f"accounts({account['accountid']})?$select=name", If_None_Match=etag).status_code == 304
    prop = api.get(f"accounts({account['accountid']})/name").json()
    assert prop["value"] == account["name"]


def test_alternate_key_retrieve(api: DynamicsApi) -> None:
    account = api.get("accounts?$select=accountnumber&$filter=accountnumber ne null&$top=1").json()["value"][0]
    by_key = api.get(f"accounts(accountnumber='{account['accountnumber']}')?$select=accountnumber")
    assert by_key.json()["accountid"] == account["accountid"]


def test_activitypointers_cover_every_activity(api: DynamicsApi) -> None:
    total = sum(int(api.get(f"{s}/$count").text) for s in ("phonecalls", "emails", "appointments", "tasks"))
    assert int(api.get("activitypointers/$count").text) == total
    row = api.get("activitypointers?$select=activitytypecode,statuscode&$filter=activitytypecode eq 'task'"
                  "&$top=1").json()["value"][0]
    assert row["activitytypecode"] == "task" and row["statuscode"] in (1, 2, 3, 4)


def test_entity_definitions_and_attributes(api: DynamicsApi) -> None:
    resp = api.get("EntityDefinitions(LogicalName='account')?$select=LogicalName,EntitySetName,PrimaryIdAttribute,"
                   "ChangeTrackingEnabled&$expand=Attributes($select=LogicalName,AttributeType,IsValidForUpdate)")
    body = resp.json()
    assert body["EntitySetName"] == "accounts" and body["ChangeTrackingEnabled"] is True
    attrs = {a["LogicalName"]: a for a in body["Attributes"]}
    assert attrs["primarycontactid"]["AttributeType"] == "Lookup"
    assert attrs["createdon"]["IsValidForUpdate"] is False and attrs["name"]["IsValidForUpdate"] is True
    tracked = api.get("EntityDefinitions?$select=LogicalName&$filter=ChangeTrackingEnabled eq true").json()
    names = {e["LogicalName"] for e in tracked["value"]}
    assert "team" not in names and "systemuser" not in names and "account" in names
    picklists = api.get("EntityDefinitions(LogicalName='lead')/Attributes/Microsoft.Dynamics.CRM."
                        "PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet").json()["value"]
    source = next(a for a in picklists if a["LogicalName"] == "leadsourcecode")
    web = next(o for o in source["OptionSet"]["Options"] if o["Value"] == 8)
    assert web["Label"]["UserLocalizedLabel"]["Label"] == "Web"
    strings = api.get("EntityDefinitions(LogicalName='contact')/Attributes?$select=LogicalName&$filter="
                      "AttributeType eq Microsoft.Dynamics.CRM.AttributeTypeCode'String'").json()["value"]
    assert "emailaddress1" in {a["LogicalName"] for a in strings}
    no_cast = api.get("EntityDefinitions(LogicalName='contact')/Attributes?$select=MaxLength")
    assert no_cast.status_code == 400 and "AttributeMetadata" in no_cast.json()["error"]["message"]
    keys = api.get("EntityDefinitions(LogicalName='account')/Keys").json()["value"]
    assert keys[0]["KeyAttributes"] == ["accountnumber"]


def test_service_document_and_csdl(api: DynamicsApi) -> None:
    root = api.get("").json()
    assert {"name": "accounts", "kind": "EntitySet", "url": "accounts"} in root["value"]
    csdl = api.get("$metadata?annotations=true")
    assert csdl.headers["content-type"].startswith("application/xml")
    assert 'EntitySet Name="accounts"' in csdl.text and "Org.OData.Capabilities.V1.ChangeTracking" in csdl.text


def test_seeded_data_is_realistic(api: DynamicsApi) -> None:
    leads = api.get("leads?$select=statecode&$filter=statecode eq 1&$count=true").json()
    assert leads["@odata.count"] > 0  # qualified leads, converted to contacts
    converted = api.get("contacts?$select=_originatingleadid_value&$filter=_originatingleadid_value ne null"
                        "&$count=true").json()
    assert converted["@odata.count"] > 0
    won = api.get("opportunities?$select=actualvalue&$filter=statecode eq 1 and actualvalue ne null&$count=true")
    assert won.json()["@odata.count"] > 0
    negative = api.get("opportunities?$select=estimatedvalue&$filter=estimatedvalue lt 0&$count=true").json()
    assert negative["@odata.count"] >= 0
    ties = api.get("contacts?$select=modifiedon&$top=5000").json()["value"]
    stamps = [r["modifiedon"] for r in ties]
    assert len(set(stamps)) < len(stamps)  # many rows share a modifiedon second

