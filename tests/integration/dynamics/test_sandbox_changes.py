"""Changes in the Dynamics sandbox over HTTPS: change tracking (delta links, deleted entities, retention, per-table
switch) and the admin surface that makes them (ground truth, person-like edits, delete modes, identities)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import unquote

import pytest

from sandbox.common.people import Population
from sandbox.dynamics.generator import SHARE
from tests.support.sandboxes.dynamics import DynamicsApi, error_code, running

RETENTION_S = 3600


SEED, SCALE = 11, 1500


@pytest.fixture(scope="module")
def api() -> Iterator[DynamicsApi]:
    options = {"delta_retention_s": str(RETENTION_S), "change_tracking": "accounts,contacts,leads,phonecalls"}
    with running(seed=SEED, scale=SCALE, options=options) as (_, client):
        yield client


def initial_sync(api: DynamicsApi, entity_set: str, page: int = 5000) -> tuple[list[dict[str, object]], str]:
    rows, last = api.all_pages(f"{entity_set}?$select=modifiedon",
                               f"odata.track-changes,odata.maxpagesize={page}")
    return rows, str(last["@odata.deltaLink"])


def test_initial_sync_pages_then_hands_out_a_delta_link(api: DynamicsApi) -> None:
    first = api.get("leads?$select=modifiedon", "odata.track-changes,odata.maxpagesize=200")
    assert first.status_code == 200
    assert "odata.track-changes" in first.headers["preference-applied"]
    assert "@odata.deltaLink" not in first.json() and 'istracking="True"' in unquote(first.json()["@odata.nextLink"])
    rows, delta = initial_sync(api, "leads", page=200)
    assert len({r["leadid"] for r in rows}) == api.admin.get("/_admin/truth/leads")["count"]
    token = unquote(delta.split("$deltatoken=")[1])
    assert token.split("!")[0].isdigit() and len(token.split("!")[1]) == len("08/22/2017 08:10:44")


def test_delta_returns_changed_rows_then_deletions(api: DynamicsApi) -> None:
    _, delta = initial_sync(api, "accounts")
    # Nothing changed: an empty JSON object, no delta link (Microsoft: "An empty JSON response is returned if no
    # table changes have occurred"); the link followed stays valid.
    quiet = api.get(delta)
    assert quiet.status_code == 200 and quiet.json() == {}
    edits = api.admin.post("/_admin/random_edits/accounts", {"seed": 3, "edits": 4, "deletes": 2, "creates": 1})
    changes = api.get(delta).json()
    values = changes["value"]
    deleted = [v for v in values if "reason" in v]
    changed = [v for v in values if "reason" not in v]
    assert {v["id"] for v in deleted} == set(edits["deleted"])
    assert all(v["@odata.context"].endswith("$metadata#accounts/$deletedEntity") and v["reason"] == "deleted"
               for v in deleted)
    assert {v["accountid"] for v in changed} >= set(edits["edited"]) | set(edits["created"])
    assert values.index(deleted[0]) > values.index(changed[-1])  # new and updated first, deletions last
    assert changes["@odata.context"].endswith("$metadata#accounts(modifiedon)/$delta")
    assert api.get(changes["@odata.deltaLink"]).json() == {}


def test_cascaded_deletes_show_up_in_the_child_tables_delta(api: DynamicsApi) -> None:
    _, delta = initial_sync(api, "contacts")
    account = api.get("contacts?$select=_parentcustomerid_value&$filter=_parentcustomerid_value ne null&$top=1")
    parent = account.json()["value"][0]["_parentcustomerid_value"]
    children = api.get(f"contacts?$select=contactid&$filter=_parentcustomerid_value eq {parent}").json()["value"]
    api.admin.delete(f"/_admin/records/accounts/{parent}")
    gone = {v["id"] for v in api.get(delta).json()["value"] if "reason" in v}
    assert {c["contactid"] for c in children} <= gone


def test_delta_pages_follow_the_page_size(api: DynamicsApi) -> None:
    _, delta = initial_sync(api, "contacts")
    touched = api.admin.post("/_admin/bulk_touch/contacts", {"count": 30})
    rows, last = api.all_pages(delta, "odata.maxpagesize=7")
    assert sorted(r["contactid"] for r in rows) == sorted(touched["ids"])
    assert "@odata.deltaLink" in last


def test_tracking_rejects_unsupported_options_and_untracked_tables(api: DynamicsApi) -> None:
    filtered = api.get("accounts?$select=name&$filter=name ne null", "odata.track-changes")
    assert filtered.status_code == 400
    message = filtered.json()["error"]["message"]
    assert message == 'The "$filter" query parameter isn\'t supported when Change Tracking is enabled.'
    teams = api.get("teams?$select=name", "odata.track-changes")
    assert teams.status_code == 400 and error_code(teams) == "0x80072491"
    opportunities = api.get("opportunities?$select=name", "odata.track-changes")
    assert opportunities.status_code == 400  # switched off by the change_tracking option of this sandbox
    meta = api.get("EntityDefinitions(LogicalName='opportunity')?$select=ChangeTrackingEnabled").json()
    assert meta["ChangeTrackingEnabled"] is False


def test_tokens_expire_after_the_retention_window(api: DynamicsApi) -> None:
    _, delta = initial_sync(api, "phonecalls")
    assert api.get(delta).status_code == 200
    api.admin.advance_clock(RETENTION_S + 1)
    api.token = api.fetch_token()  # the bearer token (3599 s) has run out too
    expired = api.get(delta)
    assert expired.status_code == 400 and error_code(expired) == "0x80044352"
    assert "Please perform a full sync" in expired.json()["error"]["message"]


def test_admin_can_expire_every_token_now(api: DynamicsApi) -> None:
    _, delta = initial_sync(api, "accounts")
    api.admin.post("/_admin/change_tracking/expire")
    assert error_code(api.get(delta)) == "0x80044352"
    _, fresh = initial_sync(api, "accounts")
    assert api.get(fresh).status_code == 200


def test_objects_and_truth_match_the_api(api: DynamicsApi) -> None:
    objects = api.admin.get("/_admin/objects")["objects"]
    assert {"accounts", "contacts", "leads", "opportunities", "systemusers", "teams", "campaigns", "phonecalls",
            "emails", "appointments", "tasks", "activitypointers", "transactioncurrencies", "organizations", "uoms",
            "products", "opportunityproducts", "competitors", "opportunitycompetitorscollection", "quotes", "metrics",
            "goals", "territories", "workflows", "processstages", "incidents", "contracts",
            "knowledgearticles", "new_customerhealths", "new_qbrs", "new_slas", "new_customeronboardings",
            "new_customergoals"} == set(objects)
    for name in ("accounts", "contacts", "leads", "opportunities", "tasks"):
        truth = api.admin.get(f"/_admin/truth/{name}", ids="true")
        assert truth["count"] == int(api.get(f"{name}/$count").text) == len(truth["ids"])
        assert truth["deleted_count"] == len(truth["deleted_ids"])
        assert not set(truth["ids"]) & set(truth["deleted_ids"])


def test_truth_record_has_internal_flags(api: DynamicsApi) -> None:
    contact = api.get("contacts?$select=fullname&$top=1").json()["value"][0]
    truth = api.admin.get(f"/_admin/truth/contacts/{contact['contactid']}")
    assert truth["fullname"] == contact["fullname"] and truth["@odata.etag"] == contact["@odata.etag"]
    flags = truth["_sandbox"]
    assert flags["deleted"] is False and isinstance(flags["person_key"], int)
    assert flags["lookup_types"]["_parentcustomerid_value"] == "account"


def test_person_like_create_edit_and_delete(api: DynamicsApi) -> None:
    created = api.admin.post("/_admin/records/contacts", {"fields": {"firstname": "Typed", "lastname": "In"},
                                                          "person_key": 4})
    contact_id = created["contactid"]
    sales_user = created["_createdby_value"]
    assert sales_user != api.creds["application_user_id"]
    api.admin.advance_clock(5)
    edited = api.admin.patch(f"/_admin/records/contacts/{contact_id}", {"fields": {"jobtitle": "Buyer"}})
    assert edited["modifiedon"] > created["modifiedon"] and edited["versionnumber"] > created["versionnumber"]
    assert api.get(f"contacts({contact_id})?$select=jobtitle").json()["jobtitle"] == "Buyer"
    soft = api.admin.client.delete(f"/_admin/records/contacts/{contact_id}", params={"mode": "soft"})
    assert soft.status_code == 400
    gone = api.admin.client.delete(f"/_admin/records/contacts/{contact_id}", params={"mode": "purge"}).json()
    assert gone == {"mode": "purge", "deleted": [["contacts", contact_id]]}
    truth = api.admin.get(f"/_admin/truth/contacts/{contact_id}")["_sandbox"]
    assert truth["deleted"] is True and truth["delete_tracked"] is False
    assert contact_id in api.admin.get("/_admin/truth/contacts", ids="true")["deleted_ids"]


def test_purged_rows_leave_no_trace_in_change_tracking(api: DynamicsApi) -> None:
    _, last = api.all_pages("leads?$select=leadid", "odata.track-changes")
    victims = api.get("leads?$select=leadid&$top=2").json()["value"]
    api.admin.delete(f"/_admin/records/leads/{victims[0]['leadid']}?mode=hard")
    api.admin.delete(f"/_admin/records/leads/{victims[1]['leadid']}?mode=purge")
    deleted = {v["id"] for v in api.get(last["@odata.deltaLink"]).json()["value"] if "reason" in v}
    assert deleted == {victims[0]["leadid"]}


def test_bulk_touch_gives_one_identical_timestamp(api: DynamicsApi) -> None:
    touched = api.admin.post("/_admin/bulk_touch/tasks", {"count": 40, "fields": {"prioritycode": 2}})
    assert len(touched["ids"]) == 40
    rows = api.get(f"tasks?$select=modifiedon,prioritycode&$filter=modifiedon eq {touched['timestamp']}").json()
    assert {r["activityid"] for r in rows["value"]} >= set(touched["ids"])
    assert {r["prioritycode"] for r in rows["value"] if r["activityid"] in touched["ids"]} == {2}


def test_random_edits_are_deterministic_and_done_as_a_person(api: DynamicsApi) -> None:
    before = {r["contactid"]: r["@odata.etag"] for r in api.all_pages("contacts?$select=contactid",
                                                                         "odata.maxpagesize=5000")[0]}
    result = api.admin.post("/_admin/random_edits/contacts", {"seed": 5, "edits": 6, "deletes": 2, "creates": 3})
    assert len(result["edited"]) == 6 and len(result["deleted"]) == 2 and len(result["created"]) == 3
    for contact_id in result["edited"]:
        assert api.get(f"contacts({contact_id})?$select=contactid").json()["@odata.etag"] != before[contact_id]
    for contact_id in result["deleted"]:
        assert api.get(f"contacts({contact_id})").status_code == 404
    for contact_id in result["created"]:
        flags = api.admin.get(f"/_admin/truth/contacts/{contact_id}")["_sandbox"]
        assert isinstance(flags["person_key"], int)
    read_only = api.admin.client.post("/_admin/random_edits/activitypointers", json={"edits": 1})
    assert read_only.status_code == 400


def test_identities_come_from_the_shared_population(api: DynamicsApi) -> None:
    population = Population(SEED, SCALE)
    identities = api.admin.get("/_admin/identities", object="contacts")
    assert identities and all(isinstance(i["person_key"], int) for i in identities)
    rows, _ = api.all_pages("contacts?$select=emailaddress1", "odata.maxpagesize=5000")
    emails = {r["contactid"]: r["emailaddress1"] for r in rows}
    matched = members = 0
    for identity in identities:
        person = population.person(identity["person_key"])
        email = emails[identity["id"]]
        matched += email is not None and email.strip().lower() == person.email.lower()
        members += population.member(identity["person_key"], "dynamics", SHARE)
    assert matched >= 0.95 * len(identities)  # the rest are the deliberately malformed addresses
    assert members >= len(identities) - 5  # all seeded contacts; people typed in later were not members yet
    accounts = api.admin.get("/_admin/identities", object="accounts")
    assert all("company_key" in a for a in accounts)


def test_admin_routes_are_not_counted_as_api_calls(api: DynamicsApi) -> None:
    api.admin.reset_calls()
    api.admin.get("/_admin/truth/accounts")
    assert api.admin.calls()["total"] == 0
    with pytest.raises(RuntimeError):
        api.admin.get("/_admin/truth/nosuchobject")
