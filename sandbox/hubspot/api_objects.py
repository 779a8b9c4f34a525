"""``/crm/v3/objects/{type}``: list, read, create, update, archive, merge and GDPR-delete records."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.hubspot.errors import ApiError, not_found
from sandbox.hubspot.records import Rec, Table
from sandbox.hubspot.render import Renderer, association_types, select_properties, split_names
from sandbox.hubspot.store import Rejected, Store
from sandbox.hubspot.web import (
    Guard,
    bool_param,
    decode_after,
    encode_after,
    int_param,
    json_body,
    object_type,
    writable,
)

MERGEABLE = ("contacts", "companies", "deals")


def parse_id(raw: object) -> int:
    text = str(raw).strip()
    if not text.isdigit():
        raise ApiError(400, f"Object id {raw!r} is not a valid object id; pass idProperty to look up by a unique "
                            "property")
    return int(text)


def lookup(table: Table, raw_id: str, id_property: str | None, *, archived: bool = False) -> Rec | None:
    """The record an API id names: by a unique property, an archived id, or a live id (following merges)."""
    if id_property and id_property != "hs_object_id":
        if id_property not in table.unique:
            raise ApiError(400, f"{id_property} is not a unique property of {table.schema.name}")
        return table.find_unique(id_property, raw_id)
    if not raw_id.strip().isdigit():
        return None
    if archived:
        rec = table.recs.get(int(raw_id))
        return rec if rec is not None and rec.archived_at is not None else None
    return table.resolve(int(raw_id))


@dataclass(frozen=True, slots=True)
class ObjectsApi:
    store: Store
    render: Renderer

    def find(self, otype: str, raw_id: str, *, id_property: str | None, archived: bool = False) -> Rec:
        rec = lookup(self.store.tables[otype], raw_id, id_property, archived=archived)
        if rec is None:
            raise not_found(otype, raw_id)
        return rec

    def routes(self, guard: Guard) -> list[Route]:
        store, render = self.store, self.render

        async def list_objects(request: Request) -> Response:
            otype = object_type(request, store.types)
            q = request.query_params
            limit = int_param(q.get("limit"), name="limit", default=10, minimum=1, maximum=100)
            archived = bool_param(q.get("archived"))
            props = select_properties(store.schemas[otype],
                                      split_names(q.getlist("properties")) if "properties" in q else None)
            assoc = association_types(store.types, q.getlist("associations"))
            table = store.tables[otype]
            ids = table.archived if archived else table.live
            start = ids.bisect_left(decode_after(q.get("after")))
            page = list(ids.islice(start, start + limit))
            body: dict[str, object] = {"results": [render.record(otype, table.recs[i], props, associations=assoc)
                                                   for i in page]}
            if start + limit < len(ids):
                token = encode_after(ids[start + limit])
                body["paging"] = {"next": {"after": token,
                                           "link": str(request.url.include_query_params(after=token))}}
            return JSONResponse(body)

        async def get_object(request: Request) -> Response:
            otype = object_type(request, store.types)
            q = request.query_params
            rec = self.find(otype, request.path_params["object_id"], id_property=q.get("idProperty"),
                            archived=bool_param(q.get("archived")))
            props = select_properties(store.schemas[otype],
                                      split_names(q.getlist("properties")) if "properties" in q else None)
            return JSONResponse(render.record(otype, rec, props,
                                              associations=association_types(store.types, q.getlist("associations"))))

        async def create_object(request: Request) -> Response:
            otype = object_type(request, store.types)
            writable(otype, store.schemas[otype].read_only_object)
            body = await json_body(request)
            props = body.get("properties") or {}
            if not isinstance(props, dict):
                raise ApiError(400, "Invalid input JSON: 'properties' must be an object")
            try:
                rec = store.create(otype, props, associations=body.get("associations"))
            except Rejected as exc:
                raise exc.api_error() from exc
            shown = select_properties(store.schemas[otype], props.keys())
            return JSONResponse(render.record(otype, rec, shown), status_code=201)

        async def update_object(request: Request) -> Response:
            otype = object_type(request, store.types)
            writable(otype, store.schemas[otype].read_only_object)
            body = await json_body(request)
            props = body.get("properties")
            if not isinstance(props, dict):
                raise ApiError(400, "Invalid input JSON: 'properties' must be an object")
            rec = self.find(otype, request.path_params["object_id"], id_property=request.query_params.get("idProperty"))
            try:
                store.update(otype, rec, props)
            except Rejected as exc:
                raise exc.api_error() from exc
            return JSONResponse(render.record(otype, rec, select_properties(store.schemas[otype], props.keys())))

        async def archive_object(request: Request) -> Response:
            otype = object_type(request, store.types)
            writable(otype, store.schemas[otype].read_only_object)
            rec = store.tables[otype].recs.get(parse_id(request.path_params["object_id"]))
            if rec is not None and rec.live:  # 204 for an id already gone; a merged-away id spares its survivor
                store.archive(otype, rec)
            return Response(status_code=204)

        async def merge_objects(request: Request) -> Response:
            otype = object_type(request, store.types)
            writable(otype, store.schemas[otype].read_only_object)
            if otype not in MERGEABLE:
                raise ApiError(400, f"Merging is not supported for {otype}")
            body = await json_body(request)
            primary = store.merge(otype, parse_id(body.get("primaryObjectId", "")),
                                  parse_id(body.get("objectIdToMerge", "")))
            return JSONResponse(render.record(otype, primary, store.schemas[otype].defaults))

        async def gdpr_delete(request: Request) -> Response:
            otype = object_type(request, store.types)
            writable(otype, store.schemas[otype].read_only_object)
            if otype != "contacts":
                raise ApiError(400, "GDPR delete is only available for contacts")
            body = await json_body(request)
            rec = self.find(otype, str(body.get("objectId", "")), id_property=body.get("idProperty"))
            store.purge(otype, rec)
            return Response(status_code=204)

        base = "/crm/v3/objects/{object_type}"
        return [
            guard.route(base, list_objects, ["GET"]),
            guard.route(base, create_object, ["POST"]),
            guard.route(base + "/merge", merge_objects, ["POST"]),
            guard.route(base + "/gdpr-delete", gdpr_delete, ["POST"]),
            guard.route(base + "/{object_id}", get_object, ["GET"]),
            guard.route(base + "/{object_id}", update_object, ["PATCH"]),
            guard.route(base + "/{object_id}", archive_object, ["DELETE"]),
        ]
