"""CRM search in the HubSpot sandbox over real HTTPS: request limits, the one-sort rule, the 10,000-result cap with
15,000 records sharing one modified time, scrambled tie order, eventual consistency, and operator semantics."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from tests.support.sandboxes.hubspot import HubSpotSandbox, running_sandbox, window


@pytest.fixture(scope="module")
def hs() -> Iterator[HubSpotSandbox]:
    with running_sandbox(scale=20_000, profile="unlimited") as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def touched(hs: HubSpotSandbox) -> dict[str, Any]:
    """15,000 contacts given one identical modified time (a month-end mass update), settled past the search lag."""
    result = hs.admin.post("/_admin/bulk_touch/contacts", {"count": 15_000, "fields": {"hs_lead_status": "OPEN"}})
    hs.admin.advance_clock(2)
    return result


def one_filter(prop: str, op: str, **value: Any) -> dict[str, Any]:
    return {"filterGroups": [{"filters": [{"propertyName": prop, "operator": op, **value}]}]}


def ok(resp: Any) -> dict[str, Any]:
    assert resp.status_code == 200, resp.text
    return resp.json()


def rejected(resp: Any) -> str:
    assert resp.status_code == 400, resp.text
    body = resp.json()
    assert body["status"] == "error" and body["category"] == "VALIDATION_ERROR" and body["correlationId"]
    return body["message"]


def test_filter_group_limits(hs: HubSpotSandbox) -> None:
    f = {"propertyName": "hs_object_id", "operator": "GT", "value": "0"}
    assert "filter groups" in rejected(hs.search("contacts", {"filterGroups": [{"filters": [f]}] * 6})).lower()
    assert "per filter group" in rejected(hs.search("contacts", {"filterGroups": [{"filters": [f] * 11}]}))
    message = rejected(hs.search("contacts", {"filterGroups": [{"filters": [f] * 6}] * 5}))
    assert "25" in message and "across all filter groups" in message
    assert ok(hs.search("contacts", {"filterGroups": [{"filters": [f] * 5}] * 5, "limit": 1}))["total"] > 0
    assert "does not exist" in rejected(hs.search("contacts", one_filter("shoe_size", "EQ", value="9")))
    assert "operator" in rejected(hs.search("contacts", one_filter("email", "LIKE", value="x")))


def test_one_sort_rule_and_paging_parameters(hs: HubSpotSandbox) -> None:
    two = [{"propertyName": "createdate", "direction": "ASCENDING"},
           {"propertyName": "hs_object_id", "direction": "ASCENDING"}]
    assert "one sort" in rejected(hs.search("contacts", {"sorts": two}))
    assert "200" in rejected(hs.search("contacts", {"limit": 201}))
    rejected(hs.search("contacts", {"after": "MTAz"}))
    unsorted = ok(hs.search("contacts", {"limit": 200, "after": "400"}))
    ids = [int(r["id"]) for r in unsorted["results"]]
    assert ids == sorted(ids) and unsorted["paging"]["next"]["after"] == "600"
    assert set(unsorted["results"][0]["properties"]) == {"createdate", "email", "firstname", "hs_object_id",
                                                         "lastmodifieddate", "lastname"}


@pytest.mark.slow  # 15,000 contacts touched at one instant
def test_the_10000_cap_with_15000_identical_modified_times(hs: HubSpotSandbox, touched: dict[str, Any]) -> None:
    stamp = touched["timestamp"]
    epoch_ms = str(int(datetime.fromisoformat(stamp).timestamp() * 1000))
    for value in (stamp, epoch_ms):  # ISO and epoch-millisecond filter values mean the same instant
        assert ok(hs.search("contacts", {**one_filter("lastmodifieddate", "EQ", value=value), "limit": 1}))[
            "total"] == 15_000
    body = {**one_filter("hs_lastmodifieddate", "EQ", value=epoch_ms), "limit": 200,
            "properties": ["hs_lastmodifieddate", "hs_lead_status"]}
    seen: set[str] = set()
    after = "0"
    while True:
        resp = hs.search("contacts", {**body, "after": after})
        if int(after) >= 10_000:
            message = rejected(resp)
            assert "10000" in message
            break
        page = ok(resp)
        assert page["total"] == 15_000
        assert all(r["properties"]["hs_lastmodifieddate"] == stamp for r in page["results"])
        assert all(r["properties"]["hs_lead_status"] == "OPEN" for r in page["results"])
        seen.update(r["id"] for r in page["results"])
        after = page["paging"]["next"]["after"]
    assert len(seen) == 10_000
    assert "10000" in rejected(hs.search("contacts", {**body, "after": "9900"}))  # 9900 + 200 reaches past the cap
    assert ok(hs.search("contacts", {**body, "after": "9800"}))["results"]


@pytest.mark.slow  # the same 15,000 contacts
def test_ties_under_a_sort_are_scrambled_not_by_id(hs: HubSpotSandbox, touched: dict[str, Any]) -> None:
    body = {**one_filter("lastmodifieddate", "EQ", value=touched["timestamp"]), "limit": 200,
            "sorts": [{"propertyName": "lastmodifieddate", "direction": "ASCENDING"}]}
    first = [int(r["id"]) for r in ok(hs.search("contacts", body))["results"]]
    assert first != sorted(first)
    assert first == [int(r["id"]) for r in ok(hs.search("contacts", body))["results"]]  # deterministic
    second = [int(r["id"]) for r in ok(hs.search("contacts", {**body, "after": "200"}))["results"]]
    assert not set(first) & set(second)
    descending = {**body, "sorts": [{"propertyName": "lastmodifieddate", "direction": "DESCENDING"}]}
    assert [int(r["id"]) for r in ok(hs.search("contacts", descending))["results"]] != first


def test_sorting_a_window_by_modified_date(hs: HubSpotSandbox) -> None:
    body = {**window("hs_lastmodifieddate", "2024-01-01T00:00:00Z", "2024-07-01T00:00:00Z"), "limit": 100,
            "sorts": [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}],
            "properties": ["hs_lastmodifieddate"]}
    page = ok(hs.search("deals", body))
    stamps = [r["properties"]["hs_lastmodifieddate"] for r in page["results"]]
    assert page["total"] > 100 and stamps == sorted(stamps)
    assert stamps[0] >= "2024-01-01T00:00:00.000Z" and stamps[-1] < "2024-07-01T00:00:00.000Z"


def test_search_lags_behind_writes(hs: HubSpotSandbox) -> None:
    email = f"lag.{uuid.uuid4().hex[:8]}@example.org"
    created = hs.api.post("/crm/v3/objects/contacts", json={"properties": {"email": email, "jobtitle": "Before"}})
    assert created.status_code == 201
    by_email = one_filter("email", "EQ", value=email)
    assert ok(hs.search("contacts", by_email))["total"] == 0  # created after search's view of the data
    hs.admin.advance_clock(1.5)
    found = ok(hs.search("contacts", {**by_email, "properties": ["jobtitle"]}))
    assert found["total"] == 1 and found["results"][0]["properties"]["jobtitle"] == "Before"
    old_updated = found["results"][0]["updatedAt"]
    rid = created.json()["id"]
    hs.api.patch(f"/crm/v3/objects/contacts/{rid}", json={"properties": {"jobtitle": "After"}}).raise_for_status()
    stale = ok(hs.search("contacts", {**by_email, "properties": ["jobtitle", "lastmodifieddate"]}))["results"][0]
    assert stale["properties"]["jobtitle"] == "Before" and stale["updatedAt"] == old_updated
    assert ok(hs.search("contacts", one_filter("jobtitle", "EQ", value="After")))["total"] == 0
    hs.admin.advance_clock(1.5)
    fresh = ok(hs.search("contacts", {**by_email, "properties": ["jobtitle"]}))["results"][0]
    assert fresh["properties"]["jobtitle"] == "After" and fresh["updatedAt"] > old_updated


def test_archived_and_merged_records_are_never_found(hs: HubSpotSandbox) -> None:
    ids = hs.admin.get("/_admin/truth/companies", ids="true")["ids"]
    gone, primary, merged = ids[3], ids[4], ids[5]
    hs.api.delete(f"/crm/v3/objects/companies/{gone}").raise_for_status()
    hs.api.post("/crm/v3/objects/companies/merge",
                json={"primaryObjectId": primary, "objectIdToMerge": merged}).raise_for_status()
    hs.admin.advance_clock(1.5)
    query = {"filterGroups": [{"filters": [{"propertyName": "hs_object_id", "operator": "IN",
                                            "values": [gone, primary, merged]}]}]}
    assert [r["id"] for r in ok(hs.search("companies", query))["results"]] == [primary]


def test_operator_semantics(hs: HubSpotSandbox) -> None:
    first = hs.api.get("/crm/v3/objects/contacts", params={"limit": 1, "properties": "firstname"}).json()[
        "results"][0]["properties"]["firstname"]
    exact = ok(hs.search("contacts", one_filter("firstname", "EQ", value=first.upper())))["total"]
    assert exact >= 1  # EQ ignores case
    assert ok(hs.search("contacts", one_filter("firstname", "IN", values=[first.lower()])))["total"] == exact
    assert ok(hs.search("contacts", one_filter("firstname", "IN", values=[first.upper()])))["total"] == 0
    total = ok(hs.search("contacts", {"limit": 1}))["total"]
    has = ok(hs.search("contacts", one_filter("lastname", "HAS_PROPERTY")))["total"]
    lacks = ok(hs.search("contacts", one_filter("lastname", "NOT_HAS_PROPERTY")))["total"]
    assert has + lacks == total and 0 < lacks < total * 0.03
    big = ok(hs.search("companies", {**one_filter("numberofemployees", "GT", value="100"), "limit": 200,
                                     "properties": ["numberofemployees"]}))
    assert big["total"] > 0 and all(float(r["properties"]["numberofemployees"]) > 100 for r in big["results"])
    between = {**one_filter("createdate", "BETWEEN", value="2023-06-01T00:00:00Z", highValue="1688169600000"),
               "limit": 200}
    assert all("2023-06-01" <= r["properties"]["createdate"] <= "2023-07-01" for r in ok(
        hs.search("contacts", between))["results"])
    domains = ok(hs.search("contacts", {**one_filter("email", "CONTAINS_TOKEN", value="*.io"), "limit": 50,
                                        "properties": ["email"]}))
    assert domains["total"] > 0 and all(r["properties"]["email"].endswith(".io") for r in domains["results"])
    either = {"filterGroups": [{"filters": [{"propertyName": "dealstage", "operator": "EQ", "value": "closedwon"}]},
                               {"filters": [{"propertyName": "dealstage", "operator": "EQ", "value": "closedlost"}]}]}
    closed = ok(hs.search("deals", either))["total"]
    assert closed == ok(hs.search("deals", one_filter("hs_is_closed", "EQ", value="true")))["total"]
    assert ok(hs.search("contacts", {"query": first, "limit": 1}))["total"] >= exact
