"""Marketo sandbox over HTTPS: programs (Asset API), program members, and the company rollup's truth."""

from __future__ import annotations

import pytest

from tests.support.sandboxes.marketo import Marketo, error_code, shared


@pytest.fixture(scope="module")
def marketo(request: pytest.FixtureRequest) -> Marketo:
    return shared(request)


def test_programs_page_by_offset_with_the_asset_api_shapes(marketo: Marketo) -> None:
    c = marketo.client
    first = c.get("/rest/asset/v1/programs.json", maxReturn=3, offset=0)
    assert first["success"] and first["errors"] == [] and len(first["result"]) == 3
    program = first["result"][0]
    assert {"id", "name", "type", "channel", "status", "createdAt", "updatedAt", "workspace", "folder"} <= set(program)
    assert program["createdAt"].endswith("Z+0000") and program["workspace"] == "Default"
    everything = c.get("/rest/asset/v1/programs.json", maxReturn=200)["result"]
    assert [p["id"] for p in everything[:3]] == [p["id"] for p in first["result"]]
    assert {p["type"] for p in everything} >= {"Default", "Engagement", "Event with Webinar"}
    past = c.get("/rest/asset/v1/programs.json", maxReturn=200, offset=len(everything))
    assert past["success"] and "result" not in past and past["warnings"]
    assert error_code(c.get("/rest/asset/v1/programs.json", maxReturn=201)) == "1003"


def test_programs_filter_on_updated_at_both_bounds_inclusive(marketo: Marketo) -> None:
    c = marketo.client
    everything = c.get("/rest/asset/v1/programs.json", maxReturn=200)["result"]
    stamp = everything[0]["updatedAt"].replace("Z+0000", "Z")
    hits = c.get("/rest/asset/v1/programs.json", maxReturn=200, earliestUpdatedAt=stamp, latestUpdatedAt=stamp)
    assert everything[0]["id"] in [p["id"] for p in hits["result"]]
    assert error_code(c.get("/rest/asset/v1/programs.json", earliestUpdatedAt=stamp)) == "1003"


def test_members_need_a_filter_and_page_by_token(marketo: Marketo) -> None:
    c = marketo.client
    programs = c.get("/rest/asset/v1/programs.json", maxReturn=200)["result"]
    biggest = programs[0]["id"]  # FY Demo Requests: everyone who asked for a demo
    path = f"/rest/v1/programs/{biggest}/members.json"
    assert error_code(c.get(path)) == "1002"
    assert error_code(c.get(path, filterType="email", filterValues="x")) == "1003"
    members, token = [], None
    for _ in range(50):
        body = c.get(path, filterType="reachedSuccess", filterValues="true,false", batchSize=40,
                     fields="leadId,progressionStatus,reachedSuccess,membershipDate", nextPageToken=token)
        assert len(body["result"]) <= 40
        members += body["result"]
        token = body.get("nextPageToken")
        if not token:
            break
    truth = {m for m in marketo.admin.get("/_admin/truth/program_members", ids="true")["ids"]
             if m.startswith(f"{biggest}:")}
    assert {f"{biggest}:{m['leadId']}" for m in members} == truth
    assert all(m["progressionStatus"] == "Filled-out Form" and m["reachedSuccess"] for m in members)
    assert all(m["membershipDate"].endswith("Z") for m in members)
    one = members[0]["leadId"]
    by_lead = c.get(path, filterType="leadId", filterValues=str(one))["result"]
    assert [m["leadId"] for m in by_lead] == [one]
    assert error_code(c.get("/rest/v1/programs/999999/members.json", filterType="leadId", filterValues="1")) == "1013"


def test_membership_follows_behaviour_and_leaves_with_the_lead(marketo: Marketo) -> None:
    admin = marketo.admin
    lead = int(admin.post("/_admin/records/leads", {"fields": {"email": "prog.test@example.com"}})["id"])
    admin.post("/_admin/records/activities", {"fields": {"leadId": lead, "activityTypeId": 2,
                                                         "primaryAttributeValueId": 2003}})
    content = next(p["id"] for p in marketo.client.get("/rest/asset/v1/programs.json", maxReturn=200)["result"]
                   if p["name"] == "Content Syndication")
    assert admin.get(f"/_admin/truth/program_members/{content}:{lead}")["progressionStatus"] == "Engaged"
    before = admin.get("/_admin/truth/programs/" + str(content))["updatedAt"]
    assert before == admin.get(f"/_admin/truth/programs/{content}")["updatedAt"]  # membership is not an edit
    admin.delete(f"/_admin/records/leads/{lead}")
    assert f"{content}:{lead}" not in admin.get("/_admin/truth/program_members", ids="true")["ids"]


def test_program_edits_move_updated_at_and_the_company_rollup_follows_live_leads(marketo: Marketo) -> None:
    admin = marketo.admin
    program = admin.post("/_admin/records/programs", {"fields": {"name": "Partner Day", "type": "Event",
                                                                 "channel": "Webinar"}})
    admin.advance_clock(60)
    edited = admin.patch(f"/_admin/records/programs/{program['id']}", {"fields": {"name": "Partner Day 2026"}})
    assert edited["updatedAt"] > program["updatedAt"] and edited["createdAt"] == program["createdAt"]
    admin.delete(f"/_admin/records/programs/{program['id']}")
    assert str(program["id"]) not in admin.get("/_admin/truth/programs", ids="true")["ids"]
    lead = admin.post("/_admin/records/leads", {"fields": {"email": "one@solo-co.example", "company": " Solo  CO "}})
    assert "solo co" in admin.get("/_admin/truth/companies", ids="true")["ids"]
    admin.delete(f"/_admin/records/leads/{lead['id']}")
    assert "solo co" not in admin.get("/_admin/truth/companies", ids="true")["ids"]
