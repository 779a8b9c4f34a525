"""File endpoints of the Asset API: Get File by Id, Get File by Name, and Get Files (browse).

``GET /rest/asset/v1/files.json``: optional ``folder`` (a JSON block ``{"id": 436, "type": "Folder"}``: the files
directly in that folder), ``offset`` and ``maxReturn`` (default 20, at most 200), in id order; there is no
``updatedAt`` filter, so a reader lists them all. When nothing matches, Marketo answers success with a warning and
no ``result`` (an unknown folder too). ``GET /rest/asset/v1/file/{id}.json`` and ``GET
/rest/asset/v1/file/byName.json?name=`` answer one file, or the same warning. Creating and updating file content
(multipart uploads) are not modelled: the admin surface uploads and replaces files as a marketer would.
"""

from __future__ import annotations

import json

from starlette.routing import Route

from sandbox.marketo.api import Api, Call, Reply
from sandbox.marketo.envelope import bad_type, invalid
from sandbox.marketo.files import File
from sandbox.marketo.params import int_param, required
from sandbox.marketo.programs_api import MAX_RETURN, NO_ASSETS
from sandbox.marketo.state import State


def _found(files: list[File]) -> Reply:
    if not files:
        return Reply(None, {"warnings": [NO_ASSETS], "errors": []})
    return Reply([f.api() for f in files], {"warnings": [], "errors": []})


def _folder(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        block = json.loads(raw)
        if not isinstance(block, dict):
            raise ValueError(raw)
        return int(block["id"])
    except (ValueError, KeyError, TypeError) as exc:
        raise bad_type(raw, "Folder") from exc


def routes(api: Api, state: State) -> list[Route]:
    def get_files(call: Call) -> Reply:
        size = int_param(call, "maxReturn", 20)
        offset = int_param(call, "offset", 0)
        if not 1 <= size <= MAX_RETURN or offset < 0:
            raise invalid(f"maxReturn must be between 1 and {MAX_RETURN}, offset not negative")
        folder = _folder(call.params.get("folder"))
        files = [f for _, f in sorted(state.files.live.items()) if folder is None or f.folder == folder]
        return _found(files[offset:offset + size])

    def get_file_by_id(call: Call) -> Reply:
        found = state.files.live.get(int(call.path("file_id")))
        return _found([found] if found else [])

    def get_file_by_name(call: Call) -> Reply:
        found = state.files.by_name(required(call, "name"))
        return _found([found] if found else [])

    return [
        api.route("/rest/asset/v1/files.json", {"GET": get_files}),
        api.route("/rest/asset/v1/file/byName.json", {"GET": get_file_by_name}),
        api.route("/rest/asset/v1/file/{file_id:int}.json", {"GET": get_file_by_id}),
    ]
