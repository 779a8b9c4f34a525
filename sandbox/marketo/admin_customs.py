"""Admin for custom object records: ground truth, and what an admin does in the UI (import a record, edit one, delete
one) and a batch of random person-like changes, for any approved type named by its API name.

Marketo keeps no trace of a deleted custom object record (no activity, no deleted list): a delete is only the
record's absence, so ``mode=purge`` is the same as ``hard``.
"""

from __future__ import annotations

import random
from typing import Any

from sandbox.marketo.admin_records import AdminError
from sandbox.marketo.co_records import CoRecord, typed_values
from sandbox.marketo.co_schema import CoVersion
from sandbox.marketo.envelope import MarketoError
from sandbox.marketo.state import State
from sandbox.marketo.timefmt import iso


def is_custom(state: State, name: str) -> bool:
    t = state.customs.registry.types.get(name)
    return t is not None and t.approved is not None


def truth(state: State, name: str, *, with_ids: bool) -> dict[str, Any]:
    _, _, records = state.customs.of(name)
    out: dict[str, Any] = {"object": name, "count": len(records.live), "deleted_count": len(records.deleted)}
    if with_ids:
        out["ids"], out["deleted_ids"] = sorted(records.live), sorted(records.deleted)
    return out


def truth_record(state: State, name: str, guid: str) -> dict[str, Any]:
    _, version, records = state.customs.of(name)
    record = records.live.get(guid)
    if record is None:
        if guid in records.deleted:
            return {"marketoGUID": guid, "_sandbox": {"deleted": True, "deleted_at": iso(records.deleted[guid])}}
        raise AdminError(404, f"no {name} record {guid}")
    return {**_all(version, record), "_sandbox": {"deleted": False}}


def _all(version: CoVersion, record: CoRecord) -> dict[str, Any]:
    return record.render(version, ["marketoGUID", "createdAt", "updatedAt", *(f.name for f in version.fields)])


def create(state: State, name: str, fields: dict[str, Any]) -> dict[str, Any]:
    return _one(state, name, state.customs.sync(name, {"action": "createOnly", "input": [fields]},
                                                now=state.now_ts()))


def edit(state: State, name: str, guid: str, fields: dict[str, Any]) -> dict[str, Any]:
    return _one(state, name, state.customs.sync(
        name, {"action": "updateOnly", "dedupeBy": "idField", "input": [{**fields, "marketoGUID": guid}]},
        now=state.now_ts()))


def delete(state: State, name: str, guid: str, mode: str) -> dict[str, Any]:
    if mode not in ("hard", "purge"):
        raise AdminError(400, f"mode {mode!r} unsupported: custom object deletes are permanent (hard or purge)")
    _, version, records = state.customs.of(name)
    if not records.delete(version, guid, now=state.now_ts()):
        raise AdminError(404, f"no {name} record {guid}")
    return {"id": guid, "deleted": True, "mode": mode}


def _one(state: State, name: str, results: list[dict[str, Any]]) -> dict[str, Any]:
    result = results[0]
    if result["status"] == "skipped":
        why = result["reasons"][0]
        raise AdminError(400, f"{why['code']} {why['message']}")
    return truth_record(state, name, result["marketoGUID"])


def random_edits(state: State, name: str, body: dict[str, Any]) -> dict[str, Any]:
    """``edits`` records get a new value in a non-key field, ``deletes`` go, ``creates`` new ones arrive (copies of
    live records with a new dedupe key, linked to the same lead)."""
    try:
        rnd = random.Random(int(body.get("seed", 0)))
        edits, deletes, creates = (int(body.get(k, 0)) for k in ("edits", "deletes", "creates"))
    except (TypeError, ValueError) as exc:
        raise AdminError(400, "seed, edits, deletes and creates must be integers") from exc
    _, version, records = state.customs.of(name)
    live = sorted(records.live)
    if edits + deletes > len(live) or (creates and not live):
        raise AdminError(400, f"only {len(live)} live {name} records")
    picked = rnd.sample(live, edits + deletes)
    now = state.now_ts()
    plain = [f for f in version.fields if not f.dedupe and f.related_to is None]
    edited = []
    for guid in picked[:edits]:
        f = rnd.choice(plain)
        record = records.live[guid]
        value = _new_value(rnd, f.value_type, record.values.get(f.name))
        typed = typed_values(version, {f.name: value}, allow_guid=False)
        records.change(version, record, typed, now=now)
        edited.append(guid)
    for guid in picked[edits:]:
        records.delete(version, guid, now=now)
    created = []
    templates = sorted(records.live)
    for i in range(creates):
        source = records.live[rnd.choice(templates)]
        values = {k: v for k, v in _all(version, source).items() if k not in ("marketoGUID", "createdAt",
                                                                             "updatedAt")}
        for key in version.dedupe_fields():
            values[key] = f"{values.get(key, name)}-new-{now}-{i}"
        try:
            created.append(state.customs.sync(name, {"action": "createOnly", "input": [values]}, now=now)[0]
                           ["marketoGUID"])
        except (KeyError, MarketoError) as exc:
            raise AdminError(400, f"could not create a {name} record: {exc}") from exc
    return {"edited": edited, "deleted": picked[edits:], "created": created}


def _new_value(rnd: random.Random, kind: str, old: Any) -> Any:
    if kind in ("integer", "float", "currency"):
        return (int(old or 0) + rnd.randint(1, 9)) if kind == "integer" else round(float(old or 0) + 1.5, 2)
    if kind == "boolean":
        return not bool(old)
    if kind == "date":
        return f"20{rnd.randint(20, 29)}-0{rnd.randint(1, 9)}-1{rnd.randint(0, 9)}"
    return f"{old or ''} (edited {rnd.randint(100, 999)})".strip()
