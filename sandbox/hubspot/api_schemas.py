"""The custom objects schemas API, under ``/crm/v3/schemas`` and ``/crm-object-schemas/v3/schemas`` (the path
hubspot-api-client 12 calls): list, read, create, update and delete custom object schemas, and add associations.

``GET`` lists custom objects only (``archived=true``: the deleted ones); a schema is read by objectTypeId, fully
qualified name or ``p_<name>``. ``DELETE`` refuses while the object still has records (HubSpot asks for them to be
deleted first); a deleted schema's type answers no longer.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.hubspot.custom_objects import create_custom_object, resolve_associated, schema_json
from sandbox.hubspot.errors import ApiError
from sandbox.hubspot.schema import ObjectSchema
from sandbox.hubspot.store import Store
from sandbox.hubspot.web import Guard, bool_param, json_body

_PATCHABLE = ("labels", "description", "requiredProperties", "searchableProperties", "secondaryDisplayProperties",
              "primaryDisplayProperty")


@dataclass(frozen=True, slots=True)
class SchemasApi:
    store: Store

    def _schema(self, raw: str) -> ObjectSchema:
        name = self.store.types.resolve(raw)
        schema = self.store.schemas.get(name) if name else None
        if schema is None or schema.custom is None or schema.custom.archived:
            raise ApiError(404, f"Unable to find object schema for {raw}", "OBJECT_NOT_FOUND")
        return schema

    def routes(self, guard: Guard) -> list[Route]:
        store = self.store

        async def list_schemas(request: Request) -> Response:
            archived = bool_param(request.query_params.get("archived"))
            found = [s for s in store.schemas.values() if s.custom is not None and s.custom.archived == archived]
            return JSONResponse({"results": [schema_json(store, s) for s in found]})

        async def get_schema(request: Request) -> Response:
            return JSONResponse(schema_json(store, self._schema(request.path_params["object_type"])))

        async def create_schema(request: Request) -> Response:
            schema = create_custom_object(store, await json_body(request), store.now_ms())
            return JSONResponse(schema_json(store, schema), status_code=201)

        async def update_schema(request: Request) -> Response:
            schema = self._schema(request.path_params["object_type"])
            meta = schema.custom
            assert meta is not None
            body = await json_body(request)
            unknown = sorted(set(body) - set(_PATCHABLE))
            if unknown:
                raise ApiError(400, f"These schema attributes cannot be changed: {', '.join(unknown)}")
            for key in ("requiredProperties", "searchableProperties", "secondaryDisplayProperties"):
                names = body.get(key)
                if names is not None and (not isinstance(names, list) or any(n not in schema.props for n in names)):
                    raise ApiError(400, f"{key} must list properties of {schema.singular}")
            labels = body.get("labels") or {}
            meta.labels = (str(labels.get("singular", meta.labels[0])), str(labels.get("plural", meta.labels[1])))
            meta.description = str(body.get("description", meta.description))
            meta.required = tuple(body.get("requiredProperties", meta.required))
            meta.searchable = tuple(body.get("searchableProperties", meta.searchable))
            meta.secondary = tuple(body.get("secondaryDisplayProperties", meta.secondary))
            meta.primary_display = str(body.get("primaryDisplayProperty", meta.primary_display))
            schema.required = meta.required
            meta.updated_ms = store.now_ms()
            return JSONResponse(schema_json(store, schema))

        async def delete_schema(request: Request) -> Response:
            schema = self._schema(request.path_params["object_type"])
            meta = schema.custom
            assert meta is not None
            if store.tables[schema.name].live:
                raise ApiError(400, f"Object type {schema.singular} still has records; delete them before deleting "
                                    "its schema")
            meta.archived, meta.updated_ms = True, store.now_ms()
            store.types.remove(schema.name)
            return Response(status_code=204)

        async def create_schema_association(request: Request) -> Response:
            schema = self._schema(request.path_params["object_type"])
            body = await json_body(request)
            from_type = resolve_associated(store, str(body.get("fromObjectTypeId") or schema.type_id))
            to_type = resolve_associated(store, str(body.get("toObjectTypeId") or ""))
            if schema.name not in (from_type, to_type):
                raise ApiError(400, f"An association of {schema.singular} must start or end at it")
            owner, other = (from_type, to_type) if store.schemas[from_type].custom else (to_type, from_type)
            store.associate_types(owner, other)
            type_id = store.assoc.types.plain[from_type, to_type]
            return JSONResponse({"id": str(type_id), "fromObjectTypeId": store.schemas[from_type].type_id,
                                 "toObjectTypeId": store.schemas[to_type].type_id,
                                 "name": str(body.get("name") or f"{store.schemas[from_type].singular}_to_"
                                                                 f"{store.schemas[to_type].singular}")},
                                status_code=201)

        routes: list[Route] = []
        for base in ("/crm/v3/schemas", "/crm-object-schemas/v3/schemas"):
            routes += [
                guard.route(base, list_schemas, ["GET"]),
                guard.route(base, create_schema, ["POST"]),
                guard.route(base + "/{object_type}", get_schema, ["GET"]),
                guard.route(base + "/{object_type}", update_schema, ["PATCH"]),
                guard.route(base + "/{object_type}", delete_schema, ["DELETE"]),
                guard.route(base + "/{object_type}/associations", create_schema_association, ["POST"]),
            ]
        return routes
