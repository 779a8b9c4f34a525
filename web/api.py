"""REST under /api/v1: who am I, the KPI registry (list, show) and a KPI's values at a grain for the caller's
scope, through analytics.kpi.query.compute: the path ``crmhub kpi compute`` takes. Lists share one envelope:
``{"items": [...], "total": n, "limit": l, "offset": o}``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from analytics.kpi.errors import KpiRequestError
from analytics.kpi.present import parse_filters, records
from analytics.kpi.query import KpiRequest, compute, parse_grain
from analytics.kpi.registry import UnknownCode
from analytics.kpi.views import detail, select_kpis, summary
from web.auth import Caller, api_caller, services

MAX_LIMIT = 1000


def page(items: Sequence[Any], limit: int, offset: int) -> dict[str, Any]:
    return {"items": list(items[offset:offset + limit]), "total": len(items), "limit": limit, "offset": offset}


def _limit(default: int = 100) -> Any:
    return Query(default, ge=1, le=MAX_LIMIT, description=f"At most this many items (1 to {MAX_LIMIT}).")


def _offset() -> Any:
    return Query(0, ge=0, description="Skip this many items first.")


router = APIRouter(prefix="/api/v1", tags=["v1"])


@router.get("/me", summary="The caller: account, role and scope")
def me(caller: Caller = Depends(api_caller)) -> dict[str, Any]:
    return {"account": caller.account.public(), "as_user": caller.as_user, "via": caller.via}


@router.get("/kpis", summary="The KPI registry, filtered by module and status")
def list_kpis(request: Request, module: str | None = Query(None, description="Only this module's KPIs."),
              status: str | None = Query(None, description="computed, needs_data or not_computable."),
              limit: int = _limit(), offset: int = _offset(), caller: Caller = Depends(api_caller)) -> dict[str, Any]:
    try:
        kpis = select_kpis(services(request).registry, module=module, status=status)
    except UnknownCode as exc:  # a filter value, not a missing resource
        raise KpiRequestError(exc.message) from None
    return page([summary(kpi) for kpi in kpis], limit, offset)


@router.get("/kpis/{code}", summary="One KPI: definition, modules, measures in words, status")
def show_kpi(request: Request, code: str, caller: Caller = Depends(api_caller)) -> dict[str, Any]:
    web = services(request)
    return detail(web.registry.kpi(code), web.registry, web.catalog)


@router.get("/kpis/{code}/values", summary="A KPI's values at a grain, for the caller's scope")
def kpi_values(request: Request, code: str,
               grain: str = Query("", description="Dimensions and at most one period, comma-separated "
                                                  "(rep,month); empty: the total."),
               from_: date | None = Query(None, alias="from", description="First day counted (YYYY-MM-DD)."),
               to: date | None = Query(None, description="First day not counted (YYYY-MM-DD): [from, to)."),
               filter_: list[str] = Query([], alias="filter", description="DIMENSION=MEMBER[,MEMBER...]"),
               limit: int = _limit(), offset: int = _offset(),
               caller: Caller = Depends(api_caller)) -> dict[str, Any]:
    web = services(request)
    kpi = web.registry.kpi(code)
    dimensions, period = parse_grain(grain)
    wanted = KpiRequest(kpi.code, dimensions, period, from_, to, parse_filters(filter_), caller.as_user)
    result = compute(web.engine, kpi, wanted, catalog=web.catalog, settings=web.kpi_settings)
    rows = records(result, period, web.kpi_settings.fiscal_year_start_month)
    return {"code": result.code, "name": result.name, "unit": result.unit, "source": result.source,
            "grain": {"dimensions": list(dimensions), "period": period}, "as_user": caller.as_user,
            "warnings": list(result.warnings), **page(rows, limit, offset)}
