"""Marketo sandbox over HTTPS: Design Studio files (Asset API) — browse by offset and folder, by id and by name, the
no-result warning, and a marketer's uploads, new versions and deletes through the admin surface."""

from __future__ import annotations

import json

import pytest

from tests.support.sandboxes.marketo import Marketo, error_code, shared

FILES = "/rest/asset/v1/files.json"


@pytest.fixture(scope="module")
def marketo(request: pytest.FixtureRequest) -> Marketo:
    return shared(request)


def _every(m: Marketo) -> list[dict]:
    out: list[dict] = []
    while True:
        page = m.client.get(FILES, maxReturn=200, offset=len(out))
        if "result" not in page:
            assert page["success"] and page["warnings"] == ["No assets found for the given search criteria."]
            return out
        out += page["result"]


def test_files_browse_by_offset_in_id_order_with_the_asset_api_shape(marketo: Marketo) -> None:
    c = marketo.client
    first = c.get(FILES)  # maxReturn defaults to 20
    assert first["success"] and len(first["result"]) == 20
    one = first["result"][0]
    assert set(one) == {"id", "size", "mimeType", "url", "folder", "name", "description", "createdAt", "updatedAt"}
    assert one["createdAt"].endswith("Z+0000") and one["url"].endswith(f"/images/{one['name']}")
    assert set(one["folder"]) == {"type", "id", "name"}
    every = _every(marketo)
    assert [f["id"] for f in every] == sorted(f["id"] for f in every)
    truth = marketo.admin.get("/_admin/truth/files", ids="true")
    assert [str(f["id"]) for f in every] == truth["ids"] and 30 <= len(every) <= 300
    kinds = {f["mimeType"] for f in every}
    assert {"application/pdf", "image/png"} <= kinds
    assert any(f["name"].startswith("Case-Study-") for f in every)  # completed case studies have their PDF
    assert any(f["updatedAt"] != f["createdAt"] for f in every)  # some collateral has a newer version
    assert error_code(c.get(FILES, maxReturn=201)) == "1003"
    assert error_code(c.get(FILES, offset=-1)) == "1003"


def test_files_by_folder_id_and_name(marketo: Marketo) -> None:
    c = marketo.client
    every = _every(marketo)
    deck = next(f for f in every if f["name"] == "Northstar-Sales-Deck.pptx")
    folder = deck["folder"]
    inside = c.get(FILES, maxReturn=200, folder=json.dumps({"id": folder["id"], "type": "Folder"}))["result"]
    assert deck["id"] in {f["id"] for f in inside} and {f["folder"]["id"] for f in inside} == {folder["id"]}
    assert "result" not in c.get(FILES, folder=json.dumps({"id": 99, "type": "Folder"}))
    assert error_code(c.get(FILES, folder="not json")) == "1001"
    assert c.get(f"/rest/asset/v1/file/{deck['id']}.json")["result"] == [deck]
    assert c.get("/rest/asset/v1/file/byName.json", name=deck["name"])["result"] == [deck]
    assert error_code(c.get("/rest/asset/v1/file/byName.json")) == "1002"
    assert "result" not in c.get("/rest/asset/v1/file/1.json")


def test_a_new_version_moves_updated_at_and_a_deleted_file_is_only_absent(marketo: Marketo) -> None:
    c, admin = marketo.client, marketo.admin
    every = _every(marketo)
    target, doomed = every[0], every[1]
    admin.advance_clock(5)
    admin.patch(f"/_admin/records/files/{target['id']}", {"fields": {"size": target["size"] + 1024}})
    after = c.get(f"/rest/asset/v1/file/{target['id']}.json")["result"][0]
    assert after["size"] == target["size"] + 1024 and after["updatedAt"] > target["updatedAt"]
    assert after["createdAt"] == target["createdAt"]
    admin.delete(f"/_admin/records/files/{doomed['id']}")
    assert "result" not in c.get(f"/rest/asset/v1/file/{doomed['id']}.json")
    assert doomed["id"] not in {f["id"] for f in _every(marketo)}
    assert str(doomed["id"]) in admin.get("/_admin/truth/files", ids="true")["deleted_ids"]
    made = admin.post("/_admin/records/files", {"fields": {"name": "Q3-Launch-Brief.pdf", "size": 420_000}})
    assert made["mimeType"] == "application/pdf" and made["folder"]["name"] == "Sales Collateral"
    changes = admin.post("/_admin/random_edits/files", {"seed": 3, "edits": 2, "deletes": 1, "creates": 1})
    assert len(changes["edited"]) == 2 and len(changes["deleted"]) == 1 and len(changes["created"]) == 1
    listed = {str(f["id"]) for f in _every(marketo)}
    assert changes["created"][0] in listed and changes["deleted"][0] not in listed
