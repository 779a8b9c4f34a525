"""The HubSpot sandbox's seeded partner-programme and enablement custom objects (issue 17's Partner Portal,
Incentive Program, Market and Sales Content models): their schemas through the schemas API, their records with
realistic values and their associations to seeded partners and products."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.sandboxes.hubspot import HubSpotSandbox, running_sandbox

# object -> (properties its schema must define with their type, the types its records associate with)
EXPECTED: dict[str, tuple[dict[str, str], set[str]]] = {
    "partner_portal_activity": ({"activity_name": "string", "period_start": "date", "logins": "number",
                                 "active_users": "number", "deals_registered": "number",
                                 "content_downloads": "number"}, {"channel_partner"}),
    "incentive_program": ({"program_name": "string", "program_type": "enumeration", "program_status": "enumeration",
                           "start_date": "date", "end_date": "date", "budget": "number", "paid_out": "number",
                           "currency": "enumeration"}, {"channel_partner"}),
    "market": ({"market_name": "string", "region": "enumeration", "country": "string", "industry": "string",
                "size_estimate": "number", "currency": "enumeration", "description": "string"}, set()),
    "sales_content": ({"title": "string", "content_type": "enumeration", "deal_stage": "enumeration",
                       "url": "string", "uses": "number", "uses_in_won_deals": "number"}, {"products"}),
}


@pytest.fixture(scope="module")
def hs() -> Iterator[HubSpotSandbox]:
    with running_sandbox(scale=600, profile="unlimited", options={"search_lag_ms": "0"}) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def schemas(hs: HubSpotSandbox) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in hs.api.get("/crm/v3/schemas").raise_for_status().json()["results"]}


def _records(hs: HubSpotSandbox, name: str, props: list[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 100, "properties": ",".join(props)}
    while True:
        body = hs.api.get(f"/crm/v3/objects/p_{name}", params=params).raise_for_status().json()
        out += body["results"]
        after = body.get("paging", {}).get("next", {}).get("after")
        if not after:
            return out
        params["after"] = after


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_schema_defines_the_models_fields(schemas: dict[str, dict[str, Any]], name: str) -> None:
    schema = schemas[name]
    props = {p["name"]: p["type"] for p in schema["properties"]}
    wanted, associated = EXPECTED[name]
    assert {k: props.get(k) for k in wanted} == wanted
    by_id = {s["objectTypeId"]: s["name"] for s in schemas.values()} | {"0-7": "products", "0-2": "companies"}
    assert {by_id[a["toObjectTypeId"]] for a in schema["associations"]} == associated


def test_records_have_realistic_values_in_sensible_numbers(hs: HubSpotSandbox) -> None:
    counts = {n: hs.admin.get(f"/_admin/truth/p_{n}", ids="true")["count"] for n in EXPECTED}
    partners = hs.admin.get("/_admin/truth/p_channel_partner", ids="true")["count"]
    assert partners < counts["partner_portal_activity"] <= 6 * partners
    assert 6 <= counts["incentive_program"] <= max(6, partners)
    assert 3 <= counts["market"] <= 60 and 24 <= counts["sales_content"] <= 40
    activity = _records(hs, "partner_portal_activity", list(EXPECTED["partner_portal_activity"][0]))
    assert len(activity) == counts["partner_portal_activity"]
    for rec in activity:
        p = rec["properties"]
        assert p["period_start"].endswith("-01") and int(p["logins"]) >= int(p["active_users"]) >= 0
    programs = _records(hs, "incentive_program", list(EXPECTED["incentive_program"][0]))
    for rec in programs:
        p = rec["properties"]
        assert p["start_date"] < p["end_date"] and 0 <= float(p["paid_out"]) <= float(p["budget"])
        assert p["program_type"] in ("spiff", "rebate", "mdf", "bonus")
    content = _records(hs, "sales_content", list(EXPECTED["sales_content"][0]))
    assert all(int(r["properties"]["uses_in_won_deals"]) <= int(r["properties"]["uses"]) for r in content)


@pytest.mark.parametrize(("name", "to_type", "share"), [
    ("partner_portal_activity", "p_channel_partner", 1.0), ("incentive_program", "p_channel_partner", 1.0),
    ("sales_content", "products", 0.3)])
def test_records_associate_with_seeded_records(hs: HubSpotSandbox, name: str, to_type: str, share: float) -> None:
    ids = hs.admin.get(f"/_admin/truth/p_{name}", ids="true")["ids"]
    targets = set(hs.admin.get(f"/_admin/truth/{to_type}", ids="true")["ids"])
    body = hs.api.post(f"/crm/v4/associations/p_{name}/{to_type}/batch/read",
                       json={"inputs": [{"id": i} for i in ids[:100]]}).raise_for_status().json()
    linked = {str(r["from"]["id"]): {str(t["toObjectId"]) for t in r["to"]} for r in body["results"]}
    assert len(linked) >= share * min(100, len(ids))
    assert all(found and found <= targets for found in linked.values())
