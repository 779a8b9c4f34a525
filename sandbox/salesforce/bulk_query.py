"""Bulk API 2.0 query jobs: create, poll, page CSV results with ``Sforce-Locator``, abort, delete, list.

Bulk refuses what the REST query accepts but Bulk cannot run: COUNT() and other aggregates, OFFSET, FIELDS().
A locator is the base64 of the next row's offset (``MTAwMDA`` is 10000), ``null`` after the last page.
"""

from __future__ import annotations

import base64
import binascii

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.salesforce.bulk_jobs import FINAL, BulkJobs, Job
from sandbox.salesforce.errors import ApiError, not_found, read_object
from sandbox.salesforce.guard import Call, api
from sandbox.salesforce.org import Org
from sandbox.salesforce.render import DELIMITERS, LINE_ENDINGS, CsvWriter, csv_value
from sandbox.salesforce.soql.compiler import compile_soql
from sandbox.salesforce.soql.executor import execute

PAGE_BYTES = 50 * 1024 * 1024  # without maxRecords, a page holds what fits in about this much CSV


def encode_locator(offset: int) -> str:
    return base64.b64encode(str(offset).encode()).decode().rstrip("=")


def decode_locator(locator: str) -> int | None:
    try:
        text = base64.b64decode(locator + "=" * (-len(locator) % 4), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


def _snake(state: str) -> str:
    return "".join("_" + c if c.isupper() else c for c in state).lstrip("_").upper()


def process_query(org: Org, job: Job) -> bool:
    matches = execute(job.compiled, org.store.tables[job.object], include_deleted=job.operation == "queryAll")
    job.ids, job.paths = matches.ids, job.compiled.paths
    job.processed = len(job.ids)
    return True


def routes(org: Org, jobs: BulkJobs) -> list[Route]:
    guard = api(org)

    def job_or_404(request: Request) -> Job:
        job = jobs.get(request.path_params["job_id"], "query")
        if job is None:
            raise not_found("The requested resource does not exist")
        return job

    @guard
    async def bulk_query_create(request: Request, call: Call) -> Response:
        body = await read_object(request)
        operation = body.get("operation")
        if operation not in ("query", "queryAll"):
            raise ApiError(400, "API_ERROR", f"Invalid value: '{operation}' supplied for property: 'operation'")
        soql = body.get("query")
        if not isinstance(soql, str) or not soql.strip():
            raise ApiError(400, "API_ERROR", "Query is required")
        delimiter, line_ending = body.get("columnDelimiter", "COMMA"), body.get("lineEnding", "LF")
        if delimiter not in DELIMITERS or line_ending not in LINE_ENDINGS:
            raise ApiError(400, "API_ERROR", "Invalid value supplied for property: 'columnDelimiter' or 'lineEnding'")
        cq = compile_soql(soql, catalog=org.catalog, resolver=org.resolver())
        if cq.count_only or cq.aggregates or cq.offset is not None or cq.uses_fields_function:
            raise ApiError(400, "API_ERROR", "Aggregate queries, OFFSET and FIELDS() are not supported by Bulk API "
                           "2.0 query")
        if not org.bulk_query_jobs.try_use():
            raise ApiError(400, "LIMIT_EXCEEDED", "Max number of Bulk API 2.0 query jobs per 24 hours exceeded")
        job = jobs.create(kind="query", operation=operation, object=cq.obj.name, created_by=call.user_id,
                          version=call.version, line_ending=line_ending, delimiter=delimiter, query=soql)
        job.compiled = cq
        jobs.set_state(job, "UploadComplete")
        return JSONResponse(job.info(full=False))

    @guard
    async def bulk_query_info(request: Request, call: Call) -> Response:
        return JSONResponse(job_or_404(request).info())

    @guard
    async def bulk_query_results(request: Request, call: Call) -> Response:
        job = job_or_404(request)
        if job.version != call.version:
            raise ApiError(409, "API_ERROR", f"Results must be fetched with the API version the job was created "
                           f"with (v{job.version})")
        if job.state != "JobComplete":
            raise ApiError(412, "JOB_NOT_COMPLETE", "can only download query results of successfully completed bulk "
                           f"job with status: JOB_COMPLETE. Current status: {_snake(job.state)}")
        locator = request.query_params.get("locator")
        start = 0 if not locator else decode_locator(locator)
        if start is None or start > len(job.ids):
            raise ApiError(400, "API_ERROR", f"Invalid locator: {locator}")
        raw_max = request.query_params.get("maxRecords")
        if raw_max is not None and (not raw_max.isdigit() or int(raw_max) < 1):
            raise ApiError(400, "API_ERROR", f"Invalid maxRecords: {raw_max}")
        limit = int(raw_max) if raw_max else None
        table = org.store.tables[job.object]
        writer = CsvWriter(delimiter=job.delimiter, line_ending=job.line_ending)
        writer.row([p.dotted for p in job.paths])
        end, size, written = start, 0, 0
        while end < len(job.ids) and (limit is None or end - start < limit) and size < PAGE_BYTES:
            row = table.rows.get(job.ids[end])
            end += 1
            if row is None:  # hard-deleted since the job ran
                continue
            values = [csv_value(p.field, p.get(row)) for p in job.paths]
            size += sum(len(v) + 3 for v in values)
            writer.row(values)
            written += 1
        headers = {"Sforce-Locator": encode_locator(end) if end < len(job.ids) else "null",
                   "Sforce-NumberOfRecords": str(written)}
        return Response(writer.text(), media_type="text/csv", headers=headers)

    @guard
    async def bulk_query_abort(request: Request, call: Call) -> Response:
        job = job_or_404(request)
        body = await read_object(request)
        if body.get("state") != "Aborted":
            raise ApiError(400, "API_ERROR", f"Invalid value: '{body.get('state')}' supplied for property: 'state'")
        if job.state in FINAL:
            raise ApiError(400, "API_ERROR", f"Cannot abort a job in state {job.state}")
        jobs.set_state(job, "Aborted")
        return JSONResponse(job.info(full=False))

    @guard
    async def bulk_query_delete(request: Request, call: Call) -> Response:
        job = job_or_404(request)
        if job.state not in (*FINAL, "UploadComplete"):
            raise ApiError(400, "API_ERROR", f"Cannot delete a job in state {job.state}")
        del jobs.jobs[job.id]
        return Response(status_code=204)

    @guard
    async def bulk_query_list(request: Request, call: Call) -> Response:
        records = [j.info() for j in jobs.jobs.values() if j.kind == "query"]
        return JSONResponse({"done": True, "records": records, "nextRecordsUrl": None})

    q = "/services/data/v{version}/jobs/query"
    out: list[Route] = []
    for path, handler, methods in (
        (q, bulk_query_create, ["POST"]), (q, bulk_query_list, ["GET"]),
        (f"{q}/{{job_id}}/results", bulk_query_results, ["GET"]),
        (f"{q}/{{job_id}}", bulk_query_info, ["GET"]), (f"{q}/{{job_id}}", bulk_query_abort, ["PATCH"]),
        (f"{q}/{{job_id}}", bulk_query_delete, ["DELETE"]),
    ):
        out += [Route(path, handler, methods=methods), Route(path + "/", handler, methods=methods)]
    return out
