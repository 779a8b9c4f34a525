"""The v4 associations API: batch read (≤ 1,000 inputs), the labels of a pair of types, and associating or
dissociating two records (with labels).

Batch read: each input id gets ``{"from":{"id"},"to":[{"toObjectId": <int>, "associationTypes":[...]}]}``; an id with
no associations (or one that does not exist) is an error entry instead, and the answer is then 207, as HubSpot's is.
``associationTypes`` lists the plain type (``label: null``), "Primary" where it applies, and USER_DEFINED labels.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.hubspot.errors import ApiError, not_found
from sandbox.hubspot.store import Rejected, Store
from sandbox.hubspot.web import Guard, batch_answer, inputs_of, json_body, object_type

MAX_INPUTS = 1000


@dataclass(frozen=True, slots=True)
class AssociationsApi:
    store: Store

    def _labels_of(self, from_type: str, to_type: str, raw: object) -> tuple[int, ...]:
        """USER_DEFINED label ids from a v4 PUT body; the plain and Primary types are implied by associating."""
        if not isinstance(raw, list):
            raise ApiError(400, "Invalid input JSON: expected a list of {associationCategory, associationTypeId}")
        types = self.store.assoc.types
        labels: list[int] = []
        for item in raw:
            try:
                category, type_id = str(item["associationCategory"]), int(item["associationTypeId"])
            except (KeyError, TypeError, ValueError) as exc:
                raise ApiError(400, f"Invalid association type: {item!r}") from exc
            if category == "USER_DEFINED" and types.label_of((from_type, to_type), type_id) is not None:
                labels.append(type_id)
            elif type_id not in (types.plain.get((from_type, to_type)), types.primary.get((from_type, to_type))):
                raise ApiError(400, f"{type_id} is not a valid association type id from {from_type} to {to_type}")
        return tuple(labels)

    def routes(self, guard: Guard) -> list[Route]:
        store = self.store

        async def associations_batch_read(request: Request) -> Response:
            started = store.now_ms()
            from_type = object_type(request, store.types, "from_type")
            to_type = object_type(request, store.types, "to_type")
            inputs = inputs_of(await json_body(request), maximum=MAX_INPUTS)
            table = store.tables[from_type]
            schemas = store.schemas
            results: list[dict[str, Any]] = []
            errors: list[dict[str, Any]] = []
            for item in inputs:
                raw = str(item.get("id", ""))
                rec = table.resolve(int(raw)) if raw.isdigit() else None
                linked = store.assoc.lookup(from_type, rec, to_type) if rec is not None and \
                    store.assoc.supported(from_type, to_type) else []
                if not linked:
                    errors.append({
                        "status": "error", "category": "OBJECT_NOT_FOUND",
                        "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
                        "context": {"fromObjectId": [raw], "fromObjectType": [schemas[from_type].singular.upper()],
                                    "toObjectType": [schemas[to_type].singular.upper()]},
                        "links": {}, "errors": [],
                        "message": f"No {schemas[to_type].singular} is associated with "
                                   f"{schemas[from_type].singular} {raw}.",
                    })
                    continue
                results.append({"from": {"id": raw}, "to": [
                    {"toObjectId": a.to_id, "associationTypes": store.assoc.types.v4(from_type, to_type, a)}
                    for a in linked]})
            return batch_answer(started, store.now_ms(), results, errors)

        async def association_labels(request: Request) -> Response:
            from_type = object_type(request, store.types, "from_type")
            to_type = object_type(request, store.types, "to_type")
            types, pair = store.assoc.types, (from_type, to_type)
            if pair not in types.plain:
                return JSONResponse({"results": []})
            out: list[dict[str, Any]] = [{"category": types.category(pair), "typeId": types.plain[pair],
                                          "label": None}]
            if pair in types.primary:
                out.append({"category": "HUBSPOT_DEFINED", "typeId": types.primary[pair], "label": "Primary"})
            out += [{"category": "USER_DEFINED", "typeId": d.type_id, "label": d.label}
                    for d in types.labels.get(pair, [])]
            return JSONResponse({"results": out})

        async def associate_records(request: Request) -> Response:
            from_type = object_type(request, store.types)
            to_type = object_type(request, store.types, "to_type")
            if not store.assoc.supported(from_type, to_type):
                raise ApiError(400, f"{from_type} cannot be associated with {to_type}")
            rec = store.tables[from_type].resolve(_id(request.path_params["object_id"]))
            if rec is None:
                raise not_found(from_type, request.path_params["object_id"])
            labels = self._labels_of(from_type, to_type, await _list_body(request))
            try:
                store.associate(from_type, rec, to_type, _id(request.path_params["to_object_id"]), labels=labels)
            except Rejected as exc:
                raise exc.api_error() from exc
            names = [d.label for d in (store.assoc.types.label_of((from_type, to_type), t) for t in labels) if d]
            return JSONResponse({"fromObjectTypeId": store.schemas[from_type].type_id, "fromObjectId": rec.id,
                                 "toObjectTypeId": store.schemas[to_type].type_id,
                                 "toObjectId": _id(request.path_params["to_object_id"]), "labels": names},
                                status_code=201)

        async def dissociate_records(request: Request) -> Response:
            from_type = object_type(request, store.types)
            to_type = object_type(request, store.types, "to_type")
            rec = store.tables[from_type].resolve(_id(request.path_params["object_id"]))
            if rec is not None and store.assoc.supported(from_type, to_type):
                store.dissociate(from_type, rec, to_type, _id(request.path_params["to_object_id"]))
            return Response(status_code=204)  # as for archives: removing what is not there is no error

        one = "/crm/v4/objects/{object_type}/{object_id}/associations/{to_type}/{to_object_id}"
        return [guard.route("/crm/v4/associations/{from_type}/{to_type}/batch/read", associations_batch_read,
                            ["POST"]),
                guard.route("/crm/v4/associations/{from_type}/{to_type}/labels", association_labels, ["GET"]),
                guard.route(one, associate_records, ["PUT"]),
                guard.route(one, dissociate_records, ["DELETE"])]


def _id(raw: str) -> int:
    if not raw.strip().isdigit():
        raise ApiError(400, f"Object id {raw!r} is not a valid object id")
    return int(raw)


async def _list_body(request: Request) -> object:
    raw = await request.body()
    try:
        return json.loads(raw) if raw.strip() else []
    except json.JSONDecodeError as exc:
        raise ApiError(400, f"Invalid input JSON: {exc.msg}") from exc
