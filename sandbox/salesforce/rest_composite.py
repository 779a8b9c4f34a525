"""sObject Collections: create, update, upsert by external id, retrieve and delete up to 200 records a call.

The answer is HTTP 200 with one result per record, in order, even when records fail; with ``allOrNone`` one
failure rolls every record back (the good ones report ALL_OR_NONE_OPERATION_ROLLED_BACK). Unknown fields and
unreadable values refuse the whole request (HTTP 400), as Salesforce does.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.salesforce.coerce import RecordError, coerce
from sandbox.salesforce.errors import ApiError, read_object
from sandbox.salesforce.fields import FieldDef, ObjectDef
from sandbox.salesforce.guard import Call, api
from sandbox.salesforce.org import Org
from sandbox.salesforce.rest_sobjects import object_or_404, render_full
from sandbox.salesforce.soql.filters import normalize_id
from sandbox.salesforce.writes import Prepared, RequestError, resolve_fields

MAX_RECORDS, MAX_RETRIEVE = 200, 2000
ROLLED_BACK = RecordError("ALL_OR_NONE_OPERATION_ROLLED_BACK", "Record rolled back because not all records were valid "
                          "and the request was using AllOrNone header", [])
Outcome = Prepared | list[RecordError]


def _limit(count: int) -> None:
    if count > MAX_RECORDS:
        raise ApiError(400, "EXCEEDED_ID_LIMIT", f"record limit reached. cannot submit more than {MAX_RECORDS} records "
                       "into this call")


async def _records(request: Request) -> tuple[list[dict[str, Any]], bool]:
    body = await read_object(request)
    records = body.get("records")
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ApiError(400, "JSON_PARSER_ERROR", "records: expected an array of sObjects")
    _limit(len(records))
    return records, bool(body.get("allOrNone", False))


def _record_object(org: Org, record: dict[str, Any]) -> ObjectDef:
    attrs = record.get("attributes")
    name = attrs.get("type") if isinstance(attrs, dict) else None
    if not name:
        raise ApiError(400, "INVALID_TYPE", "Must send a concrete entity type.")
    obj = org.catalog.get(str(name))
    if obj is None:
        raise ApiError(400, "INVALID_TYPE", f"sObject type '{name}' is not supported.")
    return obj


def _values(obj: ObjectDef, record: dict[str, Any], *, drop: tuple[str, ...] = ()) -> dict[FieldDef, Any]:
    raw = {k: v for k, v in record.items() if k.lower() not in drop}
    return {f: coerce(f, v) for f, v in resolve_fields(obj, raw).items()}


def _result(outcome: Outcome, *, upsert: bool, rolled_back: bool) -> dict[str, Any]:
    if isinstance(outcome, list):
        return {"success": False, "errors": [e.json() for e in outcome]}
    if rolled_back:
        return {"success": False, "errors": [ROLLED_BACK.json()]}
    out: dict[str, Any] = {"id": outcome.id, "success": True, "errors": []}
    if upsert:
        out["created"] = outcome.created
    return out


def finish(org: Org, outcomes: list[Outcome], *, all_or_none: bool, upsert: bool = False) -> JSONResponse:
    failed = any(isinstance(o, list) for o in outcomes)
    rolled_back = all_or_none and failed
    if not rolled_back:
        org.writer.apply([o for o in outcomes if isinstance(o, Prepared)], by_api=True)
    return JSONResponse([_result(o, upsert=upsert, rolled_back=rolled_back) for o in outcomes])


def routes(org: Org) -> list[Route]:
    guard = api(org)

    @guard
    async def collections_create(request: Request, call: Call) -> Response:
        records, all_or_none = await _records(request)
        parsed = [(obj := _record_object(org, r), _values(obj, r)) for r in records]
        return finish(org, [org.writer.prepare_create(obj, values, actor=call.user_id) for obj, values in parsed],
                      all_or_none=all_or_none)

    @guard
    async def collections_update(request: Request, call: Call) -> Response:
        records, all_or_none = await _records(request)
        parsed = [(obj := _record_object(org, r), _values(obj, r, drop=("id",)), r.get("id") or r.get("Id"))
                  for r in records]
        outcomes: list[Outcome] = []
        seen: set[str] = set()
        for obj, values, rid in parsed:
            if not rid:
                outcomes.append([RecordError("MISSING_ARGUMENT", "Id not specified in an update call", [])])
                continue
            key = normalize_id(str(rid)) or str(rid)
            if key in seen:
                outcomes.append([RecordError("DUPLICATE_VALUE", f"Duplicate id in list: {rid}", [])])
                continue
            seen.add(key)
            outcomes.append(org.writer.prepare_update(obj, str(rid), values, actor=call.user_id))
        return finish(org, outcomes, all_or_none=all_or_none)

    @guard
    async def collections_upsert(request: Request, call: Call) -> Response:
        obj = object_or_404(org, request.path_params["sobject"])
        ext = obj.field(request.path_params["field"])
        if ext is None or not (ext.external_id or ext.name == "Id"):
            raise ApiError(400, "INVALID_FIELD", f"Field name provided, {request.path_params['field']} is not an "
                           f"External ID or indexed field for {obj.name}")
        records, all_or_none = await _records(request)
        outcomes: list[Outcome] = []
        seen: set[str] = set()
        for record in records:
            if _record_object(org, record) is not obj:
                raise RequestError("INVALID_TYPE", f"Record type must be {obj.name} for this upsert")
            values = _values(obj, record)
            ext_value = next((v for f, v in values.items() if f is ext), None)
            if ext_value in (None, ""):
                outcomes.append([RecordError("MISSING_ARGUMENT", f"{ext.name} not specified", [])])
                continue
            if str(ext_value).lower() in seen:
                outcomes.append([RecordError("DUPLICATE_EXTERNAL_ID", f"{ext.api_label}: duplicate external id "
                                             f"specified: {ext_value}", [ext.name])])
                continue
            seen.add(str(ext_value).lower())
            outcomes.append(org.writer.prepare_upsert(obj, ext, str(ext_value), values, actor=call.user_id))
        return finish(org, outcomes, all_or_none=all_or_none, upsert=True)

    @guard
    async def collections_retrieve(request: Request, call: Call) -> Response:
        obj = object_or_404(org, request.path_params["sobject"])
        ids = [i for i in request.query_params.get("ids", "").split(",") if i]
        fields = request.query_params.get("fields", "")
        if not ids or not fields:
            raise ApiError(400, "MISSING_ARGUMENT", "ids and fields are required")
        if len(ids) > MAX_RETRIEVE:
            raise ApiError(400, "EXCEEDED_ID_LIMIT", f"cannot retrieve more than {MAX_RETRIEVE} records")
        out: list[dict[str, Any] | None] = []
        for raw in ids:
            rid = normalize_id(raw)
            row = org.store.committed(obj.name, rid) if rid else None
            live = row is not None and not row[org.store.tables[obj.name].ix_deleted]
            out.append(render_full(org, obj, row, call.version, fields) if live and row is not None else None)
        return JSONResponse(out)

    @guard
    async def collections_delete(request: Request, call: Call) -> Response:
        ids = [i for i in request.query_params.get("ids", "").split(",") if i]
        if not ids:
            raise ApiError(400, "MISSING_ARGUMENT", "ids is required")
        _limit(len(ids))
        all_or_none = request.query_params.get("allOrNone", "false").lower() == "true"
        checked: list[tuple[str, str] | list[RecordError]] = []
        for raw in ids:
            obj = org.catalog.by_id(raw)
            found = org.writer.existing(obj, raw) if obj is not None else RecordError(
                "MALFORMED_ID", f"malformed id {raw}", [])
            if isinstance(found, RecordError):
                checked.append([found])
            elif obj is not None and not obj.deletable:
                checked.append([RecordError("INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object "
                                            "id", [])])
            else:
                checked.append((obj.name if obj else "", normalize_id(raw) or raw))
        failed = any(isinstance(c, list) for c in checked)
        results = []
        for c in checked:
            if isinstance(c, list):
                results.append({"success": False, "errors": [e.json() for e in c]})
            elif all_or_none and failed:
                results.append({"success": False, "errors": [ROLLED_BACK.json()]})
            else:
                row = org.store.current(c[0], c[1])
                if row is not None and not row[org.store.tables[c[0]].ix_deleted]:  # not already taken by a cascade
                    org.store.delete(c[0], [c[1]], mode="soft", actor=call.user_id)
                results.append({"id": c[1], "success": True, "errors": []})
        return JSONResponse(results)

    c = "/services/data/v{version}/composite/sobjects"
    out: list[Route] = []
    for path, handler, methods in (
        (c, collections_create, ["POST"]), (c, collections_update, ["PATCH"]), (c, collections_delete, ["DELETE"]),
        (f"{c}/{{sobject}}/{{field}}", collections_upsert, ["PATCH"]),
        (f"{c}/{{sobject}}", collections_retrieve, ["GET"]),
    ):
        out += [Route(path, handler, methods=methods), Route(path + "/", handler, methods=methods)]
    return out
