"""``GET /api/v1/dashboard``: the dashboard page's numbers as JSON (tiles with trends, drill rows or the rep's deals,
"as of"), for the caller's scope, from the same ``analytics.dashboard.build`` the page calls; and
``GET /api/v1/dashboard/export?format=pdf|xlsx|pptx``: the same dashboard as a file (web/export_dashboard.py)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from analytics.dashboard import ViewState, build, parse_view
from analytics.dashboard.export import FORMATS
from web.auth import Caller, api_caller, services
from web.export_dashboard import export_response
from web.routes_dashboard import sources_of


def view_of(request: Request,
            level: str = Query("company", description="company, region, team or rep."),
            member: str | None = Query(None, description="The member at the level (a region, a team's name, a "
                                                         "rep's crm_user id); none at company level."),
            region: str | None = Query(None, description="The region above a team or rep level, if chosen."),
            team: str | None = Query(None, description="The team above the rep level, if chosen."),
            period: str = Query("month", description="The trend's grain: week, month, quarter, fiscal_quarter."),
            from_: date | None = Query(None, alias="from", description="First day counted (YYYY-MM-DD); default: "
                                                                        "four whole fiscal quarters back."),
            to: date | None = Query(None, description="First day not counted (YYYY-MM-DD): [from, to).")
            ) -> ViewState:
    """The view state of the query (checked by ``parse_view``: a bad one is a 422 naming the parameter)."""
    web = services(request)
    params = {"level": level, "member": member or "", "region": region or "", "team": team or "",
              "period": period, "from": from_.isoformat() if from_ else "", "to": to.isoformat() if to else ""}
    return parse_view(params, now=web.now(), settings=web.kpi_settings)


def router(templates: Jinja2Templates) -> APIRouter:
    api = APIRouter(prefix="/api/v1", tags=["v1"])

    @api.get("/dashboard", summary="The sales dashboard: tiles, trends and the drill-down, for the caller's scope")
    def dashboard(request: Request, caller: Caller = Depends(api_caller),  # first: who asks, then what
                  view: ViewState = Depends(view_of)) -> dict[str, Any]:
        return build(sources_of(request), view, caller.as_user).as_dict()

    @api.get("/dashboard/export", summary="The sales dashboard as a PDF, XLSX or PPTX file, for the caller's scope",
             response_class=Response,
             responses={200: {"content": {kind.media_type: {} for kind in FORMATS.values()}},
                        422: {"description": "A bad view or format"}})
    def export(request: Request, caller: Caller = Depends(api_caller),
               format: Literal["pdf", "xlsx", "pptx"] = Query(
                   ..., description="pdf (the print page), xlsx or pptx (native, editable charts)."),
               view: ViewState = Depends(view_of)) -> Response:
        board = build(sources_of(request), view, caller.as_user)
        return export_response(request, templates, board, format, services(request).kpi_settings.currency)

    return api
