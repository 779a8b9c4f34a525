"""REST ``query`` and ``queryAll``: pages of up to 2,000 records (``Sforce-Query-Options: batchSize``), the rest
behind ``nextRecordsUrl`` on a server-side cursor. ``query`` never returns deleted rows; ``queryAll`` does."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.salesforce.cursors import Cursor
from sandbox.salesforce.errors import ApiError
from sandbox.salesforce.guard import Call, api
from sandbox.salesforce.org import Org
from sandbox.salesforce.render import JsonRenderer
from sandbox.salesforce.soql.compiler import compile_soql
from sandbox.salesforce.soql.executor import execute

DEFAULT_BATCH, MIN_BATCH = 2000, 200


def batch_size(request: Request) -> int:
    """``Sforce-Query-Options: batchSize=500``: 200 to 2,000 (Salesforce treats it as a hint within those bounds)."""
    for part in request.headers.get("sforce-query-options", "").replace(";", ",").split(","):
        key, _, value = part.partition("=")
        if key.strip().lower() == "batchsize" and value.strip().isdigit():
            return max(MIN_BATCH, min(DEFAULT_BATCH, int(value.strip())))
    return DEFAULT_BATCH


def _page(org: Org, cursor: Cursor, start: int, call: Call) -> dict[str, Any]:
    table = org.store.tables[cursor.obj]
    renderer = JsonRenderer(store=org.store, version=call.version)
    end = start + cursor.batch
    records = [renderer.record(table, row, cursor.paths)
               for rid in cursor.ids[start:end] if (row := table.rows.get(rid)) is not None]
    body: dict[str, Any] = {"totalSize": len(cursor.ids), "done": end >= len(cursor.ids)}
    if end < len(cursor.ids):
        body["nextRecordsUrl"] = f"{call.base}/{cursor.endpoint}/{cursor.id}-{end}"
    else:
        org.cursors.release(cursor.id)
    body["records"] = records
    return body


def routes(org: Org) -> list[Route]:
    guard = api(org)

    async def run(request: Request, call: Call, *, include_deleted: bool) -> Response:
        soql = request.query_params.get("q")
        if not soql:
            raise ApiError(400, "MALFORMED_QUERY", "A query string has to be specified")
        cq = compile_soql(soql, catalog=org.catalog, resolver=org.resolver())
        matches = execute(cq, org.store.tables[cq.obj.name], include_deleted=include_deleted)
        if cq.count_only:
            return JSONResponse({"totalSize": len(matches.ids), "done": True, "records": []})
        if cq.aggregates:
            record: dict[str, Any] = {"attributes": {"type": "AggregateResult"}, **matches.aggregates}
            return JSONResponse({"totalSize": 1, "done": True, "records": [record]})
        batch, endpoint = batch_size(request), "queryAll" if include_deleted else "query"
        if len(matches.ids) <= batch:  # one page: no server-side cursor is held (none counts against the ten)
            cursor = Cursor("", call.user_id, cq.obj.name, matches.ids, cq.paths, batch, endpoint, org.now())
        else:
            cursor = org.cursors.open(user_id=call.user_id, obj=cq.obj.name, ids=matches.ids, paths=cq.paths,
                                      batch=batch, endpoint=endpoint)
        return JSONResponse(_page(org, cursor, 0, call))

    @guard
    async def query(request: Request, call: Call) -> Response:
        return await run(request, call, include_deleted=False)

    @guard
    async def query_all(request: Request, call: Call) -> Response:
        return await run(request, call, include_deleted=True)

    @guard
    async def query_more(request: Request, call: Call) -> Response:
        locator, _, offset = request.path_params["locator"].partition("-")
        cursor = org.cursors.get(locator, call.user_id)
        if cursor is None or not offset.isdigit() or int(offset) > len(cursor.ids):
            raise ApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        return JSONResponse(_page(org, cursor, int(offset), call))

    base = "/services/data/v{version}"
    out = []
    for name, handler in (("query", query), ("queryAll", query_all)):
        out += [Route(f"{base}/{name}", handler, methods=["GET"]), Route(f"{base}/{name}/", handler, methods=["GET"]),
                Route(f"{base}/{name}/{{locator}}", query_more, methods=["GET"])]
    return out
