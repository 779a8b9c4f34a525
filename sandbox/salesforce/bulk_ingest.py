"""Bulk API 2.0 ingest jobs: create, upload CSV once, ``UploadComplete`` or ``Aborted``, poll, results, delete."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.salesforce.bulk_jobs import FINAL, BulkJobs, Job
from sandbox.salesforce.bulk_process import JobFailure, parse_upload
from sandbox.salesforce.errors import ApiError, not_found, read_object
from sandbox.salesforce.guard import Call, api
from sandbox.salesforce.org import Org
from sandbox.salesforce.render import DELIMITERS, LINE_ENDINGS, CsvWriter

OPERATIONS = ("insert", "update", "upsert", "delete", "hardDelete")
MAX_UPLOAD_BYTES = 150 * 1024 * 1024


def _csv(job: Job, prefix: list[str], rows: list[list[str]]) -> Response:
    writer = CsvWriter(delimiter=job.delimiter, line_ending=job.line_ending)
    writer.row([*prefix, *job.header])
    for row in rows:
        writer.row(row)
    return Response(writer.text(), media_type="text/csv")


def routes(org: Org, jobs: BulkJobs) -> list[Route]:
    guard = api(org)

    def job_or_404(request: Request) -> Job:
        job = jobs.get(request.path_params["job_id"], "ingest")
        if job is None:
            raise not_found()
        return job

    @guard
    async def bulk_ingest_create(request: Request, call: Call) -> Response:
        body = await read_object(request)
        operation = body.get("operation")
        if operation not in OPERATIONS:
            raise ApiError(400, "API_ERROR", f"Invalid value: '{operation}' supplied for property: 'operation'")
        obj = org.catalog.get(str(body.get("object", "")))
        if obj is None:
            raise ApiError(400, "INVALIDJOB", f"InvalidJob : Unable to find object: {body.get('object', '')}")
        if body.get("contentType", "CSV") != "CSV":
            raise ApiError(400, "API_ERROR", f"Invalid value: '{body.get('contentType')}' supplied for property: "
                           "'contentType'")
        delimiter, line_ending = body.get("columnDelimiter", "COMMA"), body.get("lineEnding", "LF")
        if delimiter not in DELIMITERS or line_ending not in LINE_ENDINGS:
            raise ApiError(400, "API_ERROR", "Invalid value supplied for property: 'columnDelimiter' or 'lineEnding'")
        external = None
        if operation == "upsert":
            ext = obj.field(str(body.get("externalIdFieldName", "")))
            if ext is None or not (ext.external_id or ext.name == "Id"):
                raise ApiError(400, "INVALIDJOB", f"InvalidJob : Field name provided, "
                               f"{body.get('externalIdFieldName', '')} does not match an External ID for {obj.name}")
            external = ext.name
        if (operation in ("insert", "upsert", "update") and not (obj.createable or obj.updateable)) or \
                (operation in ("delete", "hardDelete") and not obj.deletable):
            raise ApiError(400, "INVALIDJOB", f"InvalidJob : Entity '{obj.name}' is not supported by the Bulk API "
                           f"for {operation}")
        job = jobs.create(kind="ingest", operation=operation, object=obj.name, created_by=call.user_id,
                          version=call.version, line_ending=line_ending, delimiter=delimiter,
                          external_id_field=external)
        return JSONResponse(job.info(full=False))

    @guard
    async def bulk_ingest_upload(request: Request, call: Call) -> Response:
        job = job_or_404(request)
        if job.state != "Open":
            raise ApiError(400, "INVALIDJOB", f"InvalidJob : Job {job.id} is not Open (state: {job.state})")
        if job.upload is not None:
            raise ApiError(400, "BULK_API_ERROR", f"Found multiple contents for job: <{job.id[:15]}>, please 'Close' / "
                           "'Abort' / 'Delete' the current Job then create a new Job and make sure you only do 'PUT' "
                           "once on a given Job.")
        data = await request.body()
        if len(data) > MAX_UPLOAD_BYTES:
            raise ApiError(400, "API_ERROR", "Request body exceeds the maximum of 150 MB of CSV data per job")
        try:
            job.upload = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ApiError(400, "API_ERROR", "CSV data must be UTF-8") from exc
        return Response(status_code=201)

    @guard
    async def bulk_ingest_state(request: Request, call: Call) -> Response:
        job = job_or_404(request)
        state = (await read_object(request)).get("state")
        if state == "UploadComplete":
            if job.state != "Open":
                raise ApiError(400, "INVALIDJOB", f"InvalidJob : Job state {job.state} can not become UploadComplete")
            if job.upload is None:
                job.state, job.error_message = "Failed", "InvalidBatch : No data uploaded for the job"
                return JSONResponse(job.info(full=False))
            jobs.set_state(job, "UploadComplete")
        elif state == "Aborted":
            if job.state in FINAL:
                raise ApiError(400, "INVALIDJOB", f"InvalidJob : Job state {job.state} can not become Aborted")
            jobs.set_state(job, "Aborted")
            if job.columns is not None:  # aborted half-way: the rows not reached are unprocessed
                job.unprocessed, job.todo = job.todo, []
            elif job.upload:
                try:
                    job.header, job.unprocessed = parse_upload(job.upload, job.delimiter)
                except JobFailure:
                    job.unprocessed = []
        else:
            raise ApiError(400, "API_ERROR", f"Invalid value: '{state}' supplied for property: 'state'")
        return JSONResponse(job.info(full=False))

    @guard
    async def bulk_ingest_info(request: Request, call: Call) -> Response:
        return JSONResponse(job_or_404(request).info())

    @guard
    async def bulk_ingest_delete(request: Request, call: Call) -> Response:
        job = job_or_404(request)
        if job.state not in (*FINAL, "UploadComplete"):
            raise ApiError(400, "INVALIDJOB", f"InvalidJob : Cannot delete a job in state {job.state}")
        del jobs.jobs[job.id]
        return Response(status_code=204)

    @guard
    async def bulk_ingest_list(request: Request, call: Call) -> Response:
        records = [j.info() for j in jobs.jobs.values() if j.kind == "ingest"]
        return JSONResponse({"done": True, "records": records, "nextRecordsUrl": None})

    def finished(job: Job) -> None:
        if job.state not in FINAL:
            raise ApiError(412, "JOB_NOT_COMPLETE", f"Results are available once the job is complete. Current status: "
                           f"{job.state}")

    @guard
    async def bulk_ingest_successful_results(request: Request, call: Call) -> Response:
        job = job_or_404(request)
        finished(job)
        return _csv(job, ["sf__Id", "sf__Created"], job.successful)

    @guard
    async def bulk_ingest_failed_results(request: Request, call: Call) -> Response:
        job = job_or_404(request)
        finished(job)
        return _csv(job, ["sf__Id", "sf__Error"], job.failures)

    @guard
    async def bulk_ingest_unprocessed_records(request: Request, call: Call) -> Response:
        job = job_or_404(request)
        finished(job)
        return _csv(job, [], job.unprocessed)

    i = "/services/data/v{version}/jobs/ingest"
    j = f"{i}/{{job_id}}"
    out: list[Route] = []
    for path, handler, methods in (
        (i, bulk_ingest_create, ["POST"]), (i, bulk_ingest_list, ["GET"]),
        (f"{j}/batches", bulk_ingest_upload, ["PUT"]),
        (f"{j}/successfulResults", bulk_ingest_successful_results, ["GET"]),
        (f"{j}/failedResults", bulk_ingest_failed_results, ["GET"]),
        (f"{j}/unprocessedrecords", bulk_ingest_unprocessed_records, ["GET"]),
        (f"{j}/unprocessedRecords", bulk_ingest_unprocessed_records, ["GET"]),
        (j, bulk_ingest_info, ["GET"]), (j, bulk_ingest_state, ["PATCH"]), (j, bulk_ingest_delete, ["DELETE"]),
    ):
        out += [Route(path, handler, methods=methods), Route(path + "/", handler, methods=methods)]
    return out
