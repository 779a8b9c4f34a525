"""``GET /api/v1/dashboard``: the dashboard page's numbers as JSON (tiles with trends, drill rows or the rep's deals,
"as of"), for the caller's scope, from the same ``analytics.dashboard.build`` the page calls."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from analytics.dashboard import build, parse_view
from web.auth import Caller, api_caller, services
from web.routes_dashboard import sources_of

router = APIRouter(prefix="/api/v1", tags=["v1"])


@router.get("/dashboard", summary="The sales dashboard: tiles, trends and the drill-down, for the caller's scope")
def dashboard(request: Request,
              level: str = Query("company", description="company, region, team or rep."),
              member: str | None = Query(None, description="The member at the level (a region, a team's name, a "
                                                           "rep's crm_user id); none at company level."),
              region: str | None = Query(None, description="The region above a team or rep level, if chosen."),
              team: str | None = Query(None, description="The team above the rep level, if chosen."),
              period: str = Query("month", description="The trend's grain: week, month, quarter, fiscal_quarter."),
              from_: date | None = Query(None, alias="from", description="First day counted (YYYY-MM-DD); default: "
                                                                          "four whole fiscal quarters back."),
              to: date | None = Query(None, description="First day not counted (YYYY-MM-DD): [from, to)."),
              caller: Caller = Depends(api_caller)) -> dict[str, Any]:
    web = services(request)
    params = {"level": level, "member": member or "", "region": region or "", "team": team or "",
              "period": period, "from": from_.isoformat() if from_ else "", "to": to.isoformat() if to else ""}
    view = parse_view(params, now=web.now(), settings=web.kpi_settings)
    return build(sources_of(request), view, caller.as_user).as_dict()
