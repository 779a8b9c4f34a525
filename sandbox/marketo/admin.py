"""The admin surface shared by all sandboxes (ground truth, acting as a person), plus Marketo's extras.

Objects: ``leads`` (full CRUD as a person in the Marketo UI would), ``activities`` (truth, and logging one as
the person's browser or inbox would), ``files`` (Design Studio uploads, new versions, deletes; admin_files.py).
Delete modes: ``hard`` (default; Marketo has no recycle bin: the lead goes, a Delete Lead activity stays) and
``purge`` (as if that activity had aged out: only the lead's absence shows).
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sandbox.marketo import admin_customs, admin_files, admin_programs, mutations
from sandbox.marketo.activity_ids import parse_guid
from sandbox.marketo.admin_edits import bulk_touch, random_edits
from sandbox.marketo.admin_records import AdminError, create_activity, lead_changes, truth_of_lead
from sandbox.marketo.auth import TokenStore
from sandbox.marketo.config import Settings
from sandbox.marketo.state import State
from sandbox.marketo.timefmt import iso

OBJECTS = ("leads", "activities", "programs", "program_members", "companies", "files")
ROLLUPS = ("programs", "program_members", "companies")  # served by admin_programs


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    try:
        body = await request.json()
    except ValueError as exc:
        raise AdminError(400, f"invalid JSON body: {exc}") from exc
    if not isinstance(body, dict):
        raise AdminError(400, "the body must be a JSON object")
    return body


def _object(request: Request, state: State) -> str:
    name = request.path_params["object"]
    if name not in OBJECTS and not admin_customs.is_custom(state, name):
        raise AdminError(404, f"unknown object {name!r}; objects: {', '.join(_objects(state))}")
    return name


def _objects(state: State) -> list[str]:
    """The standard objects, then the approved custom object types by API name."""
    return [*OBJECTS, *sorted(n for n in state.customs.registry.types if admin_customs.is_custom(state, n))]


def _lead_id(request: Request) -> int:
    try:
        return int(request.path_params["record_id"])
    except ValueError as exc:
        raise AdminError(404, f"lead ids are integers, got {request.path_params['record_id']!r}") from exc


def admin_routes(state: State, *, tokens: TokenStore, settings: Settings) -> list[Route]:
    def guarded(handler: Callable[[Request], Awaitable[Any]]) -> Callable[[Request], Awaitable[JSONResponse]]:
        async def endpoint(request: Request) -> JSONResponse:
            try:
                return JSONResponse(await handler(request))
            except AdminError as exc:
                return _error(exc.status, exc.message)

        endpoint.__name__ = handler.__name__
        return endpoint

    async def objects(request: Request) -> Any:
        return {"objects": _objects(state)}

    async def truth(request: Request) -> Any:
        name = _object(request, state)
        with_ids = request.query_params.get("ids", "").lower() in ("1", "true", "yes")
        if name not in OBJECTS:
            return admin_customs.truth(state, name, with_ids=with_ids)
        if name == "files":
            return admin_files.truth(state, with_ids=with_ids)
        if name in ROLLUPS:
            return admin_programs.truth(state, name, with_ids=with_ids)
        if name == "leads":
            out: dict[str, Any] = {"object": name, "count": len(state.store.live),
                                   "deleted_count": len(state.store.deleted)}
            if with_ids:
                out["ids"] = [str(i) for i in sorted(state.store.live)]
                out["deleted_ids"] = [str(i) for i in sorted(state.store.deleted)]
            return out
        horizon = state.horizon()
        out = {"object": name, "count": state.log.count_visible(horizon), "deleted_count": 0,
               "last_id": state.log.last_id}
        if with_ids:
            rows, logged = state.log.snapshot(0, 2**62, horizon=horizon)
            shape = state.shape()  # activities are named by marketoGUID, their unique identifier
            out["ids"] = [shape.guid(int(r) + 1) for r in rows] + [shape.guid(a.id) for a in logged]
            out["deleted_ids"] = []
        return out

    async def truth_record(request: Request) -> Any:
        name = _object(request, state)
        if name not in OBJECTS:
            return admin_customs.truth_record(state, name, str(request.path_params["record_id"]))
        if name == "files":
            return admin_files.truth_record(state, str(request.path_params["record_id"]))
        if name in ROLLUPS:
            return admin_programs.truth_record(state, name, request.path_params["record_id"])
        if name == "leads":
            return truth_of_lead(state, _lead_id(request))
        internal = parse_guid(str(request.path_params["record_id"]))
        act = state.log.get(internal) if internal is not None else None
        if act is None:
            raise AdminError(404, "no such activity (name it by marketoGUID or internal id)")
        return {**act.api(state.shape()), "_sandbox": {"visible": state.log.visible(act, state.horizon()),
                                                       "internal_id": act.id}}

    async def create_record(request: Request) -> Any:
        name, body = _object(request, state), await _body(request)
        fields = body.get("fields")
        if not isinstance(fields, dict):
            raise AdminError(400, "body needs 'fields': {...}")
        if name not in OBJECTS:
            return admin_customs.create(state, name, fields)
        if name == "files":
            return admin_files.create(state, fields)
        if name in ROLLUPS and name != "companies":
            return admin_programs.create(state, name, fields)
        if name == "activities":
            act = create_activity(state, fields)
            state.programs.on_activity(act.lead_id, act.type_id, act.primary_id, act.date)
            return act.api(state.shape())
        lead = state.mutations.create(lead_changes(fields, creating=True), now=state.now_ts(),
                                      source=mutations.PERSON, person_key=body.get("person_key"))
        return truth_of_lead(state, lead.id)

    async def edit_record(request: Request) -> Any:
        name, body = _object(request, state), await _body(request)
        if name not in OBJECTS:
            return admin_customs.edit(state, name, str(request.path_params["record_id"]), body.get("fields") or {})
        if name == "files":
            return admin_files.edit(state, str(request.path_params["record_id"]), body.get("fields") or {})
        if name in ROLLUPS and name != "companies":
            return admin_programs.edit(state, name, request.path_params["record_id"], body.get("fields") or {})
        if name != "leads":
            raise AdminError(405, f"{name} cannot be edited")
        lead = state.store.get(_lead_id(request))
        if lead is None:
            raise AdminError(404, "no such lead")
        fields = body.get("fields")
        if not isinstance(fields, dict):
            raise AdminError(400, "body needs 'fields': {...}")
        state.mutations.update(lead, lead_changes(fields, creating=False), now=state.now_ts(),
                               source=mutations.PERSON)
        return truth_of_lead(state, lead.id)

    async def delete_record(request: Request) -> Any:
        name = _object(request, state)
        if name not in OBJECTS:
            return admin_customs.delete(state, name, str(request.path_params["record_id"]),
                                        request.query_params.get("mode", "hard"))
        if name == "files":
            return admin_files.delete(state, str(request.path_params["record_id"]),
                                      request.query_params.get("mode", "hard"))
        if name in ROLLUPS and name != "companies":
            return admin_programs.delete(state, name, request.path_params["record_id"])
        if name != "leads":
            raise AdminError(405, f"{name} cannot be deleted")
        mode = request.query_params.get("mode", "hard")
        if mode not in ("hard", "purge"):
            raise AdminError(400, f"mode {mode!r} unsupported: Marketo deletes are permanent (hard, or purge "
                                  "for a deletion whose Delete Lead activity has aged out)")
        lead_id = _lead_id(request)
        if not state.mutations.delete(lead_id, now=state.now_ts(), purge=mode == "purge"):
            raise AdminError(404, "no such lead")
        return {"id": str(lead_id), "deleted": True, "mode": mode}

    async def touch(request: Request) -> Any:
        if _object(request, state) != "leads":
            raise AdminError(405, "only leads can be mass-updated")
        return bulk_touch(state, await _body(request))

    async def edits(request: Request) -> Any:
        name = _object(request, state)
        if name not in OBJECTS:
            return admin_customs.random_edits(state, name, await _body(request))
        if name == "files":
            return admin_files.random_edits(state, await _body(request))
        if name != "leads":
            raise AdminError(405, "random edits apply to leads, files and custom objects")
        return random_edits(state, await _body(request))

    async def identities(request: Request) -> Any:
        name = request.query_params.get("object", "leads")
        if name != "leads":
            raise AdminError(404, "identities exist for leads only")
        return [{"person_key": lead.person_key, "id": str(lead.id)}
                for lead in sorted(state.store.live.values(), key=lambda x: x.id) if lead.person_key is not None]

    async def saves(request: Request) -> Any:
        if _object(request, state) != "leads":
            raise AdminError(404, "saves are counted for leads only")
        return {str(lead_id): n for lead_id, n in state.mutations.saves.items()}

    async def dirt(request: Request) -> Any:
        kinds: dict[str, list[str]] = {}
        for lead in sorted(state.store.live.values(), key=lambda x: x.id):
            for kind in lead.dirt:
                kinds.setdefault(kind, []).append(str(lead.id))
        return {"object": "leads", "dirt": kinds}

    async def conversions(request: Request) -> Any:
        return conversions_truth(state, offset=int(request.query_params.get("offset", 0)),
                                 limit=request.query_params.get("limit"))

    async def corrupt_export(request: Request) -> Any:
        job = state.exports.corrupt(request.path_params["export_id"])
        if job is None:
            raise AdminError(404, "no completed export with that id")
        return {"exportId": job.id, "fileChecksum": job.checksum,
                "actualChecksum": "sha256:" + hashlib.sha256(job.file or b"").hexdigest()}

    async def settings_route(request: Request) -> Any:
        if request.method == "PATCH":
            try:
                settings.update(await _body(request), allowed=Settings.RUNTIME)
            except ValueError as exc:
                raise AdminError(400, str(exc)) from exc
        return settings.describe()

    async def expire_tokens(request: Request) -> Any:
        tokens.expire_all()
        return {"expired": True, "now": iso(state.now_ts())}

    g = guarded
    return [
        Route("/_admin/objects", g(objects), methods=["GET"]),
        Route("/_admin/truth/conversions", g(conversions), methods=["GET"]),
        Route("/_admin/truth/{object}", g(truth), methods=["GET"]),
        Route("/_admin/truth/{object}/{record_id}", g(truth_record), methods=["GET"]),
        Route("/_admin/records/{object}", g(create_record), methods=["POST"]),
        Route("/_admin/records/{object}/{record_id}", g(edit_record), methods=["PATCH"]),
        Route("/_admin/records/{object}/{record_id}", g(delete_record), methods=["DELETE"]),
        Route("/_admin/bulk_touch/{object}", g(touch), methods=["POST"]),
        Route("/_admin/random_edits/{object}", g(edits), methods=["POST"]),
        Route("/_admin/identities", g(identities), methods=["GET"]),
        Route("/_admin/dirt", g(dirt), methods=["GET"]),
        Route("/_admin/saves/{object}", g(saves), methods=["GET"]),
        Route("/_admin/corrupt_export/{export_id}", g(corrupt_export), methods=["POST"]),
        Route("/_admin/settings", g(settings_route), methods=["GET", "PATCH"]),
        Route("/_admin/tokens/expire", g(expire_tokens), methods=["POST"]),
    ]


def conversions_truth(state: State, *, offset: int, limit: str | None) -> dict[str, Any]:
    primary: dict[int, int] = {}
    for lead in state.store.live.values():
        if lead.person_key is not None and not lead.duplicate:
            primary[lead.person_key] = lead.id
    keys = sorted(state.seeded.outcomes)
    records = []
    for key in keys[offset: offset + int(limit) if limit else None]:
        result = state.seeded.outcomes[key]
        lead_id = primary.get(key)
        records.append({"person_key": key, "lead_id": str(lead_id) if lead_id else None,
                        "engagement": round(state.seeded.engagement[key], 4),
                        "converted": result.converted, "won": result.won})
    converted = sum(1 for o in state.seeded.outcomes.values() if o.converted)
    won = sum(1 for o in state.seeded.outcomes.values() if o.won)
    return {"object": "conversions", "count": len(keys), "converted": converted, "won": won,
            "offset": offset, "records": records}
