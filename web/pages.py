"""The pages: sign in (password, then the TOTP code when enrolled), sign out, and the home page. Each form post
checks the form token first (web/csrf.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from access import CONSOLE_READERS, Account, Actor, NoScope, SignInRefused, SignInThrottled, scope_of
from analytics.kpi.views import census_document
from web import csrf
from web.auth import page_account, services, session_of, signed_in


def router(templates: Jinja2Templates) -> APIRouter:
    pages = APIRouter(include_in_schema=False)

    def render(request: Request, name: str, code: int = 200, **context: Any) -> Response:
        return templates.TemplateResponse(request, name, {"csrf": session_of(request).csrf, **context},
                                          status_code=code)

    @pages.api_route("/sign-in", methods=["GET", "HEAD"])  # HEAD: uptime checks
    def sign_in_form(request: Request) -> Response:
        if signed_in(request) is not None:
            return RedirectResponse("/", status_code=303)
        expired = session_of(request).expired
        return render(request, "sign_in.html", message="Your session ended after a while without use: sign in "
                                                       "again." if expired else None)

    @pages.post("/sign-in", dependencies=[Depends(csrf.check)])
    def sign_in(request: Request, username: str = Form(""), password: str = Form("")) -> Response:
        web = services(request)
        try:
            account = web.signin.password(username, password)
        except SignInRefused as exc:
            return _refused(render(request, "sign_in.html", _status(exc), message=exc.message, username=username),
                            exc)
        session = session_of(request)
        if account.mfa_enrolled:
            session.await_code(account.id, web.now())
            return RedirectResponse("/sign-in/code", status_code=303)
        session.sign_in(web.sessions.start(account), account.id)
        return RedirectResponse("/", status_code=303)

    @pages.api_route("/sign-in/code", methods=["GET", "HEAD"])  # HEAD: uptime checks
    def code_form(request: Request) -> Response:
        if session_of(request).pending_id is None:
            return RedirectResponse("/sign-in", status_code=303)
        return render(request, "sign_in_code.html")

    @pages.post("/sign-in/code", dependencies=[Depends(csrf.check)])
    def code(request: Request, code: str = Form("")) -> Response:
        web, session = services(request), session_of(request)
        if session.pending_id is None:
            return RedirectResponse("/sign-in", status_code=303)
        try:
            account = web.signin.code(session.pending_id, code)
        except SignInRefused as exc:
            return _refused(render(request, "sign_in_code.html", _status(exc), message=exc.message), exc)
        session.sign_in(web.sessions.start(account), account.id)
        return RedirectResponse("/", status_code=303)

    @pages.post("/sign-out", dependencies=[Depends(csrf.check)])
    def sign_out(request: Request) -> Response:
        session, account = session_of(request), signed_in(request)
        if session.session_id is not None and account is not None:  # ended in the store: every copy of the cookie
            services(request).sessions.end(session.session_id, actor=Actor(account.id, account.username))
        session.clear()
        return RedirectResponse("/sign-in", status_code=303)

    @pages.api_route("/", methods=["GET", "HEAD"])  # HEAD: uptime checks
    def home(request: Request, account: Account = Depends(page_account)) -> Response:
        try:
            scope = _scope_words(account)
        except NoScope as exc:
            return render(request, "error.html", 403, status=403, title="No scope", message=exc.message,
                          account=account)
        census = census_document(services(request).registry)
        return render(request, "home.html", account=account, scope=scope, census=census,
                      console=account.role in CONSOLE_READERS)

    return pages


def _scope_words(account: Account) -> str:
    as_user = scope_of(account)
    if as_user is None:
        return "every record (all teams and reps)"
    if account.role == "manager":
        return f"the records of your team and your own (CRM user {as_user})"
    return f"your own records (CRM user {as_user})"


def _status(refusal: SignInRefused) -> int:
    return 429 if isinstance(refusal, SignInThrottled) else 401


def _refused(response: Response, refusal: SignInRefused) -> Response:
    if isinstance(refusal, SignInThrottled):
        response.headers["Retry-After"] = str(refusal.retry_after_seconds)
    return response
