"""``create_app``: seed the organisation and wire the Entra ID endpoints, the Web API and the admin routes."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.common.admin import Harness, harness_routes
from sandbox.common.people import seed_end
from sandbox.dynamics.admin import admin_routes
from sandbox.dynamics.admin_edits import Creator
from sandbox.dynamics.auth import EntraError, EntraId
from sandbox.dynamics.config import Settings
from sandbox.dynamics.generator import Generator
from sandbox.dynamics.limits import Limits, ServiceProtection
from sandbox.dynamics.records import Records
from sandbox.dynamics.render import Renderer
from sandbox.dynamics.services import Services
from sandbox.dynamics.store import Store
from sandbox.dynamics.tracking import ChangeTracker
from sandbox.dynamics.webapi import build_web_api

WEB_API_METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE"]


def _base(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def entra_routes(entra: EntraId, harness: Harness) -> list[Route]:
    def failed(exc: EntraError) -> JSONResponse:
        return JSONResponse(exc.body(harness.clock.now()), status_code=exc.status)

    async def get_token(request: Request) -> JSONResponse:
        try:
            return JSONResponse(entra.token(request.path_params["tenant"], await request.body(),
                                            request.headers.get("authorization"), _base(request)))
        except EntraError as exc:
            return failed(exc)

    async def openid_configuration(request: Request) -> JSONResponse:
        try:
            return JSONResponse(entra.openid_configuration(request.path_params["tenant"], _base(request)))
        except EntraError as exc:
            return failed(exc)

    async def instance_discovery(request: Request) -> JSONResponse:
        try:
            return JSONResponse(entra.instance_discovery(request.query_params.get("authorization_endpoint"),
                                                         _base(request)))
        except EntraError as exc:
            return failed(exc)

    async def signing_keys(_: Request) -> JSONResponse:
        return JSONResponse({"keys": []})  # tokens are for this sandbox only: nobody else should validate them

    return [
        Route("/common/discovery/instance", instance_discovery, methods=["GET"]),
        Route("/{tenant}/oauth2/v2.0/token", get_token, methods=["POST"]),
        Route("/{tenant}/v2.0/.well-known/openid-configuration", openid_configuration, methods=["GET"]),
        Route("/{tenant}/discovery/v2.0/keys", signing_keys, methods=["GET"]),
    ]


def create_app(*, seed: int, scale: int, profile: str, options: dict[str, str], harness: Harness) -> Starlette:
    settings = Settings.from_options(options, profile)
    store = Store(seed=seed)
    clock = harness.clock
    generator = Generator(seed=seed, scale=scale, store=store, client_id=settings.client_id,
                          end=seed_end(settings.data_end, clock.now(), sandbox="dynamics"))
    org = generator.run()
    svc = Services(
        settings=settings, harness=harness, store=store,
        records=Records(store=store, now=lambda: int(clock.now().timestamp()), system_user=org.system_user),
        renderer=Renderer(store),
        tracker=ChangeTracker(store=store, now=clock.now, retention_s=settings.delta_retention_s,
                              tracked=settings.change_tracking | frozenset(org.custom_tracked)),
        org=org,
    )
    entra = EntraId(settings=settings, now=clock.now, app_user=org.app_user)
    protection = ServiceProtection(
        limits=Limits(requests=settings.request_limit, execution_ms=settings.execution_limit_ms,
                      concurrent=settings.concurrency_limit, window_s=settings.window_s,
                      enforced=settings.enforce_limits, latency_ms=settings.latency_ms),
        now=clock.now,
    )
    creator = Creator(store=store, population=generator.population, scale=scale, seed=seed)
    web_api = build_web_api(svc=svc, entra=entra, protection=protection)

    async def service_root(request: Request) -> Response:
        return await web_api(request)

    routes = [
        *harness_routes(harness),
        *admin_routes(svc=svc, entra=entra, protection=protection, creator=creator),
        *entra_routes(entra, harness),
        Route("/api/data/v9.2/{path:path}", web_api, methods=WEB_API_METHODS),
        Route("/api/data/v9.2", service_root, methods=["GET"]),
    ]
    return Starlette(routes=routes)
