"""``create_app``: the FastAPI application of ``crmhub serve`` built from explicit dependencies (the store, the KPI
settings, the session secret, a clock), so a test builds one on a throwaway store and a fake clock."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from argon2 import PasswordHasher
from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine

from access import Accounts, SessionRules, SignIn, Tokens
from access.accounts import Clock, utc_now
from analytics.kpi.catalog import Catalog
from analytics.kpi.loader import shipped_kpi_registry
from analytics.kpi.registry import KpiRegistry
from config.models.kpi import KpiSettings
from errors import ConfigError
from web import api, api_dashboard, docs, errors, pages, routes_dashboard, security
from web.services import WebServices
from web.session import COOKIE, SessionCodec

HERE = Path(__file__).parent
MIN_SECRET = 32
SECRET_VARIABLE = "CRMHUB_WEB_SECRET"


def create_app(engine: Engine, *, secret: str, kpi_settings: KpiSettings | None = None,
               rules: SessionRules | None = None, clock: Clock = utc_now, hasher: PasswordHasher | None = None,
               registry: KpiRegistry | None = None, catalog: Catalog | None = None,
               https: bool = False) -> FastAPI:
    """The application. ``secret`` signs the session cookies ({SECRET_VARIABLE}, at least 32 characters);
    ``https`` when it is served over TLS (the cookie is then Secure and HSTS is sent)."""
    if len(secret) < MIN_SECRET:
        raise ConfigError(f"{SECRET_VARIABLE}: the session secret needs at least {MIN_SECRET} characters (e.g. "
                          f"`python -c 'import secrets; print(secrets.token_urlsafe(48))'`)")
    web = WebServices(engine=engine, accounts=Accounts(engine, hasher=hasher, clock=clock),
                      signin=SignIn(engine, hasher=hasher, clock=clock), tokens=Tokens(engine, clock=clock),
                      registry=registry or shipped_kpi_registry(), catalog=catalog or Catalog.load(),
                      kpi_settings=kpi_settings or KpiSettings(), rules=rules or SessionRules(), clock=clock,
                      secure_cookies=https)
    app = FastAPI(title="crmhub", version="1", docs_url=None, redoc_url=None, openapi_url="/api/openapi.json",
                  description="The crmhub API: authenticate with `Authorization: Bearer <API token>` "
                              "(`crmhub tokens create`) or a signed-in browser session.")
    app.state.services = web
    templates = Jinja2Templates(directory=HERE / "templates")
    errors.install(app, templates, https=https)
    app.include_router(api.router)
    app.include_router(docs.router(templates))
    app.include_router(pages.router(templates))
    app.include_router(api_dashboard.router)
    app.include_router(routes_dashboard.router(templates))
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _sessions(app, web, SessionCodec(secret))
    return app


def _sessions(app: FastAPI, web: WebServices, codec: SessionCodec) -> None:
    """Reads the session cookie before each request (ending a timed-out one), writes it back after (last seen now),
    and sets the security headers."""

    @app.middleware("http")
    async def session_and_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        cookie = request.cookies.get(COOKIE)
        session = codec.loads(cookie)
        now = web.now()
        if (session.account_id or session.pending_id) and not session.is_live(web.rules, now):
            session.clear()
            session.expired = True
        request.state.session = session
        response = await call_next(request)
        if session.account_id is not None:  # now, after the request: a sign-in during it set its own times
            session.last_seen_at = max(now.timestamp(), session.last_seen_at or 0.0)
        # An API call with a token needs no cookie; a browser's (it sent one) keeps it fresh.
        if cookie is not None or not request.url.path.startswith("/api"):
            response.set_cookie(COOKIE, codec.dumps(session), httponly=True, samesite="lax", secure=web.secure_cookies,
                                path="/")
        security.apply(response.headers, https=web.secure_cookies)
        return response
