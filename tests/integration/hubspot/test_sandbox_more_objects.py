"""The HubSpot sandbox's tickets, quotes, goal targets and survey responses, the pipelines API, deal contact roles
(association labels), and the new fields on deals, calls and companies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.sandboxes.hubspot import HubSpotSandbox, running_sandbox

CONNECTED = "f240bbac-87c9-4f6e-bf70-924b57d47db7"


@pytest.fixture(scope="module")
def hs() -> Iterator[HubSpotSandbox]:
    with running_sandbox(scale=1500, profile="unlimited", options={"search_lag_ms": "0"}) as sandbox:
        yield sandbox


def page(hs: HubSpotSandbox, otype: str, props: str, **params: Any) -> list[dict[str, Any]]:
    body = hs.api.get(f"/crm/v3/objects/{otype}", params={"limit": 100, "properties": props, **params})
    return list(body.raise_for_status().json()["results"])


def test_seeded_proportions_follow_the_companies_and_deals(hs: HubSpotSandbox) -> None:
    count = {o: hs.admin.get(f"/_admin/truth/{o}")["count"] for o in
             ("companies", "deals", "tickets", "quotes", "goal_targets", "feedback_submissions")}
    assert 0.15 * count["companies"] < count["tickets"] < 1.2 * count["companies"]
    assert 0.1 * count["deals"] < count["quotes"] < 0.8 * count["deals"]
    assert count["goal_targets"] % 9 == 0 and count["goal_targets"] >= 9 * 15  # per rep per quarter
    assert count["feedback_submissions"] > 0


def test_tickets_carry_stage_priority_source_and_their_company(hs: HubSpotSandbox) -> None:
    tickets = page(hs, "tickets", "subject,hs_pipeline_stage,hs_ticket_priority,source_type,closed_date",
                   associations="companies")
    assert tickets
    for t in tickets:
        p = t["properties"]
        assert p["hs_pipeline_stage"] in {"1", "2", "3", "4"} and p["hs_ticket_priority"] in {"LOW", "MEDIUM", "HIGH",
                                                                                              "URGENT"}
        assert bool(p["closed_date"]) == (p["hs_pipeline_stage"] == "4")
        names = {r["type"] for r in t["associations"]["companies"]["results"]}
        assert names == {"ticket_to_company", "ticket_to_company_unlabeled"}  # a primary company
    bad = hs.api.post("/crm/v3/objects/tickets", json={"properties": {"subject": "x", "hs_pipeline_stage": "9"}})
    assert bad.status_code == 400 and "INVALID_OPTION" in bad.text


def test_goal_targets_and_survey_responses_are_read_only(hs: HubSpotSandbox) -> None:
    goals = page(hs, "goal_targets", "hs_goal_name,hs_target_amount,hs_start_datetime,hs_assignee_user_id")
    users = {o["userId"] for o in hs.api.get("/crm/v3/owners", params={"limit": 500}).json()["results"]}
    assert all(int(g["properties"]["hs_assignee_user_id"]) in users for g in goals)  # user ids, not owner ids
    assert all(float(g["properties"]["hs_target_amount"]) >= 25_000 for g in goals)
    for otype in ("goal_targets", "feedback_submissions"):
        one = page(hs, otype, "hs_object_id")[0]["id"]
        for method, path, body in (("POST", f"/crm/v3/objects/{otype}", {"properties": {}}),
                                   ("PATCH", f"/crm/v3/objects/{otype}/{one}", {"properties": {}}),
                                   ("POST", f"/crm/v3/objects/{otype}/batch/archive", {"inputs": [{"id": one}]})):
            resp = hs.api.request(method, path, json=body)
            assert resp.status_code == 403 and resp.json()["category"] == "MISSING_SCOPES", (method, path)
    nps = [f["properties"] for f in page(hs, "feedback_submissions", "hs_survey_type,hs_value,hs_response_group")
           if f["properties"]["hs_survey_type"] == "NPS"]
    for p in nps:
        group = "PROMOTER" if int(p["hs_value"]) >= 9 else "PASSIVE" if int(p["hs_value"]) >= 7 else "DETRACTOR"
        assert p["hs_response_group"] == group


def test_new_fields_on_deals_calls_and_companies(hs: HubSpotSandbox) -> None:
    deals = page(hs, "deals", "dealstage,closed_lost_reason,hs_forecast_category,hs_manual_forecast_category")
    lost = [d["properties"] for d in deals if d["properties"]["dealstage"] == "closedlost"]
    assert lost and sum(bool(p["closed_lost_reason"]) for p in lost) > len(lost) / 2
    for d in deals:
        p = d["properties"]
        expected = p["hs_manual_forecast_category"] or {"closedwon": "CLOSED", "closedlost": "OMIT"}.get(
            p["dealstage"], "PIPELINE")
        assert p["hs_forecast_category"] == expected
    calls = page(hs, "calls", "hs_call_disposition,hs_call_duration")
    assert any(c["properties"]["hs_call_disposition"] == CONNECTED for c in calls)
    read_only = hs.api.patch(f"/crm/v3/objects/deals/{deals[0]['id']}",
                             json={"properties": {"hs_forecast_category": "COMMIT"}})
    assert read_only.status_code == 400 and "READ_ONLY_VALUE" in read_only.text
    tiers = {c["properties"]["hs_ideal_customer_profile"] for c in page(hs, "companies", "hs_ideal_customer_profile")}
    assert tiers & {"tier_1", "tier_2", "tier_3"}


def test_pipelines_stages_can_be_added_used_and_deleted(hs: HubSpotSandbox) -> None:
    tickets = hs.api.get("/crm/v3/pipelines/tickets").json()["results"]
    assert [s["id"] for s in tickets[0]["stages"]] == ["1", "2", "3", "4"]
    assert tickets[0]["stages"][3]["metadata"] == {"ticketState": "CLOSED"}
    bad = hs.api.post("/crm/v3/pipelines/deals/default/stages", json={"label": "Legal review"})
    assert bad.status_code == 400 and "probability" in bad.json()["message"]
    made = hs.api.post("/crm/v3/pipelines/deals/default/stages", json={
        "label": "Legal review", "displayOrder": 5, "metadata": {"isClosed": False, "probability": "0.95"}})
    assert made.status_code == 201, made.text
    stage = made.json()
    assert stage["id"].isdigit() and stage["metadata"] == {"isClosed": "false", "probability": "0.95"}
    deal = hs.admin.get("/_admin/truth/deals", ids="true")["ids"][0]
    moved = hs.api.patch(f"/crm/v3/objects/deals/{deal}", json={"properties": {"dealstage": stage["id"]}})
    assert moved.status_code == 200, moved.text
    assert stage["id"] in hs.admin.get("/_admin/truth/deal_stages", ids="true")["ids"]
    busy = hs.api.delete(f"/crm/v3/pipelines/deals/default/stages/{stage['id']}")
    assert busy.status_code == 400 and "move them" in busy.json()["message"]
    # a closed-won stage makes the deal closed and won at once
    hs.api.patch(f"/crm/v3/pipelines/deals/default/stages/{stage['id']}",
                 json={"metadata": {"isClosed": "true", "probability": "1.0"}}).raise_for_status()
    flags = hs.api.get(f"/crm/v3/objects/deals/{deal}", params={"properties": "hs_is_closed,hs_is_closed_won"})
    assert flags.json()["properties"] == {**flags.json()["properties"], "hs_is_closed": "true",
                                          "hs_is_closed_won": "true"}
    hs.api.patch(f"/crm/v3/objects/deals/{deal}", json={"properties": {"dealstage": "closedlost"}}).raise_for_status()
    assert hs.api.delete(f"/crm/v3/pipelines/deals/default/stages/{stage['id']}").status_code == 204
    assert stage["id"] not in hs.admin.get("/_admin/truth/deal_stages", ids="true")["ids"]


def test_deal_contact_roles_are_association_labels_both_ways(hs: HubSpotSandbox) -> None:
    labels = hs.api.get("/crm/v4/associations/deals/contacts/labels").json()["results"]
    by_label = {entry["label"]: entry for entry in labels}
    assert by_label[None] == {"category": "HUBSPOT_DEFINED", "typeId": 3, "label": None}
    assert {"Decision maker", "Champion"} <= set(by_label)
    deals = hs.admin.get("/_admin/truth/deals", ids="true")["ids"][:60]
    body = hs.api.post("/crm/v4/associations/deals/contacts/batch/read",
                       json={"inputs": [{"id": d} for d in deals]}).json()
    labelled = [(row["from"]["id"], t) for row in body["results"] for t in row["to"]
                if any(a["category"] == "USER_DEFINED" for a in t["associationTypes"])]
    assert len(labelled) > len(deals) / 2
    deal, target = labelled[0]
    role = next(a for a in target["associationTypes"] if a["category"] == "USER_DEFINED")
    back = hs.api.post("/crm/v4/associations/contacts/deals/batch/read",
                       json={"inputs": [{"id": str(target["toObjectId"])}]}).json()
    reverse = next(t for t in back["results"][0]["to"] if str(t["toObjectId"]) == deal)
    assert [a["label"] for a in reverse["associationTypes"] if a["category"] == "USER_DEFINED"] == [role["label"]]
    # a person relabels the pair through the API: the deal's modified date moves
    before = hs.api.get(f"/crm/v3/objects/deals/{deal}").json()["updatedAt"]
    pair = f"/crm/v4/objects/deals/{deal}/associations/contacts/{target['toObjectId']}"
    influencer = by_label["Influencer"]["typeId"]
    put = hs.api.put(pair, json=[{"associationCategory": "USER_DEFINED", "associationTypeId": influencer}])
    assert put.status_code == 201 and put.json()["labels"] == ["Influencer"]
    assert hs.api.get(f"/crm/v3/objects/deals/{deal}").json()["updatedAt"] > before
    assert hs.api.delete(pair).status_code == 204
    after = hs.api.post("/crm/v4/associations/deals/contacts/batch/read", json={"inputs": [{"id": deal}]}).json()
    assert all(t["toObjectId"] != target["toObjectId"] for r in after.get("results", []) for t in r["to"])
