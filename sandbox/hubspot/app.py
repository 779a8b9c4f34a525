"""``create_app``: the HubSpot sandbox's state, seeded data and routes (API, OAuth, admin)."""

from __future__ import annotations

import gc
import logging
import time

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.common.admin import Harness, harness_routes
from sandbox.common.people import Population, seed_end
from sandbox.hubspot.admin import AdminApi
from sandbox.hubspot.admin_edits import PersonEdits
from sandbox.hubspot.api_associations import AssociationsApi
from sandbox.hubspot.api_batch import BatchApi
from sandbox.hubspot.api_objects import ObjectsApi
from sandbox.hubspot.api_owners import OwnersApi
from sandbox.hubspot.api_pipelines import PipelinesApi
from sandbox.hubspot.api_properties import PropertiesApi
from sandbox.hubspot.api_schemas import SchemasApi
from sandbox.hubspot.api_search import SearchApi
from sandbox.hubspot.auth import Auth
from sandbox.hubspot.catalog import STANDARD_CREATED_MS, standard_schemas, standard_types
from sandbox.hubspot.errors import error_body
from sandbox.hubspot.generator import generate
from sandbox.hubspot.limits import RateLimits
from sandbox.hubspot.owners import make_owners
from sandbox.hubspot.pipelines import Pipelines
from sandbox.hubspot.render import Renderer
from sandbox.hubspot.search import SearchEngine
from sandbox.hubspot.settings import Settings
from sandbox.hubspot.store import Store
from sandbox.hubspot.web import Guard

log = logging.getLogger("sandbox.hubspot")


def build_store(*, seed: int, scale: int, settings: Settings, harness: Harness) -> tuple[Store, Population]:
    owners = make_owners(seed)
    pipelines = Pipelines.standard(STANDARD_CREATED_MS)
    store = Store(schemas=standard_schemas(owners, pipelines), types=standard_types(), pipelines=pipelines,
                  owners=owners, clock=harness.clock, lag_ms=settings.search_lag_ms, portal_id=settings.portal_id)
    population = Population(seed, scale, end=seed_end(settings.data_end, harness.clock.now(), sandbox="hubspot"))
    gc.disable()  # millions of long-lived objects: generational passes over them would only cost time
    try:
        generate(store, population=population, seed=seed, settings=settings)
    finally:
        gc.enable()
    gc.freeze()  # and keep later collections (during requests) from rescanning the seeded data
    return store, population


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    category = "OBJECT_NOT_FOUND" if status == 404 else "VALIDATION_ERROR"
    return JSONResponse(error_body(f"{request.method} {request.url.path}: {status} {getattr(exc, 'detail', '')}",
                                   category), status_code=status)


def create_app(*, seed: int, scale: int, profile: str, options: dict[str, str], harness: Harness) -> Starlette:
    started = time.monotonic()
    settings = Settings.from_options(options, profile=profile)
    store, population = build_store(seed=seed, scale=scale, settings=settings, harness=harness)
    auth = Auth(settings=settings, clock=harness.clock)
    limits = RateLimits(settings=settings, clock=harness.clock)
    guard = Guard(auth=auth, limits=limits)
    render = Renderer(store)

    async def oauth_token(request: Request) -> Response:
        return await auth.token(request)

    async def get_access_token(request: Request) -> Response:
        return auth.token_info(request.path_params["token"])

    async def revoke_oauth(request: Request) -> Response:
        body = await request.json() if await request.body() else {}
        return auth.revoke_refresh_token(bool(body.get("revoked", True)))

    routes: list[Route] = [
        *harness_routes(harness),
        *AdminApi(store=store, render=render, edits=PersonEdits(store, population), settings=settings).routes(),
        Route("/oauth/v1/token", oauth_token, methods=["POST"]),
        Route("/oauth/v1/access-tokens/{token}", get_access_token, methods=["GET"]),
        Route("/_admin/oauth/revoke", revoke_oauth, methods=["POST"]),
        *SearchApi(store=store, render=render, engine=SearchEngine(store)).routes(guard),
        *BatchApi(store=store, render=render).routes(guard),
        *ObjectsApi(store=store, render=render).routes(guard),
        *PropertiesApi(store=store).routes(guard),
        *PipelinesApi(store=store).routes(guard),
        *SchemasApi(store=store).routes(guard),
        *AssociationsApi(store=store).routes(guard),
        *OwnersApi(store=store, settings=settings, limits=limits).routes(guard),
    ]
    log.warning("hubspot sandbox ready: seed=%s scale=%s profile=%s, %s contacts, in %.1fs", seed, scale, profile,
                len(store.tables["contacts"].live), time.monotonic() - started)
    return Starlette(routes=routes, exception_handlers={404: _http_error, 405: _http_error})
