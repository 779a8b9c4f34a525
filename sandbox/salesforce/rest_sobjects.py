"""sObject rows: retrieve, create, update (PATCH), upsert by external id, delete; ``updated/`` and ``deleted/``."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.salesforce.coerce import RecordError, coerce
from sandbox.salesforce.errors import ApiError, not_found, read_object
from sandbox.salesforce.fields import FieldDef, ObjectDef
from sandbox.salesforce.guard import Call, api
from sandbox.salesforce.org import Org
from sandbox.salesforce.render import JsonRenderer
from sandbox.salesforce.soql.filters import normalize_id
from sandbox.salesforce.timefmt import floor_minute, fmt_datetime, parse_datetime
from sandbox.salesforce.writes import Prepared, resolve_fields

MAX_REPLICATION_IDS = 600_000


def object_or_404(org: Org, name: str) -> ObjectDef:
    obj = org.catalog.get(name)
    if obj is None:
        raise not_found()
    return obj


def single_record_error(errors: list[RecordError]) -> ApiError:
    """How a one-record REST call reports what a collection would report per record."""
    first = errors[0]
    about_the_record = (first.status_code == "MALFORMED_ID" and first.fields == ["Id"]) or (
        first.status_code == "INVALID_CROSS_REFERENCE_KEY" and not first.fields)
    if about_the_record:
        return not_found()
    if first.status_code == "ENTITY_IS_DELETED" and not first.fields:
        return ApiError(404, "ENTITY_IS_DELETED", "entity is deleted")
    return ApiError(400, first.status_code, first.message, fields=first.fields)


def coerce_body(obj: ObjectDef, body: dict[str, Any]) -> dict[FieldDef, Any]:
    return {f: coerce(f, value) for f, value in resolve_fields(obj, body).items()}


def render_full(org: Org, obj: ObjectDef, row: list[Any], version: str, only: str | None) -> dict[str, Any]:
    resolver = org.resolver()
    names = [n.strip() for n in only.split(",") if n.strip()] if only else [f.name for f in obj.api_fields]
    paths = []
    for name in names:
        f = obj.field(name)
        if f is None:
            raise ApiError(400, "INVALID_FIELD", f"No such column '{name}' on entity '{obj.name}'. If you are "
                           "attempting to use a custom field, be sure to append the '__c' after the custom field name. "
                           "Please reference your WSDL or the describe call for the appropriate names.")
        paths.append(resolver.resolve(obj, f.name))
    return JsonRenderer(store=org.store, version=version).record(org.store.tables[obj.name], row, paths)


def replicated_or_404(obj: ObjectDef) -> None:
    """Only replicateable objects have ``updated/`` and ``deleted/`` (getUpdated/getDeleted): OpportunityStage or
    UserTerritory2Association do not, so a replication of them must list their ids."""
    if not obj.replicateable:
        raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")


def _window(org: Org, request: Request, *, reach_days: float) -> tuple[str, str, datetime]:
    """``start``/``end`` of a replication call: seconds ignored, the end capped at now, ``reach_days`` back at most
    (``deleted/`` 15 days, ``updated/`` 30)."""
    parsed: dict[str, datetime] = {}
    for name in ("start", "end"):
        raw = request.query_params.get(name)
        if not raw:
            raise ApiError(400, "MISSING_ARGUMENT", f"Missing required parameter: {name}")
        value = parse_datetime(raw)
        if value is None:
            raise ApiError(400, "INVALID_REPLICATION_DATE", f"Invalid {name} date: {raw}")
        parsed[name] = floor_minute(value)
    now = org.now()
    start, end = parsed["start"], min(parsed["end"], floor_minute(now))
    earliest = floor_minute(now - timedelta(days=reach_days))
    if start < earliest:
        raise ApiError(400, "INVALID_REPLICATION_DATE", f"startDate cannot be more than {reach_days:g} days ago")
    if parsed["end"] <= start:
        raise ApiError(400, "INVALID_REPLICATION_DATE", "EndDate must be after StartDate")
    return fmt_datetime(start), fmt_datetime(end), earliest


def routes(org: Org) -> list[Route]:
    guard = api(org)

    def apply_one(prepared: Prepared | list[RecordError]) -> Prepared:
        if isinstance(prepared, list):
            raise single_record_error(prepared)
        org.writer.apply([prepared], by_api=True)
        return prepared

    @guard
    async def retrieve_record(request: Request, call: Call) -> Response:
        obj = object_or_404(org, request.path_params["sobject"])
        found = org.writer.existing(obj, request.path_params["id"])
        if isinstance(found, RecordError):
            if found.status_code == "MALFORMED_ID":
                raise not_found(f"Provided external ID field does not exist or is not accessible: "
                                f"{request.path_params['id']}")
            raise single_record_error([found])
        rid = normalize_id(request.path_params["id"])
        row = org.store.committed(obj.name, rid or "")
        if row is None:  # written, but its commit has not landed yet
            raise not_found()
        return JSONResponse(render_full(org, obj, row, call.version, request.query_params.get("fields")))

    @guard
    async def create_record(request: Request, call: Call) -> Response:
        obj = object_or_404(org, request.path_params["sobject"])
        values = coerce_body(obj, await read_object(request))
        prepared = apply_one(org.writer.prepare_create(obj, values, actor=call.user_id))
        return JSONResponse({"id": prepared.id, "success": True, "errors": []}, status_code=201)

    @guard
    async def update_record(request: Request, call: Call) -> Response:
        obj = object_or_404(org, request.path_params["sobject"])
        values = coerce_body(obj, await read_object(request))
        apply_one(org.writer.prepare_update(obj, request.path_params["id"], values, actor=call.user_id))
        return Response(status_code=204)

    @guard
    async def delete_record(request: Request, call: Call) -> Response:
        obj = object_or_404(org, request.path_params["sobject"])
        if not obj.deletable:
            raise ApiError(400, "INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id")
        found = org.writer.existing(obj, request.path_params["id"])
        if isinstance(found, RecordError):
            raise single_record_error([found])
        org.store.delete(obj.name, [found[org.store.tables[obj.name].ix_id]], mode="soft", actor=call.user_id)
        return Response(status_code=204)

    def external_field(obj: ObjectDef, name: str) -> FieldDef:
        f = obj.field(name)
        if f is None or not (f.external_id or f.name == "Id"):
            raise not_found(f"Provided external ID field does not exist or is not accessible: {name}")
        return f

    @guard
    async def upsert_record(request: Request, call: Call) -> Response:
        obj = object_or_404(org, request.path_params["sobject"])
        ext = external_field(obj, request.path_params["field"])
        value = request.path_params["value"]
        matches = org.writer.find_by(obj.name, ext, value)
        if len(matches) > 1:
            return JSONResponse([f"{call.base}/sobjects/{obj.name}/{m}" for m in matches], status_code=300)
        values = coerce_body(obj, await read_object(request))
        prepared = apply_one(org.writer.prepare_upsert(obj, ext, value, values, actor=call.user_id))
        return JSONResponse({"id": prepared.id, "success": True, "errors": [], "created": prepared.created},
                            status_code=201 if prepared.created else 200)

    @guard
    async def retrieve_by_external_id(request: Request, call: Call) -> Response:
        obj = object_or_404(org, request.path_params["sobject"])
        ext = external_field(obj, request.path_params["field"])
        matches = [m for m in org.writer.find_by(obj.name, ext, request.path_params["value"])
                   if org.store.committed(obj.name, m) is not None]
        if not matches:
            raise not_found()
        if len(matches) > 1:
            return JSONResponse([f"{call.base}/sobjects/{obj.name}/{m}" for m in matches], status_code=300)
        row = org.store.committed(obj.name, matches[0])
        assert row is not None
        return JSONResponse(render_full(org, obj, row, call.version, request.query_params.get("fields")))

    @guard
    async def get_updated(request: Request, call: Call) -> Response:
        obj = object_or_404(org, request.path_params["sobject"])
        replicated_or_404(obj)
        start, end, _ = _window(org, request, reach_days=org.settings.updated_retention_days)
        table = org.store.tables[obj.name]
        ids = [rid for _, rid in table.by_modstamp.irange((start, ""), (end, ""), inclusive=(True, False))
               if not table.rows[rid][table.ix_deleted]]
        if len(ids) > MAX_REPLICATION_IDS:
            raise ApiError(400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 600000 records "
                           "into this call")
        return JSONResponse({"ids": ids, "latestDateCovered": end})

    @guard
    async def get_deleted(request: Request, call: Call) -> Response:
        obj = object_or_404(org, request.path_params["sobject"])
        replicated_or_404(obj)
        start, end, earliest = _window(org, request, reach_days=org.settings.deleted_retention_days)
        table = org.store.tables[obj.name]
        records = [{"deletedDate": at, "id": rid}
                   for at, rid in table.delete_log.irange((start, ""), (end, ""), inclusive=(True, False))]
        if len(records) > MAX_REPLICATION_IDS:
            raise ApiError(400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 600000 records "
                           "into this call")
        return JSONResponse({"deletedRecords": records, "earliestDateAvailable": fmt_datetime(earliest),
                             "latestDateCovered": end})

    s = "/services/data/v{version}/sobjects/{sobject}"
    out: list[Route] = []
    for path, handler, methods in (
        (f"{s}/updated", get_updated, ["GET"]), (f"{s}/deleted", get_deleted, ["GET"]),
        (s, create_record, ["POST"]),
        (f"{s}/{{field}}/{{value}}", upsert_record, ["PATCH"]),
        (f"{s}/{{field}}/{{value}}", retrieve_by_external_id, ["GET"]),
        (f"{s}/{{id}}", retrieve_record, ["GET"]), (f"{s}/{{id}}", update_record, ["PATCH"]),
        (f"{s}/{{id}}", delete_record, ["DELETE"]),
    ):
        out += [Route(path, handler, methods=methods), Route(path + "/", handler, methods=methods)]
    return out
