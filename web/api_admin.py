"""The admin console's API under ``/api/v1/admin``: runs, quarantine by rule and its records, the write-back's state
and dead letters (readers: admin, revenue_ops, auditor), and the two actions, replay and retry (admin only; with an
API token: a browser posts the console's forms, which carry their form token)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from access import CONSOLE_READERS, NotPermitted, require_role
from sync import admin
from sync.admin_connections import connections_view
from web import admin_actions
from web.auth import Caller, api_caller, services

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


def reader(caller: Caller = Depends(api_caller)) -> Caller:
    require_role(caller.account, CONSOLE_READERS, "the admin console")
    return caller


def actor(caller: Caller = Depends(api_caller)) -> Caller:
    if caller.via != "token":
        raise NotPermitted("an admin action through the API needs an API token (Authorization: Bearer); in the "
                           "browser, use the console's buttons")
    return caller


@router.get("/runs", summary="Recent sync runs with their reconciliation counts, newest first")
def runs(request: Request, _: Caller = Depends(reader),
         connection: str | None = Query(None, description="Only this connection's runs."),
         limit: int = Query(50, ge=1, le=500)) -> dict[str, Any]:
    return {"items": admin.recent_runs(services(request).engine, connection=connection, limit=limit)}


@router.get("/quarantine", summary="Open quarantined records per connection, object and rule")
def quarantine(request: Request, _: Caller = Depends(reader)) -> dict[str, Any]:
    return {"items": admin.quarantine_by_rule(services(request).engine)}


@router.get("/quarantine/records", summary="One page of open quarantined records, with payload and reasons")
def quarantine_records(request: Request, _: Caller = Depends(reader),
                       connection: str | None = None, object: str | None = None, rule: str | None = None,
                       after_id: int = Query(0, ge=0, description="The last id of the previous page."),
                       limit: int = Query(admin.PAGE, ge=1, le=1000)) -> dict[str, Any]:
    items = admin.quarantined(services(request).engine, connection=connection, object=object, rule=rule,
                              after_id=after_id, limit=limit)
    return {"items": items, "next_after_id": items[-1]["id"] if len(items) == limit else None}


@router.get("/quarantine/{record_id}", summary="One quarantined record, whatever its status")
def quarantine_record(request: Request, record_id: int, _: Caller = Depends(reader)) -> dict[str, Any]:
    found = admin.quarantined_record(services(request).engine, record_id)
    if found is None:
        raise HTTPException(404, f"no quarantined record {record_id}")
    return found


@router.post("/quarantine/replay", summary="Map and check open quarantined records again; land those that pass")
def replay(request: Request, caller: Caller = Depends(actor), connection: str | None = None,
           rule: str | None = None) -> dict[str, Any]:
    return admin_actions.replay(services(request), caller.account, connection=connection, rule=rule)


@router.get("/writeback", summary="The write-back ledger and open dead letters per connection, object, field set")
def writeback(request: Request, _: Caller = Depends(reader)) -> dict[str, Any]:
    return {"items": admin.writeback_status(services(request).engine)}


@router.get("/writeback/dead-letters", summary="Open dead letters of the write-back, oldest first")
def dead_letters(request: Request, _: Caller = Depends(reader), connection: str | None = None,
                 limit: int = Query(admin.PAGE, ge=1, le=1000)) -> dict[str, Any]:
    return {"items": admin.dead_letters(services(request).engine, connection=connection, limit=limit)}


@router.post("/writeback/retry", summary="Re-send a connection's retryable dead letters")
def retry(request: Request, connection: str, caller: Caller = Depends(actor)) -> dict[str, Any]:
    return admin_actions.retry(services(request), caller.account, connection=connection)


@router.get("/connections", summary="The configured connections: objects, schedules, last runs, cursors, write-back")
def connections(request: Request, _: Caller = Depends(reader)) -> dict[str, Any]:
    web = services(request)
    return {"items": connections_view(web.engine, admin_actions.config_of(web, "the connections list"))}


@router.post("/connections/{name}/check", summary="Check a connection's credentials and API limits")
def check(request: Request, name: str, caller: Caller = Depends(actor)) -> dict[str, Any]:
    return admin_actions.check(services(request), caller.account, connection=name)
