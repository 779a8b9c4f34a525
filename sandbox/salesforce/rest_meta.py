"""Versions, resources, ``limits`` and describe (global, basic info, full describe)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.salesforce.describe import describe_object, global_entry
from sandbox.salesforce.errors import ApiError
from sandbox.salesforce.fields import ObjectDef
from sandbox.salesforce.guard import Call, api, transport_refusal
from sandbox.salesforce.org import Org

_RELEASES = {50: "Winter '21", 51: "Spring '21", 52: "Summer '21", 53: "Winter '22", 54: "Spring '22",
             55: "Summer '22", 56: "Winter '23", 57: "Spring '23", 58: "Summer '23", 59: "Winter '24",
             60: "Spring '24", 61: "Summer '24", 62: "Winter '25"}


def _object(org: Org, name: str) -> ObjectDef:
    obj = org.catalog.get(name)
    if obj is None:
        raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")
    return obj


def routes(org: Org) -> list[Route]:
    guard = api(org)

    async def versions(request: Request) -> Response:
        refused = transport_refusal(org, request)
        if refused is not None:
            return refused
        return JSONResponse([{"label": _RELEASES[int(float(v))], "url": f"/services/data/v{v}", "version": v}
                             for v in org.versions()])

    @guard
    async def resources(request: Request, call: Call) -> Response:
        names = ("tooling", "metadata", "eclair", "folders", "prechatForms", "jsonxform", "chatter", "tabs",
                 "appMenu", "quickActions", "queryAll", "commerce", "wave", "iot", "analytics", "search", "identity",
                 "composite", "parameterizedSearch", "fingerprint", "theme", "nouns", "event", "serviceTemplates",
                 "recent", "connect", "licensing", "limits", "process", "async-queries", "query", "match",
                 "emailConnect",
                 "compactLayouts", "knowledgeManagement", "sobjects", "actions", "support", "jobs")
        return JSONResponse({n: f"{call.base}/{n}" for n in names})

    @guard
    async def limits(request: Request, call: Call) -> Response:
        def allocation(maximum: int, remaining: int | None = None) -> dict[str, int]:
            return {"Max": maximum, "Remaining": maximum if remaining is None else remaining}
        return JSONResponse({
            "ConcurrentAsyncGetReportInstances": allocation(200),
            "ConcurrentSyncReportRuns": allocation(20),
            "DailyApiRequests": allocation(org.api_usage.limit, org.api_usage.remaining()),
            "DailyAsyncApexExecutions": allocation(250000),
            "DailyBulkApiBatches": allocation(15000),
            "DailyBulkV2QueryFileStorageMB": allocation(976562),
            "DailyBulkV2QueryJobs": allocation(org.bulk_query_jobs.limit, org.bulk_query_jobs.remaining()),
            "DailyDurableStreamingApiEvents": allocation(10000),
            "DataStorageMB": allocation(1024, 1024 - len(org.store.tables["Account"].rows) // 500),
            "FileStorageMB": allocation(2048),
            "HourlyDashboardRefreshes": allocation(200),
            "HourlyODataCallout": allocation(10000),
            "SingleEmail": allocation(5000),
        })

    @guard
    async def describe_global(request: Request, call: Call) -> Response:
        return JSONResponse({"encoding": "UTF-8", "maxBatchSize": 200,
                             "sobjects": [global_entry(o, call.version) for o in org.catalog.objects]})

    @guard
    async def sobject_basic_info(request: Request, call: Call) -> Response:
        obj = _object(org, request.path_params["sobject"])
        return JSONResponse({"objectDescribe": global_entry(obj, call.version), "recentItems": []})

    @guard
    async def describe_sobject(request: Request, call: Call) -> Response:
        obj = _object(org, request.path_params["sobject"])
        return JSONResponse(describe_object(obj, catalog=org.catalog, formulas=org.formulas, version=call.version))

    base = "/services/data/v{version}"
    out = [Route("/services/data", versions, methods=["GET"]), Route("/services/data/", versions, methods=["GET"])]
    for path, handler in ((base, resources), (f"{base}/limits", limits), (f"{base}/sobjects", describe_global),
                          (f"{base}/sobjects/{{sobject}}", sobject_basic_info),
                          (f"{base}/sobjects/{{sobject}}/describe", describe_sobject)):
        out += [Route(path, handler, methods=["GET"]), Route(path + "/", handler, methods=["GET"])]
    return out
