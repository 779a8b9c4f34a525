"""``create_app``: seed the org, wire its parts, route the OAuth, REST, Bulk 2.0 and admin endpoints."""

from __future__ import annotations

from functools import partial

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from sandbox.common.admin import Harness, harness_routes
from sandbox.common.people import Population, seed_end
from sandbox.common.sfids import sfdc_id
from sandbox.salesforce import (
    admin,
    bulk_ingest,
    bulk_query,
    oauth,
    rest_composite,
    rest_meta,
    rest_query,
    rest_sobjects,
)
from sandbox.salesforce.bulk_jobs import BulkJobs
from sandbox.salesforce.bulk_process import process_ingest
from sandbox.salesforce.catalog import Catalog
from sandbox.salesforce.cursors import QueryCursors
from sandbox.salesforce.errors import error_response
from sandbox.salesforce.formulas import Formulas
from sandbox.salesforce.generator import seed as seed_org
from sandbox.salesforce.limits import RollingAllocation
from sandbox.salesforce.org import Org
from sandbox.salesforce.sessions import Sessions
from sandbox.salesforce.settings import Settings
from sandbox.salesforce.store import Store
from sandbox.salesforce.writes import Writer


def build_org(*, seed: int, scale: int, settings: Settings, harness: Harness) -> Org:
    now = harness.clock.now
    catalog = Catalog()
    store = Store(catalog=catalog, settings=settings, now=now)
    population = Population(seed, scale, end=seed_end(settings.data_end, now(), sandbox="salesforce"))
    seed_org(store=store, population=population, seed_value=seed, integration_username=settings.username,
             extra_accounts=settings.extra_accounts)
    org_id = sfdc_id("00D", seed)
    return Org(
        org_id=org_id, settings=settings, catalog=catalog, store=store, formulas=Formulas(store=store),
        writer=Writer(store=store, catalog=catalog),
        sessions=Sessions(org_id=org_id, ttl_s=settings.session_ttl_s, now=now),
        api_usage=RollingAllocation(limit=settings.daily_limit, enforce=settings.enforce_limits, now=now),
        bulk_query_jobs=RollingAllocation(limit=settings.daily_bulk_query_jobs, enforce=settings.enforce_limits,
                                          now=now),
        cursors=QueryCursors(ttl_s=settings.query_cursor_ttl_s, max_per_user=settings.max_query_cursors, now=now),
        now=now,
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if not request.url.path.startswith("/services/"):
        return PlainTextResponse(str(getattr(exc, "detail", "error")), status_code=status)
    if status == 405:
        return error_response(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{request.method}' not allowed")
    return error_response(status, "NOT_FOUND", "The requested resource does not exist")


def create_app(*, seed: int, scale: int, profile: str, options: dict[str, str], harness: Harness) -> Starlette:
    settings = Settings.from_options(profile=profile, options=options)
    org = build_org(seed=seed, scale=scale, settings=settings, harness=harness)
    jobs = BulkJobs(now=org.now, latency_s=settings.bulk_latency_s)
    jobs.processors = {"query": partial(bulk_query.process_query, org), "ingest": partial(process_ingest, org)}
    org.store.settle_hooks.append(jobs.advance)
    routes = [
        *harness_routes(harness), *admin.routes(org), *oauth.routes(org), *rest_meta.routes(org),
        *rest_query.routes(org), *rest_composite.routes(org), *bulk_query.routes(org, jobs),
        *bulk_ingest.routes(org, jobs), *rest_sobjects.routes(org),
    ]
    return Starlette(routes=routes, exception_handlers={404: _http_error, 405: _http_error})
