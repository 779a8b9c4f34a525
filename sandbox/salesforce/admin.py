"""The harness's door into the org (``/_admin``, never counted as API calls): ground truth, people's edits,
and Salesforce-specific levers (lead conversion, stage moves, formula recalculation, refresh tokens)."""

from __future__ import annotations

import random
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.salesforce.admin_edits import bulk_touch, person_actor, random_edits, typed
from sandbox.salesforce.admin_fields import add_field, change_type
from sandbox.salesforce.admin_objects import create_object
from sandbox.salesforce.coerce import RecordsRefused
from sandbox.salesforce.convert import convert_lead
from sandbox.salesforce.errors import ApiError
from sandbox.salesforce.fields import ObjectDef
from sandbox.salesforce.merge import merge
from sandbox.salesforce.org import Org
from sandbox.salesforce.picklists import next_stage
from sandbox.salesforce.render import JsonRenderer
from sandbox.salesforce.writes import Prepared

MODES = ("soft", "hard", "purge")


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


def routes(org: Org) -> list[Route]:
    store, writer = org.store, org.writer

    def obj_of(request: Request) -> ObjectDef:
        obj = org.catalog.get(request.path_params["object"])
        if obj is None:
            raise ApiError(404, "NOT_FOUND", f"unknown object {request.path_params['object']!r}; known: "
                           f"{', '.join(org.catalog.names())}")
        return obj

    def render(obj: ObjectDef, rid: str) -> dict[str, Any]:
        table = store.tables[obj.name]
        row = store.current(obj.name, rid)
        deleted_at = table.deleted_at.get(rid)
        flags = {"person_key": store.person_key(obj.name, rid), "deleted_at": deleted_at,
                 "in_recycle_bin": row is not None and bool(row[table.ix_deleted]),
                 "purged": row is None and deleted_at is not None, "pending_commit": store.is_pending(rid)}
        if row is None:
            return {"Id": rid, "_sandbox": flags}
        resolver = org.resolver()
        paths = [resolver.resolve(obj, f.name) for f in obj.api_fields]
        return {**JsonRenderer(store=store, version="62.0").record(table, row, paths), "_sandbox": flags}

    async def body(request: Request) -> dict[str, Any]:
        raw = await request.body()
        if not raw.strip():
            return {}
        parsed = await request.json()
        if not isinstance(parsed, dict):
            raise ApiError(400, "JSON_PARSER_ERROR", "expected a JSON object")
        return parsed

    def admin(handler: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            store.settle()
            try:
                return await handler(request)
            except ApiError as exc:
                return _error(exc.status, exc.message, code=exc.code)
            except RecordsRefused as exc:
                return _error(400, str(exc), errors=[e.json() for e in exc.errors])
        endpoint.__name__ = handler.__name__
        return endpoint

    async def objects(request: Request) -> Response:
        return JSONResponse({"objects": org.catalog.names()})

    async def new_object(request: Request) -> Response:
        return JSONResponse(create_object(org, await body(request)), status_code=201)

    async def truth(request: Request) -> Response:
        obj = obj_of(request)
        table = store.tables[obj.name]
        out: dict[str, Any] = {"object": obj.name, "count": table.live_count(),
                               "deleted_count": len(table.delete_log), "pending": store.pending_count(obj.name)}
        if request.query_params.get("ids", "").lower() == "true":
            out["ids"] = sorted(rid for rid, row in table.rows.items() if not row[table.ix_deleted])
            out["deleted_ids"] = [rid for _, rid in table.delete_log]
        return JSONResponse(out)

    async def truth_record(request: Request) -> Response:
        obj = obj_of(request)
        rid = request.path_params["id"]
        if store.current(obj.name, rid) is None and rid not in store.tables[obj.name].deleted_at:
            return _error(404, f"no {obj.name} {rid}")
        return JSONResponse(render(obj, rid))

    async def create_record(request: Request) -> Response:
        obj = obj_of(request)
        data = await body(request)
        actor = data.get("as_user") or person_actor(org, obj.name, None, random.Random(obj.name))
        prepared = writer.prepare_create(obj, typed(obj, data.get("fields", {})), actor=actor)
        if isinstance(prepared, list):
            return _error(400, prepared[0].message, errors=[e.json() for e in prepared])
        writer.apply([prepared])
        return JSONResponse(render(obj, prepared.id), status_code=201)

    async def update_record(request: Request) -> Response:
        obj = obj_of(request)
        rid, data = request.path_params["id"], await body(request)
        actor = data.get("as_user") or person_actor(org, obj.name, store.current(obj.name, rid), random.Random(rid))
        prepared = writer.prepare_update(obj, rid, typed(obj, data.get("fields", {})), actor=actor)
        if isinstance(prepared, list):
            return _error(400, prepared[0].message, errors=[e.json() for e in prepared])
        writer.apply([prepared])
        return JSONResponse(render(obj, prepared.id))

    async def delete_record(request: Request) -> Response:
        obj = obj_of(request)
        rid, mode = request.path_params["id"], request.query_params.get("mode", "soft")
        if mode not in MODES:
            return _error(400, f"mode must be one of {', '.join(MODES)}")
        table = store.tables[obj.name]
        row = store.current(obj.name, rid)
        if row is None:
            return _error(404, f"no {obj.name} {rid} to delete")
        if row[table.ix_deleted] and mode == "soft":
            return _error(400, "already in the Recycle Bin", code="ENTITY_IS_DELETED")
        actor = person_actor(org, obj.name, row, random.Random(rid))
        deleted = store.delete(obj.name, [rid], mode=mode, actor=actor)
        return JSONResponse({"mode": mode, "deleted": [{"object": d.obj, "id": d.id, "deleted_at": d.deleted_at}
                                                       for d in deleted]})

    async def touch(request: Request) -> Response:
        obj = obj_of(request)
        data = await body(request)
        actor = data.get("as_user") or person_actor(org, obj.name, None, random.Random("bulk_touch"))
        return JSONResponse(bulk_touch(org, obj, count=int(data.get("count", 0)), fields=data.get("fields") or {},
                                       actor=actor))

    async def edits(request: Request) -> Response:
        obj = obj_of(request)
        data = await body(request)
        return JSONResponse(random_edits(org, obj, seed=int(data.get("seed", 1)), edits=int(data.get("edits", 0)),
                                         deletes=int(data.get("deletes", 0)), creates=int(data.get("creates", 0))))

    async def identities(request: Request) -> Response:
        name = request.query_params.get("object", "")
        obj = org.catalog.get(name)
        if obj is None:
            return _error(400, f"?object= must be one of {', '.join(org.catalog.names())}")
        table = store.tables[obj.name]
        out = [{"person_key": key, "id": rid} for rid, row in table.rows.items()
               if not row[table.ix_deleted] and (key := store.person_key(obj.name, rid)) is not None]
        return JSONResponse(out)

    async def convert(request: Request) -> Response:
        data = await body(request)
        lead_id = request.path_params["id"]
        actor = data.get("as_user") or person_actor(org, "Lead", store.current("Lead", lead_id), random.Random(1))
        result = convert_lead(org, lead_id, actor=actor, account_id=data.get("accountId"),
                              create_opportunity=not data.get("doNotCreateOpportunity", False),
                              opportunity_name=data.get("opportunityName"),
                              converted_status=data.get("convertedStatus", "Closed - Converted"))
        return JSONResponse({"leadId": result.lead_id, "accountId": result.account_id,
                             "contactId": result.contact_id, "opportunityId": result.opportunity_id})

    async def advance_stage(request: Request) -> Response:
        data = await body(request)
        obj = org.catalog.get("Opportunity")
        assert obj is not None
        rid = request.path_params["id"]
        row = store.current("Opportunity", rid)
        if row is None:
            return _error(404, f"no Opportunity {rid}")
        stage = data.get("stage") or next_stage(row[store.tables["Opportunity"].columns["StageName"]]).name
        actor = data.get("as_user") or person_actor(org, "Opportunity", row, random.Random(rid))
        prepared = writer.prepare_update(obj, rid, typed(obj, {"StageName": stage}), actor=actor)
        if isinstance(prepared, list):
            return _error(400, prepared[0].message, errors=[e.json() for e in prepared])
        writer.apply([prepared])
        assert isinstance(prepared, Prepared)
        history = [w.row[store.tables["OpportunityHistory"].ix_id] for w in prepared.extra]
        return JSONResponse({"id": rid, "StageName": stage, "history_ids": history})

    async def recalculate(request: Request) -> Response:
        obj = obj_of(request)
        if not org.formulas.has_formulas(obj.name):
            return _error(400, f"{obj.name} has no formula fields")
        table = store.tables[obj.name]
        before = _formula_values(org, obj)
        revision = org.formulas.recalculate(obj.name)
        after = _formula_values(org, obj)
        changed = [rid for rid in table.rows if before[rid] != after[rid]]
        return JSONResponse({"object": obj.name, "revision": revision, "changed": len(changed),
                             "sample": changed[:20]})

    async def merge_records(request: Request) -> Response:
        obj = obj_of(request)
        data = await body(request)
        merged = data.get("merged")
        losers = [str(m) for m in (merged if isinstance(merged, list) else [merged] if merged else [])]
        primary = str(data.get("primary", ""))
        actor = data.get("as_user") or person_actor(org, obj.name, store.current(obj.name, primary),
                                                    random.Random(primary))
        return JSONResponse(merge(org, obj, primary, losers, actor=actor))

    async def refresh_token(request: Request) -> Response:
        data = await body(request)
        user_id = store.integration_user_id
        if data.get("username"):
            users = org.catalog.get("User")
            assert users is not None
            found = writer.find_by("User", users.by_lower["username"], str(data["username"]))
            if not found:
                return _error(404, f"no user {data['username']}")
            user_id = found[0]
        token = org.sessions.mint_refresh_token(user_id=user_id, client_id=org.settings.client_id)
        return JSONResponse({"refresh_token": token, "user_id": user_id})

    async def empty_recycle_bin(request: Request) -> Response:
        obj = obj_of(request)
        return JSONResponse({"purged": store.empty_recycle_bin(obj.name)})

    async def trim_delete_log(request: Request) -> Response:
        obj = obj_of(request)
        ids = (await body(request)).get("ids")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            return _error(400, "ids: expected a list of record ids")
        return JSONResponse({"trimmed": store.trim_delete_log(obj.name, ids)})

    async def usage(request: Request) -> Response:
        return JSONResponse({"api_requests": org.api_usage.used(), "daily_limit": org.api_usage.limit,
                             "bulk_query_jobs": org.bulk_query_jobs.used(), "profile": org.settings.profile})

    async def new_field(request: Request) -> Response:
        return JSONResponse(add_field(org, obj_of(request), await body(request)), status_code=201)

    async def retype_field(request: Request) -> Response:
        return JSONResponse(change_type(org, obj_of(request), request.path_params["field"], await body(request)))

    async def saves(request: Request) -> Response:
        obj = obj_of(request)
        return JSONResponse({rid: n for (name, rid), n in store.saves.items() if name == obj.name})

    a = "/_admin"
    table = [
        (f"{a}/objects", objects, ["GET"]), (f"{a}/objects", new_object, ["POST"]),
        (f"{a}/truth/{{object}}", truth, ["GET"]),
        (f"{a}/truth/{{object}}/{{id}}", truth_record, ["GET"]),
        (f"{a}/records/{{object}}", create_record, ["POST"]),
        (f"{a}/records/{{object}}/{{id}}", update_record, ["PATCH"]),
        (f"{a}/records/{{object}}/{{id}}", delete_record, ["DELETE"]),
        (f"{a}/bulk_touch/{{object}}", touch, ["POST"]), (f"{a}/random_edits/{{object}}", edits, ["POST"]),
        (f"{a}/identities", identities, ["GET"]), (f"{a}/convert_lead/{{id}}", convert, ["POST"]),
        (f"{a}/advance_stage/{{id}}", advance_stage, ["POST"]), (f"{a}/recalculate/{{object}}", recalculate, ["POST"]),
        (f"{a}/merge/{{object}}", merge_records, ["POST"]), (f"{a}/oauth/refresh_token", refresh_token, ["POST"]),
        (f"{a}/empty_recycle_bin/{{object}}", empty_recycle_bin, ["POST"]), (f"{a}/usage", usage, ["GET"]),
        (f"{a}/trim_delete_log/{{object}}", trim_delete_log, ["POST"]),
        (f"{a}/fields/{{object}}", new_field, ["POST"]), (f"{a}/fields/{{object}}/{{field}}", retype_field, ["PATCH"]),
        (f"{a}/saves/{{object}}", saves, ["GET"]),
    ]
    return [Route(path, admin(handler), methods=methods) for path, handler, methods in table]


def _formula_values(org: Org, obj: ObjectDef) -> dict[str, tuple[Any, ...]]:
    resolver = org.resolver()
    getters = [resolver.field_getter(obj, f) for f in obj.fields if f.calculated]
    return {rid: tuple(g(row) for g in getters) for rid, row in org.store.tables[obj.name].rows.items()}
