"""Bulk extract endpoints for leads and activities: create, enqueue, status, file, cancel and list jobs."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from sandbox.marketo.activity_model import EXPORT_COLUMNS, EXPORT_OPTIONAL
from sandbox.marketo.activity_types import DELETE_LEAD, TYPES_BY_ID
from sandbox.marketo.api import Api, Call, HttpError, Reply
from sandbox.marketo.bulk import ExportJob
from sandbox.marketo.envelope import MarketoError, invalid, missing
from sandbox.marketo.export_build import DELIMITERS
from sandbox.marketo.fields import BY_NAME
from sandbox.marketo.paging import query_hash
from sandbox.marketo.params import batch_size
from sandbox.marketo.ranges import ranged_file
from sandbox.marketo.state import State
from sandbox.marketo.timefmt import parse_iso

MAX_SPAN_S = 31 * 86_400
LEAD_FILTERS = ("createdAt", "updatedAt", "staticListId", "staticListName", "smartListId", "smartListName")
STATUSES = ("Created", "Queued", "Processing", "Cancelled", "Completed", "Failed")


def date_range(raw: Any, name: str) -> tuple[int, int]:
    if not isinstance(raw, dict) or "startAt" not in raw or "endAt" not in raw:
        raise invalid(f"Filter '{name}' needs startAt and endAt")
    bounds = []
    for key in ("startAt", "endAt"):
        moment = parse_iso(str(raw[key]), allow_millis=False)
        if moment is None:
            raise MarketoError("704", "Invalid date format")
        bounds.append(int(moment.timestamp()))
    start, end = bounds
    if end <= start:
        raise invalid(f"Filter '{name}': endAt must be later than startAt")
    if end - start > MAX_SPAN_S:
        raise invalid(f"Filter '{name}': date range exceeds 31 days")
    return start, end


def headers(body: dict[str, Any], fields: list[str]) -> list[str]:
    names = body.get("columnHeaderNames") or {}
    if not isinstance(names, dict):
        raise invalid("columnHeaderNames must be an object")
    for key in names:
        if key not in fields:
            raise invalid(f"columnHeaderNames: field '{key}' is not in the export")
    return [str(names.get(f, f)) for f in fields]


def export_format(body: dict[str, Any]) -> str:
    fmt = body.get("format") or "CSV"
    if fmt not in DELIMITERS:
        raise invalid(f"Invalid format '{fmt}': expected CSV, TSV or SSV")
    return str(fmt)


def routes(api: Api, state: State) -> list[Route]:
    exports = state.exports

    def lead_spec(call: Call) -> tuple[str, dict[str, Any]]:
        body = _body(call)
        fields = body.get("fields")
        if not fields:
            raise missing("fields")
        if not isinstance(fields, list) or any(f not in BY_NAME for f in fields):
            bad = [f for f in fields if f not in BY_NAME] if isinstance(fields, list) else [fields]
            raise invalid(f"Invalid field name(s): {', '.join(map(str, bad))}")
        flt = body.get("filter")
        if not flt:
            raise missing("filter")
        if not isinstance(flt, dict):
            raise invalid("filter must be an object")
        unknown = [k for k in flt if k not in LEAD_FILTERS]
        if unknown:
            raise invalid(f"Invalid filter type '{unknown[0]}'")
        if len(flt) != 1:
            raise invalid("Only one filter type may be specified per export job")
        name = next(iter(flt))
        if name in ("updatedAt", "smartListId", "smartListName") and not state.settings.updated_at_filter:
            raise MarketoError("1035", f"Unsupported filter type for target subscription: {name}")
        if name not in ("createdAt", "updatedAt"):
            raise MarketoError("1013", "Static list not found" if name.startswith("static") else
                               "Smart list not found")
        start, end = date_range(flt[name], name)
        return export_format(body), {"fields": fields, "headers": headers(body, fields),
                                     "filter": (name, start, end)}

    def activity_spec(call: Call) -> tuple[str, dict[str, Any]]:
        body = _body(call)
        flt = body.get("filter")
        if not isinstance(flt, dict) or "createdAt" not in flt:
            raise missing("filter.createdAt")
        start, end = date_range(flt["createdAt"], "createdAt")
        spec: dict[str, Any] = {"start": start, "end": end}
        fields = body.get("fields") or list(EXPORT_COLUMNS)
        allowed = EXPORT_COLUMNS + EXPORT_OPTIONAL
        if not isinstance(fields, list) or any(f not in allowed for f in fields):
            raise invalid(f"Invalid fields: allowed are {', '.join(allowed)}")
        spec["fields"], spec["headers"] = fields, headers(body, fields)
        types = flt.get("activityTypeIds")
        if types is not None:
            if not isinstance(types, list) or any(not isinstance(t, int) or t not in TYPES_BY_ID for t in types):
                raise invalid("activityTypeIds must be an array of activity type ids")
            if DELETE_LEAD in types:
                raise invalid("Activity type 37 (Delete Lead) is not supported: use Get Deleted Leads")
        spec["types"] = frozenset(types or (t for t in TYPES_BY_ID if t != DELETE_LEAD))
        ids, names = flt.get("primaryAttributeValueIds"), flt.get("primaryAttributeValues")
        if ids is not None and names is not None:
            raise invalid("primaryAttributeValueIds and primaryAttributeValues cannot be used together")
        for key, values in (("pav_ids", ids), ("pav_values", names)):
            if values is None:
                continue
            if types is None:
                raise invalid("activityTypeIds is required with a primary attribute filter")
            if not isinstance(values, list) or not 0 < len(values) <= 50:
                raise invalid("Primary attribute filters take between 1 and 50 values")
            spec[key] = set(values)
        return export_format(body), spec

    def operations(kind: str) -> list[Route]:
        base = f"/bulk/v1/{kind}/export"
        spec_of = lead_spec if kind == "leads" else activity_spec
        singular = "leads" if kind == "leads" else "activities"

        def create_export(call: Call) -> list[Any]:
            fmt, spec = spec_of(call)
            return [exports.create(kind, fmt, spec).describe()]

        def enqueue_export(call: Call) -> list[Any]:
            return [exports.enqueue(kind, call.path("export_id")).describe()]

        def get_export_status(call: Call) -> list[Any]:
            return [exports.get(kind, call.path("export_id")).describe()]

        def cancel_export(call: Call) -> list[Any]:
            return [exports.cancel(kind, call.path("export_id")).describe()]

        def get_export_file(call: Call) -> Response:
            job = exports.file(kind, call.path("export_id"))
            if job is None:
                raise HttpError(404, "Export file not found. The job may not be completed, or the id is invalid.")
            return ranged_file(job.file or b"", content_type=_content_type(job),
                               range_header=call.request.headers.get("range"))

        def get_exports(call: Call) -> Reply:
            statuses = set(call.list_param("status"))
            bad = statuses - set(STATUSES)
            if bad:
                raise invalid(f"Invalid status filter: {sorted(bad)[0]}")
            jobs = exports.listing(kind, statuses)
            size = batch_size(call)
            qhash = query_hash(kind, ",".join(sorted(statuses)))
            offset = 0
            token = call.params.get("nextPageToken")
            if token:
                parsed = state.codec.parse_offset(token, qhash)
                if parsed is None:
                    raise invalid("Invalid nextPageToken")
                offset = parsed
            result = [j.describe() for j in jobs[offset:offset + size]]
            more = offset + size < len(jobs)
            return Reply(result, {"nextPageToken": state.codec.offset(qhash, offset + size) if more else None,
                                  "moreResult": more})

        for op in (create_export, enqueue_export, get_export_status, cancel_export, get_export_file, get_exports):
            op.__name__ = op.__name__.replace("export", f"{singular}_export")
        return [
            api.route(f"{base}/create.json", {"POST": create_export}),
            api.route(f"{base}/{{export_id}}/enqueue.json", {"POST": enqueue_export}),
            api.route(f"{base}/{{export_id}}/status.json", {"GET": get_export_status}),
            api.route(f"{base}/{{export_id}}/cancel.json", {"POST": cancel_export}),
            api.route(f"{base}/{{export_id}}/file.json", {"GET": get_export_file}),
            api.route(f"{base}.json", {"GET": get_exports}),
        ]

    return operations("leads") + operations("activities")


def _body(call: Call) -> dict[str, Any]:
    body = call.json()
    if not isinstance(body, dict):
        raise invalid("Invalid request body")
    return body


def _content_type(job: ExportJob) -> str:
    return {"CSV": "text/csv", "TSV": "text/tab-separated-values", "SSV": "text/plain"}[job.format]
