"""Bulk Custom Object Extract: ``/bulk/v1/customobjects/{apiName}/export/...`` create, enqueue, status, file,
cancel and list, on the queue and daily allowance lead and activity exports use.

As Marketo documents it: only custom objects linked directly to a lead can be exported (others answer 1003); the
job needs ``fields`` (the type's fields) and exactly one filter; ``updatedAt`` takes a window of at most 31 days
(ISO-8601 without milliseconds, else 704), both bounds inclusive. Lists are not modelled, so a static or smart
list filter answers 1013. The file holds the records whose ``updatedAt`` lies in the window when the job begins
processing, empty values written ``null``.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from sandbox.marketo.api import Api, Call, HttpError, Reply
from sandbox.marketo.bulk_api import STATUSES, _body, _content_type, date_range, export_format, headers
from sandbox.marketo.envelope import MarketoError, invalid, missing
from sandbox.marketo.paging import query_hash
from sandbox.marketo.params import batch_size
from sandbox.marketo.ranges import ranged_file
from sandbox.marketo.state import State

FILTERS = ("updatedAt", "staticListName", "staticListId", "smartListName", "smartListId")


def kind_of(api_name: str) -> str:
    """Export jobs are kept per kind: one kind per custom object type."""
    return f"customobjects/{api_name}"


def routes(api: Api, state: State) -> list[Route]:
    exports = state.exports

    def spec_of(call: Call) -> tuple[str, str, dict[str, Any]]:
        api_name = call.path("api_name")
        _, version, _ = state.customs.of(api_name)
        if not any(f.related_to and f.related_to[0] == "lead" for f in version.links()):
            raise invalid(f"Custom object '{api_name}' is not linked to a lead: only first-level custom objects "
                          "linked directly to a lead can be exported")
        body = _body(call)
        fields = body.get("fields")
        if not fields:
            raise missing("fields")
        if not isinstance(fields, list) or any(version.field(str(f)) is None for f in fields):
            bad = [f for f in fields if version.field(str(f)) is None] if isinstance(fields, list) else [fields]
            raise invalid(f"Invalid field name(s): {', '.join(map(str, bad))}")
        flt = body.get("filter")
        if not flt:
            raise missing("filter")
        if not isinstance(flt, dict):
            raise invalid("filter must be an object")
        unknown = [k for k in flt if k not in FILTERS]
        if unknown:
            raise invalid(f"Invalid filter type '{unknown[0]}'")
        if len(flt) != 1:
            raise invalid("Only one filter type may be specified per export job")
        name = next(iter(flt))
        if name != "updatedAt":
            raise MarketoError("1013", "Static list not found" if name.startswith("static") else
                               "Smart list not found")
        start, end = date_range(flt[name], name)
        return kind_of(api_name), export_format(body), {"api_name": api_name, "fields": [str(f) for f in fields],
                                                        "headers": headers(body, fields), "filter": (start, end)}

    def create_customobjects_export(call: Call) -> list[Any]:
        kind, fmt, spec = spec_of(call)
        return [exports.create(kind, fmt, spec).describe()]

    def enqueue_customobjects_export(call: Call) -> list[Any]:
        return [exports.enqueue(kind_of(call.path("api_name")), call.path("export_id")).describe()]

    def get_customobjects_export_status(call: Call) -> list[Any]:
        return [exports.get(kind_of(call.path("api_name")), call.path("export_id")).describe()]

    def cancel_customobjects_export(call: Call) -> list[Any]:
        return [exports.cancel(kind_of(call.path("api_name")), call.path("export_id")).describe()]

    def get_customobjects_export_file(call: Call) -> Response:
        job = exports.file(kind_of(call.path("api_name")), call.path("export_id"))
        if job is None:
            raise HttpError(404, "Export file not found. The job may not be completed, or the id is invalid.")
        return ranged_file(job.file or b"", content_type=_content_type(job),
                           range_header=call.request.headers.get("range"))

    def get_customobjects_exports(call: Call) -> Reply:
        kind = kind_of(call.path("api_name"))
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
        more = offset + size < len(jobs)
        return Reply([j.describe() for j in jobs[offset:offset + size]],
                     {"nextPageToken": state.codec.offset(qhash, offset + size) if more else None,
                      "moreResult": more})

    base = "/bulk/v1/customobjects/{api_name}/export"
    return [
        api.route(f"{base}/create.json", {"POST": create_customobjects_export}),
        api.route(f"{base}/{{export_id}}/enqueue.json", {"POST": enqueue_customobjects_export}),
        api.route(f"{base}/{{export_id}}/status.json", {"GET": get_customobjects_export_status}),
        api.route(f"{base}/{{export_id}}/cancel.json", {"POST": cancel_customobjects_export}),
        api.route(f"{base}/{{export_id}}/file.json", {"GET": get_customobjects_export_file}),
        api.route(f"{base}.json", {"GET": get_customobjects_exports}),
    ]
