"""Writes over real HTTPS: sObject rows, upsert by external id, sObject Collections (per-record errors, allOrNone),
deletes and the Recycle Bin, ``updated/``/``deleted/``, the platform's side effects, and simple-salesforce."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.support.sandboxes.salesforce import SalesforceSandbox, V, error_code, running_salesforce


@pytest.fixture(scope="module")
def sf() -> Iterator[SalesforceSandbox]:
    with running_salesforce(scale=1000, profile="unlimited") as sandbox:
        yield sandbox


def _window(sf: SalesforceSandbox, minutes_back: int = 10) -> dict[str, str]:
    """A replication window around the sandbox's now (its clock may have been moved forward)."""
    now = datetime.fromisoformat(sf.admin.get("/_admin/clock")["now"])
    fmt = "%Y-%m-%dT%H:%M:%S+00:00"
    return {"start": (now - timedelta(minutes=minutes_back)).strftime(fmt),
            "end": (now + timedelta(minutes=5)).strftime(fmt)}


def _get(sf: SalesforceSandbox, obj: str, rid: str) -> dict[str, Any]:
    resp = sf.api.get(f"{V}/sobjects/{obj}/{rid}")
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def test_create_read_update_single_records(sf: SalesforceSandbox) -> None:
    created = sf.api.post(f"{V}/sobjects/Lead", json={"LastName": "Okoro", "Company": "Brightline", "Score__c": 42})
    assert created.status_code == 201 and created.json()["success"] and created.json()["errors"] == []
    rid = created.json()["id"]
    assert rid.startswith("00Q") and len(rid) == 18
    lead = _get(sf, "Lead", rid)
    assert lead["Status"] == "Open - Not Contacted" and lead["Name"] == "Okoro" and lead["Score_Band__c"] == "Warm"
    assert lead["CreatedById"] == lead["OwnerId"] == lead["LastModifiedById"]
    stamp = lead["SystemModstamp"]
    assert sf.api.patch(f"{V}/sobjects/Lead/{rid}", json={"FirstName": "Ada", "Score__c": 91}).status_code == 204
    updated = _get(sf, "Lead", rid)
    assert updated["Name"] == "Ada Okoro" and updated["Score_Band__c"] == "Hot" and updated["SystemModstamp"] > stamp
    assert sf.api.get(f"{V}/sobjects/Lead/{rid}", params={"fields": "Id,Score__c"}).json()["Score__c"] == 91.0
    missing = sf.api.get(f"{V}/sobjects/Lead/00Q5g00000ZZZZZZZZ")
    assert missing.status_code == 404 and error_code(missing) == "NOT_FOUND"


def test_single_record_errors(sf: SalesforceSandbox) -> None:
    rid = sf.live_ids("Contact")[0]
    unknown = sf.api.patch(f"{V}/sobjects/Contact/{rid}", json={"Bogus__c": 1})
    assert unknown.status_code == 400 and error_code(unknown) == "INVALID_FIELD"
    readonly = sf.api.patch(f"{V}/sobjects/Contact/{rid}", json={"Account_Tier__c": "SMB"})
    assert readonly.json()[0]["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    assert readonly.json()[0]["fields"] == ["Account_Tier__c"]
    assert error_code(sf.api.patch(f"{V}/sobjects/Contact/{rid}", json={"Score__c": "high"})) == "JSON_PARSER_ERROR"
    assert error_code(sf.api.patch(f"{V}/sobjects/Contact/{rid}", json={"Email": "not-an-email"})) == \
        "INVALID_EMAIL_ADDRESS"
    assert error_code(sf.api.patch(f"{V}/sobjects/Contact/{rid}", json={"Lifecycle_Stage__c": "Fan"})) == \
        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    rule = sf.api.patch(f"{V}/sobjects/Contact/{rid}", json={"Score__c": 140})
    assert rule.json() == [{"message": "Score must be between 0 and 100.", "errorCode":
                            "FIELD_CUSTOM_VALIDATION_EXCEPTION", "fields": ["Score__c"]}]
    required = sf.api.post(f"{V}/sobjects/Contact", json={"FirstName": "No"})
    assert required.json()[0]["errorCode"] == "REQUIRED_FIELD_MISSING" and required.json()[0]["fields"] == ["LastName"]


def test_upsert_by_external_id(sf: SalesforceSandbox) -> None:
    url = f"{V}/sobjects/Account/External_Id__c/ACC-NEW-1"
    first = sf.api.patch(url, json={"Name": "Upserted Co"})
    assert first.status_code == 201 and first.json()["created"] is True
    second = sf.api.patch(url, json={"Name": "Upserted Co 2"})
    assert second.status_code == 200 and second.json() == {"id": first.json()["id"], "success": True, "errors": [],
                                                           "created": False}
    assert sf.api.get(url).json()["Name"] == "Upserted Co 2"
    assert error_code(sf.api.patch(f"{V}/sobjects/Account/Name/x", json={})) == "NOT_FOUND"


def test_collections_report_per_record_and_honour_all_or_none(sf: SalesforceSandbox) -> None:
    good, bad = [r["Id"] for r in sf.records("SELECT Id FROM Lead WHERE IsConverted = false LIMIT 2")]
    body = {"allOrNone": False, "records": [
        {"attributes": {"type": "Lead"}, "id": good, "Score__c": 77},
        {"attributes": {"type": "Lead"}, "id": bad, "Score__c": 500},
        {"attributes": {"type": "Lead"}, "Score__c": 1},
    ]}
    results = sf.api.patch(f"{V}/composite/sobjects", json=body).json()
    assert results[0] == {"id": good, "success": True, "errors": []}
    assert results[1]["success"] is False and results[1]["errors"][0]["statusCode"] == \
        "FIELD_CUSTOM_VALIDATION_EXCEPTION"
    assert results[2]["errors"][0]["statusCode"] == "MISSING_ARGUMENT"
    body["allOrNone"] = True
    body["records"][0]["Score__c"] = 12
    rolled = sf.api.patch(f"{V}/composite/sobjects", json=body).json()
    assert rolled[0]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert _get(sf, "Lead", good)["Score__c"] == 77.0
    too_many = {"records": [{"attributes": {"type": "Lead"}, "id": good}] * 201}
    assert error_code(sf.api.patch(f"{V}/composite/sobjects", json=too_many)) == "EXCEEDED_ID_LIMIT"
    unknown = {"records": [{"attributes": {"type": "Lead"}, "id": good, "Nope": 1}]}
    assert error_code(sf.api.patch(f"{V}/composite/sobjects", json=unknown)) == "INVALID_FIELD"


def test_collections_create_upsert_retrieve_delete(sf: SalesforceSandbox) -> None:
    account = sf.live_ids("Account")[0]
    created = sf.api.post(f"{V}/composite/sobjects", json={"records": [
        {"attributes": {"type": "Contact"}, "LastName": "One", "AccountId": account},
        {"attributes": {"type": "Contact"}, "LastName": "Two", "AccountId": "001000000000000"},
    ]}).json()
    assert created[0]["success"] and created[1] == {"success": False, "errors": [{
        "statusCode": "INVALID_CROSS_REFERENCE_KEY", "message": "invalid cross reference id", "fields": ["AccountId"]}]}
    upsert = sf.api.patch(f"{V}/composite/sobjects/Contact/External_Id__c", json={"records": [
        {"attributes": {"type": "Contact"}, "External_Id__c": "CON-X-1", "LastName": "Ext"},
        {"attributes": {"type": "Contact"}, "External_Id__c": "CON-X-1", "LastName": "Twice"},
    ]}).json()
    assert upsert[0]["created"] is True and upsert[1]["errors"][0]["statusCode"] == "DUPLICATE_EXTERNAL_ID"
    ids = f"{created[0]['id']},{upsert[0]['id']},003000000000000AAA"
    fetched = sf.api.get(f"{V}/composite/sobjects/Contact", params={"ids": ids, "fields": "Id,LastName"}).json()
    assert [f and f["LastName"] for f in fetched] == ["One", "Ext", None]
    deleted = sf.api.delete(f"{V}/composite/sobjects", params={"ids": f"{created[0]['id']},{created[0]['id']}"}).json()
    assert deleted[0]["success"] is True


def test_soft_hard_purge_and_replication_endpoints(sf: SalesforceSandbox) -> None:
    window = _window(sf)
    soft, hard, purged = sf.live_ids("Event")[:3]
    assert sf.api.delete(f"{V}/sobjects/Event/{soft}").status_code == 204
    assert sf.api.delete(f"{V}/sobjects/Event/{soft}").json()[0]["errorCode"] == "ENTITY_IS_DELETED"
    assert sf.admin.delete(f"/_admin/records/Event/{hard}?mode=hard")["mode"] == "hard"
    sf.admin.delete(f"/_admin/records/Event/{purged}?mode=purge")
    sf.admin.advance_clock(60)  # deleted/ and updated/ cover whole minutes up to the current one
    seen = {r["Id"]: r["IsDeleted"] for r in sf.records(
        f"SELECT Id, IsDeleted FROM Event WHERE Id IN ('{soft}', '{hard}', '{purged}')", all_rows=True)}
    assert seen == {soft: True}  # hard and purged deletes are gone from queryAll
    log = sf.api.get(f"{V}/sobjects/Event/deleted/", params=window).json()
    assert {d["id"] for d in log["deletedRecords"]} >= {soft, hard, purged}
    assert set(log) == {"deletedRecords", "earliestDateAvailable", "latestDateCovered"}
    assert log["latestDateCovered"].endswith(":00.000+0000")  # seconds are ignored
    truth = sf.admin.get(f"/_admin/truth/Event/{purged}")
    assert truth["_sandbox"]["purged"] is True
    old = {"start": "2020-01-01T00:00:00+00:00", "end": window["end"]}
    assert error_code(sf.api.get(f"{V}/sobjects/Event/deleted", params=old)) == "INVALID_REPLICATION_DATE"
    edited = sf.admin.post("/_admin/random_edits/Event", {"seed": 3, "edits": 2})["edited"]
    sf.admin.advance_clock(60)
    updated = sf.api.get(f"{V}/sobjects/Event/updated", params=window).json()
    assert set(edited) <= set(updated["ids"]) and soft not in updated["ids"]
    sf.admin.advance_clock(16 * 86_400)  # the Recycle Bin empties itself after 15 days
    sf.relogin()
    assert sf.records(f"SELECT Id FROM Event WHERE Id = '{soft}'", all_rows=True) == []


def test_platform_side_effects_history_conversion_merge(sf: SalesforceSandbox) -> None:
    opp = sf.records("SELECT Id, StageName FROM Opportunity WHERE IsClosed = false AND Amount > 0 LIMIT 1")[0]
    moved = sf.admin.post(f"/_admin/advance_stage/{opp['Id']}")
    assert moved["StageName"] != opp["StageName"] and len(moved["history_ids"]) == 1
    hist = sf.records(f"SELECT StageName, Probability FROM OpportunityHistory WHERE OpportunityId = '{opp['Id']}' "
                      "ORDER BY CreatedDate DESC LIMIT 1")[0]
    assert hist["StageName"] == moved["StageName"]
    won = sf.api.patch(f"{V}/sobjects/Opportunity/{opp['Id']}", json={"StageName": "Closed Won"})
    assert won.status_code == 204
    closed = _get(sf, "Opportunity", opp["Id"])
    assert closed["IsWon"] and closed["IsClosed"] and closed["Probability"] == 100.0
    lead = sf.api.post(f"{V}/sobjects/Lead", json={"LastName": "Convert", "Company": "Conv Co",
                                                   "Email": "c@conv.example"}).json()["id"]
    conv = sf.admin.post(f"/_admin/convert_lead/{lead}")
    converted = _get(sf, "Lead", lead)
    assert converted["IsConverted"] and converted["ConvertedContactId"] == conv["contactId"]
    assert _get(sf, "Contact", conv["contactId"])["AccountId"] == conv["accountId"]
    locked = sf.api.patch(f"{V}/sobjects/Lead/{lead}", json={"Title": "x"})
    assert error_code(locked) == "CANNOT_UPDATE_CONVERTED_LEAD"
    keep, lose = sf.live_ids("Account")[:2]
    merged = sf.admin.post("/_admin/merge/Account", {"primary": keep, "merged": lose})
    gone = sf.records(f"SELECT Id, IsDeleted, MasterRecordId FROM Account WHERE Id = '{lose}'", all_rows=True)[0]
    assert gone["IsDeleted"] and gone["MasterRecordId"] == keep
    for obj, children in merged["reparented"].items():
        for cid in children:
            row = sf.admin.get(f"/_admin/truth/{obj}/{cid}")
            assert keep in (row.get("AccountId"), row.get("WhatId"), row.get("ParentId"),
                            row.get("ObjectId"))  # an ObjectTerritory2Association


def test_admin_truth_identities_and_bulk_touch(sf: SalesforceSandbox) -> None:
    truth = sf.admin.get("/_admin/truth/Contact", ids="true")
    assert truth["count"] == len(truth["ids"]) and "deleted_ids" in truth
    identities = sf.admin.get("/_admin/identities", object="Lead")
    assert identities and all(i["id"].startswith("00Q") for i in identities)
    key = identities[0]["person_key"]
    assert sf.admin.get(f"/_admin/truth/Lead/{identities[0]['id']}")["_sandbox"]["person_key"] == key
    touched = sf.admin.post("/_admin/bulk_touch/Task", {"count": 300, "fields": {"Priority": "High"}})
    same = sf.records(f"SELECT Id FROM Task WHERE SystemModstamp = {touched['timestamp'].replace('+0000', 'Z')}")
    assert len(same) == len(touched["ids"]) == 300
    pages, seen = [], set()
    resp = sf.query(f"SELECT Id FROM Task WHERE SystemModstamp >= {touched['timestamp'].replace('+0000', 'Z')} "
                    "ORDER BY SystemModstamp, Id", **{"Sforce-Query-Options": "batchSize=200"}).json()
    while True:
        pages.append([r["Id"] for r in resp["records"]])
        seen.update(pages[-1])
        if resp["done"]:
            break
        resp = sf.api.get(resp["nextRecordsUrl"]).json()
    assert len(pages) == 2 and seen >= set(touched["ids"]) and pages[0] == sorted(pages[0])


def test_admin_edits_act_as_a_person_and_are_not_api_calls(sf: SalesforceSandbox) -> None:
    sf.admin.reset_calls()
    assert "CampaignMember" in sf.admin.get("/_admin/objects")["objects"]
    made = sf.admin.post("/_admin/records/Account", {"fields": {"Name": "Person Made", "Health_Score__c": 50}})
    integration = sf.admin.get("/_admin/truth/User", ids="true")["ids"][0]
    assert made["Id"].startswith("001") and made["CreatedById"] != integration  # a rep, not the API user
    edited = sf.admin.patch(f"/_admin/records/Account/{made['Id']}", {"fields": {"Rating": "Warm"}})
    assert edited["Rating"] == "Warm" and edited["SystemModstamp"] >= made["SystemModstamp"]
    with pytest.raises(RuntimeError, match="between 0 and 100"):  # people hit validation rules too
        sf.admin.patch(f"/_admin/records/Account/{made['Id']}", {"fields": {"Health_Score__c": 101}})
    sf.admin.delete(f"/_admin/records/Account/{made['Id']}")
    assert made["Id"] in sf.admin.post("/_admin/empty_recycle_bin/Account")["purged"]
    assert sf.admin.get(f"/_admin/truth/Account/{made['Id']}")["_sandbox"]["purged"] is True
    assert sf.admin.calls()["total"] == 0


def test_simple_salesforce_writes(sf: SalesforceSandbox) -> None:
    client = sf.simple_salesforce()
    created = client.Campaign.create({"Name": "Library Launch"})
    client.Campaign.update(created["id"], {"Status": "Planned"})
    assert client.Campaign.get(created["id"])["Status"] == "Planned"
    results = client.restful("composite/sobjects", method="PATCH", json={"allOrNone": False, "records": [
        {"attributes": {"type": "Campaign"}, "id": created["id"], "Status": "In Progress"}]})
    assert results == [{"id": created["id"], "success": True, "errors": []}]
    assert client.Campaign.delete(created["id"]) == 204
    now = datetime.fromisoformat(sf.admin.get("/_admin/clock")["now"])
    sf.admin.advance_clock(60)
    deleted = client.Campaign.deleted(now - timedelta(minutes=5), now + timedelta(minutes=5))
    assert created["id"] in {d["id"] for d in deleted["deletedRecords"]}
    assert client.limits()["DailyApiRequests"]["Max"] == 15000


def test_late_commits_hide_writes_until_they_land() -> None:
    with running_salesforce(scale=100, profile="unlimited", options={"late_commit_s": "30"}) as sf:
        rid = sf.live_ids("Account")[0]
        before = _get(sf, "Account", rid)["SystemModstamp"]
        assert sf.api.patch(f"{V}/sobjects/Account/{rid}", json={"Rating": "Hot"}).status_code == 204
        assert _get(sf, "Account", rid)["SystemModstamp"] == before  # not visible yet
        assert sf.admin.get("/_admin/truth/Account")["pending"] == 1
        new = sf.api.post(f"{V}/sobjects/Account", json={"Name": "Late Co"}).json()["id"]
        assert sf.records(f"SELECT Id FROM Account WHERE Id = '{new}'") == []
        sf.admin.advance_clock(31)
        landed = _get(sf, "Account", rid)
        assert landed["Rating"] == "Hot" and landed["SystemModstamp"] > before
        stamp = datetime.strptime(landed["SystemModstamp"], "%Y-%m-%dT%H:%M:%S.%f%z")
        assert datetime.now(UTC) + timedelta(seconds=31) - stamp > timedelta(seconds=29)  # stamped when written
        assert sf.records(f"SELECT Id FROM Account WHERE Id = '{new}'") != []


def test_opportunity_line_items_derive_from_their_price_book_entry(sf: SalesforceSandbox) -> None:
    seeded = sf.records("SELECT Id, OpportunityId, TotalPrice FROM OpportunityLineItem")
    opp = seeded[0]["OpportunityId"]
    seeded_total = sum(r["TotalPrice"] for r in seeded if r["OpportunityId"] == opp)
    assert sf.records(f"SELECT Amount FROM Opportunity WHERE Id = '{opp}'")[0]["Amount"] == pytest.approx(seeded_total)
    entry = sf.records("SELECT Id, Product2Id, UnitPrice, Name FROM PricebookEntry WHERE IsActive = true")[0]
    made = sf.api.post(f"{V}/sobjects/OpportunityLineItem",
                       json={"OpportunityId": opp, "PricebookEntryId": entry["Id"], "Quantity": 3, "Discount": 10})
    assert made.status_code == 201, made.text
    line = _get(sf, "OpportunityLineItem", made.json()["id"])
    assert line["Product2Id"] == entry["Product2Id"] and line["ListPrice"] == line["UnitPrice"] == entry["UnitPrice"]
    assert line["TotalPrice"] == pytest.approx(round(3 * entry["UnitPrice"] * 0.9, 2))
    assert line["Name"].endswith(entry["Name"])
    readonly = sf.api.post(f"{V}/sobjects/OpportunityLineItem", json={
        "OpportunityId": opp, "PricebookEntryId": entry["Id"], "Quantity": 1, "ListPrice": 1})
    assert readonly.status_code == 400 and error_code(readonly) == "INVALID_FIELD_FOR_INSERT_UPDATE"
    missing = sf.api.post(f"{V}/sobjects/OpportunityLineItem", json={"OpportunityId": opp, "Quantity": 1})
    assert missing.status_code == 400 and error_code(missing) == "REQUIRED_FIELD_MISSING"
    assert sf.api.delete(f"{V}/sobjects/Opportunity/{opp}").status_code == 204
    assert sf.records(f"SELECT Id FROM OpportunityLineItem WHERE OpportunityId = '{opp}'") == []  # cascaded


def test_deleted_reaches_15_days_updated_30_and_a_trimmed_delete_log_forgets(sf: SalesforceSandbox) -> None:
    """Salesforce documents deleted/ as answering for no more than 15 days before the call, updated/ for 30; its
    background process may purge delete-log entries sooner. Last in the module: it moves the clock 16 days on."""
    old, trimmed = sf.live_ids("Task")[:2]
    assert sf.api.delete(f"{V}/sobjects/Task/{old}").status_code == 204
    sf.admin.delete(f"/_admin/records/Task/{trimmed}?mode=purge")
    assert sf.admin.post("/_admin/trim_delete_log/Task", {"ids": [trimmed]})["trimmed"] == [trimmed]
    sf.admin.advance_clock(60)
    log = sf.api.get(f"{V}/sobjects/Task/deleted/", params=_window(sf)).json()
    assert old in {d["id"] for d in log["deletedRecords"]} and trimmed not in {d["id"] for d in log["deletedRecords"]}
    sf.admin.advance_clock(16 * 86_400)
    sf.relogin()
    sixteen_days = _window(sf, minutes_back=16 * 1440)
    assert error_code(sf.api.get(f"{V}/sobjects/Task/deleted/", params=sixteen_days)) == "INVALID_REPLICATION_DATE"
    assert sf.api.get(f"{V}/sobjects/Task/updated/", params=sixteen_days).status_code == 200
    fourteen_days = sf.api.get(f"{V}/sobjects/Task/deleted/", params=_window(sf, minutes_back=14 * 1440)).json()
    assert old not in {d["id"] for d in fourteen_days["deletedRecords"]}  # 16 days old: beyond the reach
    now = datetime.fromisoformat(sf.admin.get("/_admin/clock")["now"])
    earliest = datetime.strptime(fourteen_days["earliestDateAvailable"], "%Y-%m-%dT%H:%M:%S.%f%z")
    assert abs(now - earliest - timedelta(days=15)) < timedelta(minutes=1)  # whole minutes
