"""The admin console's pages: ``/admin`` (recent runs and whether they reconcile, open quarantine by rule, the
write-back's state), ``/admin/quarantine`` (one rule's records, page by page), ``/admin/quarantine/{id}`` (one
record: payload and reasons), ``/admin/writeback/dead-letters``, ``/admin/connections`` (objects, schedules, last
runs, cursors), and the form posts that replay quarantined records, retry dead letters and check a connection
(web/admin_actions.py). Readers: admin, revenue_ops, auditor; actions: admin."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from access import CONSOLE_ACTORS, CONSOLE_READERS, Account, require_role
from sync import admin
from sync.admin_connections import connections_view
from web import admin_actions, csrf
from web.auth import page_account, services, session_of


def reader(account: Account = Depends(page_account)) -> Account:
    require_role(account, CONSOLE_READERS, "the admin console")
    return account


def router(templates: Jinja2Templates) -> APIRouter:
    pages = APIRouter(include_in_schema=False)

    def render(request: Request, name: str, account: Account, **context: Any) -> Response:
        return templates.TemplateResponse(request, name, {"csrf": session_of(request).csrf, "account": account,
                                                          "can_act": account.role in CONSOLE_ACTORS, **context})

    @pages.get("/admin")
    def overview(request: Request, account: Account = Depends(reader),
                 connection: str | None = Query(None)) -> Response:
        engine = services(request).engine
        runs = admin.recent_runs(engine, connection=connection, limit=30)
        return render(request, "admin.html", account, runs=runs, connection=connection,
                      rules=admin.quarantine_by_rule(engine), writeback=admin.writeback_status(engine))

    @pages.get("/admin/quarantine")
    def quarantine(request: Request, account: Account = Depends(reader), connection: str | None = Query(None),
                   object: str | None = Query(None), rule: str | None = Query(None),
                   after_id: int = Query(0, ge=0)) -> Response:
        records = admin.quarantined(services(request).engine, connection=connection, object=object, rule=rule,
                                    after_id=after_id)
        more = records[-1]["id"] if len(records) == admin.PAGE else None
        return render(request, "admin_quarantine.html", account, records=records, connection=connection,
                      object=object, rule=rule, next_after_id=more)

    @pages.get("/admin/quarantine/{record_id}")
    def record(request: Request, record_id: int, account: Account = Depends(reader)) -> Response:
        found = admin.quarantined_record(services(request).engine, record_id)
        if found is None:
            raise HTTPException(404, f"no quarantined record {record_id}")
        return render(request, "admin_record.html", account, record=found)

    @pages.get("/admin/writeback/dead-letters")
    def dead_letters(request: Request, account: Account = Depends(reader),
                     connection: str | None = Query(None)) -> Response:
        letters = admin.dead_letters(services(request).engine, connection=connection)
        return render(request, "admin_dead_letters.html", account, letters=letters, connection=connection)

    @pages.post("/admin/quarantine/replay", dependencies=[Depends(csrf.check)])
    def replay(request: Request, account: Account = Depends(page_account), connection: str = Form(""),
               rule: str = Form("")) -> Response:
        result = admin_actions.replay(services(request), account, connection=connection or None, rule=rule or None)
        return render(request, "admin_result.html", account, action="Replay", result=result,
                      what=f"connection {connection or 'all'}, rule {rule or 'all'}")

    @pages.post("/admin/writeback/retry", dependencies=[Depends(csrf.check)])
    def retry(request: Request, account: Account = Depends(page_account), connection: str = Form(...)) -> Response:
        result = admin_actions.retry(services(request), account, connection=connection)
        return render(request, "admin_result.html", account, action="Retry", result=result,
                      what=f"connection {connection}")

    @pages.get("/admin/connections")
    def connections(request: Request, account: Account = Depends(reader)) -> Response:
        web = services(request)
        found = connections_view(web.engine, admin_actions.config_of(web, "the connections page"))
        return render(request, "admin_connections.html", account, connections=found)

    @pages.post("/admin/connections/{name}/check", dependencies=[Depends(csrf.check)])
    def check(request: Request, name: str, account: Account = Depends(page_account)) -> Response:
        result = admin_actions.check(services(request), account, connection=name)
        return render(request, "admin_result.html", account, action="Check", result={"streams": [result]},
                      what=f"connection {name}")

    return pages
