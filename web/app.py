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
from starlette.concurrency import run_in_threadpool

from access import Accounts, SessionRules, SignIn, Tokens, WebSessions
from access.accounts import Clock, utc_now
from analytics.dashboard.numbers import amount_text, number_text
from analytics.kpi.catalog import Catalog
from analytics.kpi.loader import shipped_kpi_registry
from analytics.kpi.registry import KpiRegistry
from config import CrmhubConfig
from config.models.kpi import KpiSettings
from errors import ConfigError
from web import api, api_admin, api_dashboard, docs, errors, pages, routes_admin, routes_dashboard, security
from web.services import WebServices
from web.session import COOKIE, SessionCodec

HERE = Path(__file__).parent
MIN_SECRET = 32
SECRET_VARIABLE = "CRMHUB_WEB_SECRET"


def create_app(engine: Engine, *, secret: str, kpi_settings: KpiSettings | None = None,
               rules: SessionRules | None = None, clock: Clock = utc_now, hasher: PasswordHasher | None = None,
               registry: KpiRegistry | None = None, catalog: Catalog | None = None,
               https: bool = False, secret_key: str | None = None, cfg: CrmhubConfig | None = None) -> FastAPI:
    """The application. ``secret`` signs the session cookies ({SECRET_VARIABLE}, at least 32 characters);
    ``https`` when it is served over TLS (the cookie is then Secure and HSTS is sent); ``secret_key`` is
    CRMHUB_SECRET_KEY, which decrypts the TOTP seeds (without it, accounts with a second factor cannot sign in);
    ``cfg`` is crmhub.yaml, which the admin console's replay and retry need."""
    if len(secret) < MIN_SECRET:
        raise ConfigError(f"{SECRET_VARIABLE}: the session secret needs at least {MIN_SECRET} characters (e.g. "
                          f"`python -c 'import secrets; print(secrets.token_urlsafe(48))'`)")
    rules = rules or SessionRules()
    web = WebServices(engine=engine,
                      accounts=Accounts(engine, hasher=hasher, clock=clock, secret_key=secret_key),
                      signin=SignIn(engine, hasher=hasher, clock=clock, secret_key=secret_key),
                      tokens=Tokens(engine, clock=clock),
                      sessions=WebSessions(engine, rules=rules, clock=clock),
                      registry=registry or shipped_kpi_registry(), catalog=catalog or Catalog.load(),
                      kpi_settings=kpi_settings or KpiSettings(), rules=rules, clock=clock, secure_cookies=https,
                      cfg=cfg, secret_key=secret_key)
    app = FastAPI(title="crmhub", version="1", docs_url=None, redoc_url=None, openapi_url="/api/openapi.json",
                  description="The crmhub API: authenticate with `Authorization: Bearer <API token>` "
                              "(`crmhub tokens create`) or a signed-in browser session.")
    app.state.services = web
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals.update(number_text=number_text, amount_text=amount_text)  # shared with the exports
    errors.install(app, templates, https=https)
    app.include_router(api.router)
    app.include_router(docs.router(templates))
    app.include_router(pages.router(templates))
    app.include_router(api_dashboard.router(templates))
    app.include_router(routes_dashboard.router(templates))
    app.include_router(api_admin.router)
    app.include_router(routes_admin.router(templates))
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _sessions(app, web, SessionCodec(secret))
    return app


def _sessions(app: FastAPI, web: WebServices, codec: SessionCodec) -> None:
    """Reads the session cookie before each request and looks its session up in the store (ending a timed-out one,
    refusing an ended one), writes the cookie back after, and sets the security headers."""

    @app.middleware("http")
    async def session_and_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        cookie = request.cookies.get(COOKIE)
        session = codec.loads(cookie)
        if session.session_id is not None:
            found = await run_in_threadpool(web.sessions.check, session.session_id)  # a store query: off the loop
            if found.account_id is None:
                session.clear()
                session.expired = found.timed_out
            session.account_id = found.account_id
        elif session.pending_id is not None and not session.pending_live(web.rules, web.now()):
            session.clear()
            session.expired = True
        request.state.session = session
        response = await call_next(request)
        # An API call with a token needs no cookie; a browser's (it sent one) keeps it.
        if cookie is not None or not request.url.path.startswith("/api"):
            response.set_cookie(COOKIE, codec.dumps(session), httponly=True, samesite="lax", secure=web.secure_cookies,
                                path="/")
        security.apply(response.headers, https=web.secure_cookies)
        return response
