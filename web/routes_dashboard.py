"""The sales dashboard's pages: ``GET /dashboard`` (the whole page) and its HTMX fragments ``/dashboard/tiles`` and
``/dashboard/drill`` (one block of the same template each, so a fragment is what the page shows), and its exports
``/dashboard/export.{pdf,xlsx,pptx}`` (web/export_dashboard.py). The view state is
the query string (analytics/dashboard/view.py); the numbers come from ``analytics.dashboard.build`` for the signed-in
account's scope. A bad view state is the error page with 422 (web/errors.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from access import Account, scope_of
from analytics.dashboard import Dashboard, DashboardSources, build, parse_view
from analytics.dashboard.charts import trend_spec
from analytics.dashboard.export import FORMATS
from analytics.dashboard.view import PERIOD_WORDS
from web.auth import page_account, services, session_of
from web.export_dashboard import export_response

BLOCKS = {"tiles": frozenset({"tiles"}), "drill": frozenset({"drill"})}  # fragment -> the parts it computes


def sources_of(request: Request) -> DashboardSources:
    web = services(request)
    return DashboardSources(web.engine, web.registry, web.catalog, web.kpi_settings)


def dashboard_of(request: Request, account: Account, parts: frozenset[str]) -> Dashboard:
    """The view in the request's query string, for ``account``'s scope (NoScope and bad views raise)."""
    as_user = scope_of(account)
    web = services(request)
    view = parse_view(dict(request.query_params), now=web.now(), settings=web.kpi_settings)
    return build(sources_of(request), view, as_user, parts=parts)


def router(templates: Jinja2Templates) -> APIRouter:
    pages = APIRouter(include_in_schema=False)

    def context(request: Request, account: Account, board: Dashboard) -> dict[str, Any]:
        period = PERIOD_WORDS[board.view.period]
        return {"request": request, "account": account, "csrf": session_of(request).csrf, "board": board,
                "view": board.view, "period_words": PERIOD_WORDS, "currency": services(request).kpi_settings.currency,
                "specs": {t.code: trend_spec(t, period_title=period) for t in board.tiles}}

    @pages.api_route("/dashboard", methods=["GET", "HEAD"])
    def dashboard(request: Request, account: Account = Depends(page_account)) -> Response:
        board = dashboard_of(request, account, frozenset({"tiles", "drill"}))
        return templates.TemplateResponse(request, "dashboard.html", context(request, account, board))

    @pages.get("/dashboard/export.{suffix}")
    def export(request: Request, suffix: str, account: Account = Depends(page_account)) -> Response:
        """The view as a file: /dashboard/export.pdf, .xlsx or .pptx with the page's query string."""
        if suffix not in FORMATS:
            return templates.TemplateResponse(request, "error.html", {
                "status": 404, "title": "Not Found", "message": f"no dashboard export {suffix!r}: "
                f"{', '.join(FORMATS)} are"}, status_code=404)
        board = dashboard_of(request, account, frozenset({"tiles", "drill"}))
        return export_response(request, templates, board, suffix, services(request).kpi_settings.currency)

    @pages.get("/dashboard/{fragment}")
    def fragment(request: Request, fragment: str, account: Account = Depends(page_account)) -> Response:
        parts = BLOCKS.get(fragment)
        if parts is None:
            return templates.TemplateResponse(request, "error.html", {
                "status": 404, "title": "Not Found", "message": f"no dashboard fragment {fragment!r}: "
                f"{', '.join(sorted(BLOCKS))} are"}, status_code=404)
        board = dashboard_of(request, account, parts)
        template = templates.env.get_template("dashboard.html")
        block = template.blocks[fragment]
        html = "".join(block(template.new_context(context(request, account, board))))
        return HTMLResponse(html)

    return pages
