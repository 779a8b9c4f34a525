"""Marketo sandbox over HTTPS: activity types, paging tokens, activities, lead changes, deleted leads, signal."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.support.sandboxes.marketo import Marketo, error_code, live_ids, shared


@pytest.fixture(scope="module")
def marketo(request: pytest.FixtureRequest) -> Marketo:
    return shared(request)

STANDARD = {1: "Visit Webpage", 2: "Fill Out Form", 3: "Click Link", 6: "Send Email", 7: "Email Delivered",
            8: "Email Bounced", 9: "Unsubscribe Email", 10: "Open Email", 11: "Click Email", 12: "New Lead",
            13: "Change Data Value", 22: "Change Score", 37: "Delete Lead", 46: "Interesting Moment"}


def _token(m: Marketo, since: str) -> str:
    body = m.client.get("/rest/v1/activities/pagingtoken.json", sinceDatetime=since)
    assert body["success"] and set(body) == {"requestId", "success", "nextPageToken"}
    return body["nextPageToken"]


def _drain(m: Marketo, path: str, token: str, **params: Any) -> tuple[list[dict], str]:
    items: list[dict] = []
    for _ in range(200):
        body = m.client.get(path, nextPageToken=token, **params)
        assert body["success"], body
        items += body.get("result", [])
        token = body["nextPageToken"]
        if not body["moreResult"]:
            return items, token
    raise AssertionError("paging did not end")


def test_activity_types_are_the_standard_ones(marketo: Marketo) -> None:
    types = {t["id"]: t for t in marketo.client.get("/rest/v1/activities/types.json")["result"]}
    assert {i: types[i]["name"] for i in STANDARD} == STANDARD
    assert types[1]["primaryAttribute"] == {"name": "Webpage ID", "dataType": "integer"}
    assert {"name": "Webpage URL", "dataType": "string"} in types[1]["attributes"]


def test_paging_token_errors(marketo: Marketo) -> None:
    c = marketo.client
    c.fresh_window()
    assert error_code(c.get("/rest/v1/activities/pagingtoken.json")) == "1002"
    assert error_code(c.get("/rest/v1/activities/pagingtoken.json", sinceDatetime="yesterday")) == "1001"
    token = _token(marketo, "2025-09-01T00:00:00Z")
    assert error_code(c.get("/rest/v1/activities.json", activityTypeIds="1")) == "1002"
    assert error_code(c.get("/rest/v1/activities.json", nextPageToken="", activityTypeIds="1")) == "701"
    bad = c.get("/rest/v1/activities.json", nextPageToken="GIYDAOBNGEYS2MBWKQYDAORQGA5DAMBO", activityTypeIds="1")
    assert bad["errors"] == [{"code": "1003", "message": "Invalid nextPageToken"}]
    tampered = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    assert error_code(c.get("/rest/v1/activities.json", nextPageToken=tampered, activityTypeIds="1")) == "1003"
    assert error_code(c.get("/rest/v1/activities.json", nextPageToken=token)) == "1002"
    eleven = ",".join(str(i) for i in (1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13))
    assert error_code(c.get("/rest/v1/activities.json", nextPageToken=token, activityTypeIds=eleven)) == "1003"
    assert error_code(c.get("/rest/v1/activities.json", nextPageToken=token, activityTypeIds="999")) == "1003"
    many = ",".join(str(1001 + i) for i in range(31))
    assert error_code(c.get("/rest/v1/activities.json", nextPageToken=token, activityTypeIds="1",
                            leadIds=many)) == "1003"


def test_activities_page_in_order_and_the_saved_token_sees_new_ones(marketo: Marketo) -> None:
    c = marketo.client
    c.fresh_window()
    token = _token(marketo, "2025-08-01T00:00:00+02:00")
    items, saved = _drain(marketo, "/rest/v1/activities.json", token, activityTypeIds="1,2,10,46", batchSize="200")
    assert len(items) > 200
    guids = [a["marketoGUID"] for a in items]
    dates = [a["activityDate"] for a in items]
    assert dates == sorted(dates) and len(set(guids)) == len(guids)
    assert all(a["activityDate"] >= "2025-07-31T22:00:00Z" and a["activityTypeId"] in (1, 2, 10, 46) for a in items)
    assert all(a["activityDate"].endswith("Z") for a in items)
    visit = next(a for a in items if a["activityTypeId"] == 1)
    assert visit["primaryAttributeValue"].startswith("www.") and isinstance(visit["primaryAttributeValueId"], int)
    # Caught up: no result member at all, the token keeps the place, and a new visit shows up after it.
    empty = c.get("/rest/v1/activities.json", nextPageToken=saved, activityTypeIds="1,2,10,46")
    assert "result" not in empty and empty["moreResult"] is False and empty["nextPageToken"]
    logged = marketo.admin.post("/_admin/records/activities", {"fields": {
        "leadId": visit["leadId"], "activityTypeId": 1, "primaryAttributeValue": "/pricing"}})
    fresh = c.get("/rest/v1/activities.json", nextPageToken=saved, activityTypeIds="1,2,10,46")
    assert [a["marketoGUID"] for a in fresh["result"]] == [logged["marketoGUID"]]
    assert fresh["result"][0]["primaryAttributeValue"].endswith("/pricing")


def test_lead_ids_filter(marketo: Marketo) -> None:
    c = marketo.client
    c.fresh_window()
    token = _token(marketo, "2022-01-01T00:00:00Z")
    pair = live_ids(marketo, offset=600, count=2)
    items, _ = _drain(marketo, "/rest/v1/activities.json", token, activityTypeIds="6,7,10,11,12",
                      leadIds=",".join(map(str, pair)))
    assert items and {a["leadId"] for a in items} <= set(pair)
    assert Counter(a["activityTypeId"] for a in items)[12] == 2
    sends = [a for a in items if a["activityTypeId"] == 6]
    assert all(a["campaignId"] and a["primaryAttributeValue"].startswith("Newsletter ") for a in sends)


def test_lead_changes_follow_api_writes(marketo: Marketo) -> None:
    c = marketo.client
    c.fresh_window()
    token = _token(marketo, "2026-01-01T00:00:00Z")
    before, token = _drain(marketo, "/rest/v1/activities/leadchanges.json", token, fields="title,leadScore")
    [lead_id] = live_ids(marketo, offset=602, count=1)
    body = c.post("/rest/v1/leads.json", {"action": "updateOnly", "lookupField": "id",
                                          "input": [{"id": lead_id, "title": "Head of Data", "city": "Turin"}]})
    assert body["result"][0]["status"] == "updated"
    changes, _ = _drain(marketo, "/rest/v1/activities/leadchanges.json", token, fields="title")
    assert len(changes) == 1
    change = changes[0]
    assert change["leadId"] == lead_id and change["activityTypeId"] == 13
    assert change["fields"][0]["name"] == "title" and change["fields"][0]["newValue"] == "Head of Data"
    assert {"name": "Source", "value": "Web service API"} in change["attributes"]
    assert error_code(c.get("/rest/v1/activities/leadchanges.json", nextPageToken=token)) == "1002"
    assert error_code(c.get("/rest/v1/activities/leadchanges.json", nextPageToken=token, fields="nope")) == "1006"
    seeded = c.get("/rest/v1/activities/leadchanges.json", nextPageToken=_token(marketo, "2024-06-01T00:00:00Z"),
                   fields="leadStatus")
    kinds = {a["activityTypeId"] for a in seeded["result"]}
    assert kinds <= {12, 13} and all(f["name"] == "leadStatus" for a in seeded["result"] for f in a["fields"])
    assert before is not None


def test_deleted_leads_and_their_vanishing_activities(marketo: Marketo) -> None:
    c = marketo.client
    c.fresh_window()
    seeded, token = _drain(marketo, "/rest/v1/activities/deletedleads.json", _token(marketo, "2020-01-01T00:00:00Z"))
    truth = marketo.admin.get("/_admin/truth/leads", ids="true")
    traced = {i for i in truth["deleted_ids"]
              if not marketo.admin.get(f"/_admin/truth/leads/{i}")["_sandbox"]["purged"]}
    assert {str(a["leadId"]) for a in seeded} == traced and len(traced) >= 5
    assert all(a["activityTypeId"] == 37 and a["primaryAttributeValueId"] == a["leadId"] for a in seeded)
    lead_id, purged_id = live_ids(marketo, offset=603, count=2)
    own = c.get("/rest/v1/activities.json", nextPageToken=_token(marketo, "2020-01-01T00:00:00Z"),
                activityTypeIds="12", leadIds=str(lead_id))
    assert len(own["result"]) == 1
    c.post("/rest/v1/leads/delete.json", {"input": [{"id": lead_id}]})
    marketo.admin.delete(f"/_admin/records/leads/{purged_id}?mode=purge")
    new, _ = _drain(marketo, "/rest/v1/activities/deletedleads.json", token)
    assert [a["leadId"] for a in new] == [lead_id]
    gone = c.get("/rest/v1/activities.json", nextPageToken=_token(marketo, "2020-01-01T00:00:00Z"),
                 activityTypeIds="12", leadIds=str(lead_id))
    assert "result" not in gone


def test_retention_purges_and_stale_tokens_are_refused(marketo: Marketo) -> None:
    c = marketo.client
    c.fresh_window()
    old = _token(marketo, "2023-01-01T00:00:00Z")
    marketo.admin.patch("/_admin/settings", {"activity_retention_days": 700})
    try:
        stale = c.get("/rest/v1/activities.json", nextPageToken=old, activityTypeIds="12")
        assert error_code(stale) == "1003" and "purged" in stale["errors"][0]["message"]
        now = datetime.fromisoformat(marketo.admin.get("/_admin/clock")["now"])
        horizon = (now - timedelta(days=700)).strftime("%Y-%m-%dT%H:%M:%SZ")
        page = c.get("/rest/v1/activities.json", nextPageToken=_token(marketo, "2023-01-01T00:00:00Z"),
                     activityTypeIds="12")
        assert page["result"] and all(a["activityDate"] >= horizon for a in page["result"])
    finally:
        marketo.admin.patch("/_admin/settings", {"activity_retention_days": 0})
    assert c.get("/rest/v1/activities.json", nextPageToken=old, activityTypeIds="12")["success"]


def test_behaviour_carries_signal_about_conversion(marketo: Marketo) -> None:
    c = marketo.client
    c.fresh_window()
    truth = marketo.admin.get("/_admin/truth/conversions")
    assert 0.05 < truth["converted"] / truth["count"] < 0.4 and 0 < truth["won"] < truth["converted"]
    outcome = {int(r["lead_id"]): r["converted"] for r in truth["records"] if r["lead_id"]}
    items, _ = _drain(marketo, "/rest/v1/activities.json", _token(marketo, "2020-01-01T00:00:00Z"),
                      activityTypeIds="2,46")
    demo = {a["leadId"] for a in items if a["activityTypeId"] == 2 and a["primaryAttributeValueId"] == 2001}
    pricing = {a["leadId"] for a in items if a["activityTypeId"] == 46
               and any(x["value"] == "Visited the pricing page" for x in a["attributes"])}

    def rate(leads: set[int], converted: bool) -> float:
        group = [lead for lead, conv in outcome.items() if conv is converted]
        return sum(1 for lead in group if lead in leads) / len(group)

    assert rate(demo, True) > 4 * rate(demo, False)
    assert rate(pricing, True) > 1.5 * rate(pricing, False)


def test_a_migrated_instance_identifies_activities_by_marketo_guid(marketo: Marketo) -> None:
    """By default the sandbox is an instance migrated to the Activity Service three quarters into its log:
    activities before that keep the classic shape (integer id, marketoGUID its decimal string), later ones carry a
    UUID marketoGUID and no id, or an id another activity also has — as Marketo documents."""
    c, admin = marketo.client, marketo.admin
    c.fresh_window()
    items, _ = _drain(marketo, "/rest/v1/activities.json", _token(marketo, "2020-01-01T00:00:00Z"),
                      activityTypeIds="2,46", batchSize="300")
    guids = [a["marketoGUID"] for a in items]
    assert len(set(guids)) == len(guids)
    classic = [a for a in items if a["marketoGUID"].isdigit()]
    migrated = [a for a in items if not a["marketoGUID"].isdigit()]
    assert classic and migrated and all(a["marketoGUID"] == str(a["id"]) for a in classic)
    assert all(len(a["marketoGUID"]) == 36 and a["marketoGUID"].count("-") == 4 for a in migrated)
    without = [a for a in migrated if "id" not in a]
    repeated = [a for a in migrated if "id" in a]
    assert without and repeated and len({a["id"] for a in repeated}) == 1
    assert {a["id"] for a in repeated} <= {a["id"] for a in classic} | {repeated[0]["id"]}
    # The admin names activities by marketoGUID too.
    assert admin.get(f"/_admin/truth/activities/{migrated[0]['marketoGUID']}")["marketoGUID"] == migrated[0][
        "marketoGUID"]
    # The classic shape for every activity when the instance has not migrated.
    admin.patch("/_admin/settings", {"activity_service": False})
    try:
        again, _ = _drain(marketo, "/rest/v1/activities.json", _token(marketo, "2020-01-01T00:00:00Z"),
                          activityTypeIds="2,46", batchSize="300")
        assert all(a["marketoGUID"] == str(a["id"]) for a in again) and len(again) == len(items)
    finally:
        admin.patch("/_admin/settings", {"activity_service": True})
