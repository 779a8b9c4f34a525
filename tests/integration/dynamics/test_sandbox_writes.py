"""Writing to the Dynamics sandbox over HTTPS: create, upsert, concurrency, keys, validation, cascades, $batch."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.support.sandboxes.dynamics import API, DynamicsApi, error_code, running


@pytest.fixture(scope="module")
def api() -> Iterator[DynamicsApi]:
    with running(scale=1200) as (_, client):
        yield client


def entity_id(resp: httpx.Response) -> str:
    match = re.search(r"\(([0-9a-f-]{36})\)$", resp.headers["odata-entityid"])
    assert match, resp.headers
    return match.group(1)


def test_create_returns_the_entity_id_or_the_representation(api: DynamicsApi) -> None:
    resp = api.post("accounts", {"name": "Fabrikam Test", "revenue": 1500000, "industrycode": 7})
    assert resp.status_code == 204 and resp.content == b""
    new_id = entity_id(resp)
    rep = api.post("accounts?$select=name,revenue", {"name": "Rep Co"}, "return=representation")
    assert rep.status_code == 201 and rep.headers["preference-applied"] == "return=representation"
    assert rep.json()["name"] == "Rep Co" and set(rep.json()) >= {"@odata.etag", "accountid"}
    row = api.get(f"accounts({new_id})?$select=name,revenue,statecode,statuscode,_ownerid_value").json()
    assert row["statecode"] == 0 and row["statuscode"] == 1
    assert row["_ownerid_value"] == api.creds["application_user_id"]


def test_patch_upserts_and_etags_guard_updates(api: DynamicsApi) -> None:
    new_id = str(uuid.uuid4())
    created = api.patch(f"accounts({new_id})", {"name": "Upserted"})
    assert created.status_code == 204 and entity_id(created) == new_id
    etag = api.get(f"accounts({new_id})?$select=name").json()["@odata.etag"]
    stale = api.patch(f"accounts({new_id})", {"name": "Stale"}, If_Match='W/"1"')
    assert stale.status_code == 412 and error_code(stale) == "0x80060882"
    ok = api.patch(f"accounts({new_id})", {"name": "Fresh"}, "return=representation", If_Match=etag)
    assert ok.status_code == 200 and ok.json()["name"] == "Fresh" and ok.json()["@odata.etag"] != etag
    no_create = api.patch(f"accounts({uuid.uuid4()})", {"name": "Ghost"}, If_Match="*")
    assert no_create.status_code == 404 and error_code(no_create) == "0x80040217"
    no_update = api.patch(f"accounts({new_id})", {"name": "Twice"}, If_None_Match="*")
    assert no_update.status_code == 412 and error_code(no_update) == "0x80040237"
    gone = api.delete(f"accounts({new_id})", If_Match='W/"1"')
    assert gone.status_code == 412
    assert api.delete(f"accounts({new_id})").status_code == 204
    assert api.delete(f"accounts({new_id})").status_code == 404


def test_alternate_key_upsert_and_uniqueness(api: DynamicsApi) -> None:
    first = api.patch("accounts(accountnumber='ALT-1')", {"name": "Alt One"})
    assert first.status_code == 204
    again = api.patch("accounts(accountnumber='alt-1')", {"name": "Alt One Renamed"})
    assert entity_id(again) == entity_id(first)  # keys match case-insensitively, like the SQL index
    clash = api.post("accounts", {"name": "Clash", "accountnumber": "ALT-1"})
    assert clash.status_code == 412 and error_code(clash) == "0x80040237"
    row = api.get("accounts(accountnumber='ALT-1')?$select=name").json()
    assert row["name"] == "Alt One Renamed"


def test_lookups_are_written_through_navigation_properties(api: DynamicsApi) -> None:
    account = entity_id(api.post("accounts", {"name": "Parent Co"}))
    contact = entity_id(api.post("contacts", {"firstname": "Ada", "lastname": "Bound",
                                              "parentcustomerid_account@odata.bind": f"/accounts({account})"}))
    row = api.get(f"contacts({contact})?$select=fullname,_parentcustomerid_value").json()
    assert row["fullname"] == "Ada Bound" and row["_parentcustomerid_value"] == account
    direct = api.patch(f"contacts({contact})", {"_parentcustomerid_value": account})
    assert direct.status_code == 400 and error_code(direct) == "0x80048d19"
    wrong_set = api.patch(f"contacts({contact})", {"parentcustomerid_account@odata.bind": f"/contacts({contact})"})
    assert wrong_set.status_code == 400
    missing = api.patch(f"contacts({contact})",
                        {"parentcustomerid_account@odata.bind": f"/accounts({uuid.uuid4()})"})
    assert missing.status_code == 404
    cleared = api.patch(f"contacts({contact})", {"parentcustomerid_account@odata.bind": None})
    assert cleared.status_code == 204
    assert api.get(f"contacts({contact})?$select=_parentcustomerid_value").json()["_parentcustomerid_value"] is None


@pytest.mark.parametrize(
    ("body", "code", "fragment"),
    [
        ({"name": "x" * 161}, "0x80044331", "exceeded the maximum allowed length of '160'"),
        ({"industrycode": 999}, "0x8004431A", "outside the valid range"),
        ({"numberofemployees": "12"}, "0x80048d19", "to the expected type 'Edm.Int32'"),
        ({"name": 12}, "0x80048d19", "'Edm.String'"),
        ({"nosuchcolumn": 1}, "0x80048d19", "The property 'nosuchcolumn' does not exist"),
        ({"Name": "case matters"}, "0x80048d19", "The property 'Name' does not exist"),
        ({"bogus@odata.bind": "/accounts(00000000-0000-0000-0000-000000000001)"}, "0x80048d19",
         "An undeclared property 'bogus'"),
    ],
)
def test_payload_validation(api: DynamicsApi, body: dict[str, object], code: str, fragment: str) -> None:
    resp = api.post("accounts", body)
    assert resp.status_code == 400, resp.text
    assert error_code(resp) == code and fragment in resp.json()["error"]["message"]


def test_read_only_columns_are_ignored_and_required_names_are_not_enforced(api: DynamicsApi) -> None:
    contact = entity_id(api.post("contacts", {"firstname": "NoLast", "fullname": "Ignored",
                                              "createdon": "2001-01-01T00:00:00Z"}))
    row = api.get(f"contacts({contact})?$select=fullname,lastname,createdon").json()
    assert row["fullname"] == "NoLast" and row["lastname"] is None and not row["createdon"].startswith("2001")


def test_state_and_status_move_together(api: DynamicsApi) -> None:
    lead = entity_id(api.post("leads", {"subject": "Status test", "lastname": "Lead"}))
    assert api.patch(f"leads({lead})", {"statuscode": 4}).status_code == 204  # Lost -> Disqualified
    row = api.get(f"leads({lead})?$select=statecode,statuscode").json()
    assert (row["statecode"], row["statuscode"]) == (2, 4)
    bad = api.patch(f"leads({lead})", {"statecode": 0, "statuscode": 3})
    assert bad.status_code == 400 and "is not a valid status code" in bad.json()["error"]["message"]


def test_deleting_an_account_cascades_to_its_contacts(api: DynamicsApi) -> None:
    account = entity_id(api.post("accounts", {"name": "Doomed"}))
    contact = entity_id(api.post("contacts", {"lastname": "Child",
                                              "parentcustomerid_account@odata.bind": f"accounts({account})"}))
    regarding = {"regardingobjectid_account_phonecall@odata.bind": f"/accounts({account})"}
    call = entity_id(api.post("phonecalls", {"subject": "About Doomed", **regarding}))
    assert api.delete(f"accounts({account})").status_code == 204
    assert api.get(f"contacts({contact})").status_code == 404
    assert api.get(f"phonecalls({call})").status_code == 404
    assert api.get(f"activitypointers({call})").status_code == 404
    truth = api.admin.get(f"/_admin/truth/contacts/{contact}")
    assert truth["_sandbox"]["deleted"] is True and truth["_sandbox"]["delete_tracked"] is True


def test_single_property_and_reference_writes(api: DynamicsApi) -> None:
    account = entity_id(api.post("accounts", {"name": "Props Co"}))
    contact = entity_id(api.post("contacts", {"lastname": "Ref"}))
    assert api.http.put(f"{API}accounts({account})/name", json={"value": "Props Renamed"},
                        headers=api.headers()).status_code == 204
    assert api.get(f"accounts({account})/name").json()["value"] == "Props Renamed"
    ref = {"@odata.id": f"{api.url}{API}contacts({contact})"}
    assert api.http.put(f"{API}accounts({account})/primarycontactid/$ref", json=ref,
                        headers=api.headers()).status_code == 204
    linked = api.get(f"accounts({account})?$select=_primarycontactid_value&$expand=primarycontactid($select=lastname)")
    assert linked.json()["primarycontactid"]["lastname"] == "Ref"
    assert api.delete(f"accounts({account})/primarycontactid/$ref").status_code == 204
    assert api.delete(f"accounts({account})/name").status_code == 204
    cleared = api.get(f"accounts({account})?$select=name,_primarycontactid_value").json()
    assert cleared["name"] is None and cleared["_primarycontactid_value"] is None
    assert api.get(f"accounts({account})/name").status_code == 204


def test_activitypointers_are_read_only(api: DynamicsApi) -> None:
    resp = api.post("activitypointers", {"subject": "nope"})
    assert resp.status_code == 400 and "does not support entities of type 'activitypointer'" in resp.text


def batch(api: DynamicsApi, body: str, prefer: str | None = None) -> httpx.Response:
    headers = api.headers(prefer)
    headers["Content-Type"] = "multipart/mixed; boundary=batch_AAA123"
    return api.http.post(API + "$batch", content=body.replace("\n", "\r\n").encode(), headers=headers)


def part(method: str, url: str, body: str = "", content_id: str | None = None) -> str:
    cid = f"Content-ID: {content_id}\n" if content_id else ""
    payload = f"Content-Type: application/json\n\n{body}" if body else "\n"
    target = url if url.startswith("$") else API + url  # $1 refers to a row created earlier in the change set
    return (f"Content-Type: application/http\nContent-Transfer-Encoding: binary\n{cid}\n"
            f"{method} {target} HTTP/1.1\n{payload}\n")


def changeset(*parts: str, name: str = "changeset_BBB456") -> str:
    inner = "".join(f"--{name}\n{p}" for p in parts)
    return f"Content-Type: multipart/mixed; boundary={name}\n\n{inner}--{name}--\n"


def test_batch_changeset_with_content_id_references(api: DynamicsApi) -> None:
    body = (
        "--batch_AAA123\n" + changeset(
            part("POST", "accounts", '{"name":"Batch Parent"}', "1"),
            part("POST", "contacts", '{"lastname":"Batch Child","parentcustomerid_account@odata.bind":"$1"}', "2"),
            part("PATCH", "$1", '{"primarycontactid@odata.bind":"$2"}', "3"),
        )
        + "--batch_AAA123\n" + part("GET", "accounts?$select=name&$filter=name eq 'batch parent'")
        + "--batch_AAA123--\n"
    )
    resp = batch(api, body)
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("multipart/mixed; boundary=batchresponse_")
    text = resp.text
    assert text.count("HTTP/1.1 204 No Content") == 3 and "Content-ID: 2" in text
    assert "changesetresponse_" in text and '"name":"Batch Parent"' in text
    account = api.get("accounts?$select=_primarycontactid_value&$filter=name eq 'Batch Parent'").json()["value"][0]
    assert account["_primarycontactid_value"] is not None


def test_a_failing_changeset_rolls_back_every_write(api: DynamicsApi) -> None:
    before = int(api.get("accounts/$count").text)
    body = ("--batch_AAA123\n" + changeset(
        part("POST", "accounts", '{"name":"Rolled Back"}', "1"),
        part("POST", "accounts", '{"name":"' + "y" * 200 + '"}', "2"),
    ) + "--batch_AAA123\n" + part("POST", "accounts", '{"name":"Never Reached"}') + "--batch_AAA123--\n")
    resp = batch(api, body)
    assert resp.status_code == 400
    assert "0x80044331" in resp.text and "changesetresponse_" not in resp.text
    assert int(api.get("accounts/$count").text) == before


def test_continue_on_error_runs_every_independent_request(api: DynamicsApi) -> None:
    before = int(api.get("accounts/$count").text)
    body = ("--batch_AAA123\n" + part("POST", "accounts", '{"industrycode":12345}')
            + "--batch_AAA123\n" + part("POST", "accounts", '{"name":"After The Failure"}')
            + "--batch_AAA123--\n")
    stopped = batch(api, body)
    assert stopped.status_code == 400 and stopped.text.count("HTTP/1.1") == 1
    assert int(api.get("accounts/$count").text) == before
    went_on = batch(api, body, "odata.continue-on-error")
    assert went_on.status_code == 200
    assert "HTTP/1.1 400 Bad Request" in went_on.text and "HTTP/1.1 204 No Content" in went_on.text
    assert int(api.get("accounts/$count").text) == before + 1


def test_batch_limits_and_shape_errors(api: DynamicsApi) -> None:
    too_many = "".join("--batch_AAA123\n" + part("GET", "WhoAmI") for _ in range(1001)) + "--batch_AAA123--\n"
    resp = batch(api, too_many)
    assert resp.status_code == 400 and "maximum batch size" in resp.json()["error"]["message"]
    get_in_changeset = "--batch_AAA123\n" + changeset(part("GET", "WhoAmI")) + "--batch_AAA123--\n"
    assert batch(api, get_in_changeset).status_code == 400
    bad_ref = "--batch_AAA123\n" + changeset(part("PATCH", "$9", '{"name":"x"}', "1")) + "--batch_AAA123--\n"
    resp = batch(api, bad_ref)
    assert resp.status_code == 400 and "Content-ID Reference: '$9' does not exist" in resp.text
    assert api.admin.calls()["by_endpoint"]["execute_batch"] >= 3
