"""``/crm/v3/objects/{type}``: list, read, create, update, archive, merge and GDPR-delete records."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.hubspot.errors import ApiError, not_found
from sandbox.hubspot.records import Rec
from sandbox.hubspot.render import Renderer, association_types, select_properties, split_names
from sandbox.hubspot.store import Rejected, Store
from sandbox.hubspot.web import Guard, bool_param, int_param, json_body, object_type

MERGEABLE = ("contacts", "companies", "deals")


def encode_after(next_id: int) -> str:
    return base64.urlsafe_b64encode(str(next_id).encode()).decode()


def decode_after(token: str | None) -> int:
    if not token:
        return 0
    try:
        text = base64.urlsafe_b64decode(token.encode() + b"=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text.isdigit():
        raise ApiError(400, f"Invalid value for after: {token!r} is not a paging token this endpoint issued")
    return int(text)


def parse_id(raw: object) -> int:
    text = str(raw).strip()
    if not text.isdigit():
        raise ApiError(400, f"Object id {raw!r} is not a valid object id; pass idProperty to look up by a unique "
                            "property")
    return int(text)


@dataclass(frozen=True, slots=True)
class ObjectsApi:
    store: Store
    render: Renderer

    def find(self, otype: str, raw_id: str, *, id_property: str | None, archived: bool = False) -> Rec:
        table = self.store.tables[otype]
        rec: Rec | None
        if id_property and id_property != "hs_object_id":
            if id_property not in table.unique:
                raise ApiError(400, f"{id_property} is not a unique property of {otype}")
            rec = table.find_unique(id_property, raw_id)
        elif archived:
            rec = table.recs.get(parse_id(raw_id))
            rec = rec if rec is not None and rec.archived_at is not None else None
        else:
            rec = table.resolve(parse_id(raw_id))
        if rec is None:
            raise not_found(otype, raw_id)
        return rec

    def routes(self, guard: Guard) -> list[Route]:
        store, render = self.store, self.render

        async def list_objects(request: Request) -> Response:
            otype = object_type(request)
            q = request.query_params
            limit = int_param(q.get("limit"), name="limit", default=10, minimum=1, maximum=100)
            archived = bool_param(q.get("archived"))
            props = select_properties(store.schemas[otype],
                                      split_names(q.getlist("properties")) if "properties" in q else None)
            assoc = association_types(q.getlist("associations"))
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
            otype = object_type(request)
            q = request.query_params
            rec = self.find(otype, request.path_params["object_id"], id_property=q.get("idProperty"),
                            archived=bool_param(q.get("archived")))
            props = select_properties(store.schemas[otype],
                                      split_names(q.getlist("properties")) if "properties" in q else None)
            return JSONResponse(render.record(otype, rec, props,
                                              associations=association_types(q.getlist("associations"))))

        async def create_object(request: Request) -> Response:
            otype = object_type(request)
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
            otype = object_type(request)
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
            otype = object_type(request)
            rec = store.tables[otype].resolve(parse_id(request.path_params["object_id"]))
            if rec is not None:  # HubSpot answers 204 for an id that is already gone
                store.archive(otype, rec)
            return Response(status_code=204)

        async def merge_objects(request: Request) -> Response:
            otype = object_type(request)
            if otype not in MERGEABLE:
                raise ApiError(400, f"Merging is not supported for {otype}")
            body = await json_body(request)
            primary = store.merge(otype, parse_id(body.get("primaryObjectId", "")),
                                  parse_id(body.get("objectIdToMerge", "")))
            return JSONResponse(render.record(otype, primary, store.schemas[otype].defaults))

        async def gdpr_delete(request: Request) -> Response:
            otype = object_type(request)
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
