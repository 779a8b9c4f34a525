"""Admin for Design Studio files: ground truth, and what a marketer does in the UI — upload a file, upload a new
version of one or edit its description, delete one — plus a batch of random such changes.

Marketo keeps no trace of a deleted file (the Asset API lists what exists, nothing else): a delete is only the
file's absence, so there is one delete mode.
"""

from __future__ import annotations

import random
from typing import Any

from sandbox.marketo.admin_records import AdminError
from sandbox.marketo.files import COLLATERAL, FOLDERS, PDF, File
from sandbox.marketo.state import State
from sandbox.marketo.timefmt import iso

EDITABLE = ("description", "size")  # a new version changes the size; name, type and folder stay


def truth(state: State, *, with_ids: bool) -> dict[str, Any]:
    files = state.files
    out: dict[str, Any] = {"object": "files", "count": len(files.live), "deleted_count": len(files.deleted)}
    if with_ids:
        out["ids"] = [str(i) for i in sorted(files.live)]
        out["deleted_ids"] = [str(i) for i in sorted(files.deleted)]
    return out


def truth_record(state: State, record_id: str) -> dict[str, Any]:
    file_id = _id(record_id)
    found = state.files.live.get(file_id)
    if found is None:
        if file_id in state.files.deleted:
            return {"id": file_id, "_sandbox": {"deleted": True, "deleted_at": iso(state.files.deleted[file_id])}}
        raise AdminError(404, f"no file {record_id}")
    return {**found.api(), "_sandbox": {"deleted": False}}


def create(state: State, fields: dict[str, Any]) -> dict[str, Any]:
    """Upload: ``name`` is required; ``mimeType``, ``folder`` (an id of FOLDERS), ``size`` and ``description``
    are optional."""
    name = fields.get("name")
    if not isinstance(name, str) or not name.strip():
        raise AdminError(400, "a file needs a 'name'")
    folder = int(fields.get("folder", COLLATERAL))
    if folder not in FOLDERS:
        raise AdminError(400, f"folder {folder} does not exist; folders: {FOLDERS}")
    try:
        created = state.files.add(name, fields.get("description"), str(fields.get("mimeType", PDF)), folder,
                                  int(fields.get("size", 250_000)), now=state.now_ts())
    except ValueError as exc:
        raise AdminError(400, str(exc)) from exc
    return truth_record(state, str(created.id))


def edit(state: State, record_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    found = _live(state, record_id)
    bad = sorted(set(fields) - set(EDITABLE))
    if bad:
        raise AdminError(400, f"file fields {bad} cannot be edited; editable: {list(EDITABLE)}")
    now = state.now_ts()
    if "size" in fields:
        state.files.replace_content(found, int(fields["size"]), now=now)
    if "description" in fields and fields["description"] != found.description:
        found.description, found.updated = fields["description"], max(now, found.updated)
    return truth_record(state, record_id)


def delete(state: State, record_id: str, mode: str) -> dict[str, Any]:
    if mode not in ("hard", "purge"):
        raise AdminError(400, f"mode {mode!r} unsupported: a deleted file is gone (hard or purge)")
    if not state.files.delete(_id(record_id), now=state.now_ts()):
        raise AdminError(404, f"no file {record_id}")
    return {"id": record_id, "deleted": True, "mode": mode}


def random_edits(state: State, body: dict[str, Any]) -> dict[str, Any]:
    """``edits`` files get a new version (most) or a new description, ``deletes`` go, ``creates`` new ones are
    uploaded (new versions of the collateral under a new name, as marketers do)."""
    try:
        rnd = random.Random(int(body.get("seed", 0)))
        edits, deletes, creates = (int(body.get(k, 0)) for k in ("edits", "deletes", "creates"))
    except (TypeError, ValueError) as exc:
        raise AdminError(400, "seed, edits, deletes and creates must be integers") from exc
    live = sorted(state.files.live)
    if edits + deletes > len(live) or (creates and not live):
        raise AdminError(400, f"only {len(live)} live files")
    picked = rnd.sample(live, edits + deletes)
    now = state.now_ts()
    for file_id in picked[:edits]:
        found = state.files.live[file_id]
        if rnd.random() < 0.7:
            state.files.replace_content(found, max(1024, int(found.size * rnd.uniform(0.8, 1.3))), now=now)
        else:
            found.description, found.updated = f"{found.description or found.name} (rev. {rnd.randint(2, 9)})", now
    for file_id in picked[edits:]:
        state.files.delete(file_id, now=now)
    created = [_copy(state, state.files.live[rnd.choice(sorted(state.files.live))], f"v{now}-{i}", now).id
               for i in range(creates)]
    return {"edited": [str(i) for i in picked[:edits]], "deleted": [str(i) for i in picked[edits:]],
            "created": [str(i) for i in created]}


def _copy(state: State, source: File, tag: str, now: int) -> File:
    stem, dot, ext = source.name.rpartition(".")
    name = f"{stem}-{tag}.{ext}" if dot else f"{source.name}-{tag}"
    return state.files.add(name, source.description, source.mime_type, source.folder, source.size, now=now)


def _live(state: State, record_id: str) -> File:
    found = state.files.live.get(_id(record_id))
    if found is None:
        raise AdminError(404, f"no file {record_id}")
    return found


def _id(record_id: str) -> int:
    try:
        return int(record_id)
    except ValueError as exc:
        raise AdminError(404, f"file ids are integers, got {record_id!r}") from exc
