"""Every failure as an answer a person can act on: JSON ``{"error": {"code", "message"}}`` under /api, an HTML page
elsewhere; never a traceback (it goes to the log). The mapping from error class to status is data (ERRORS)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from access import AccountError, NoScope, NotPermitted, SignInRefused, SignInThrottled, TokenRefused
from analytics.kpi.errors import KpiNotComputable, KpiRequestError
from analytics.kpi.registry import UnknownCode
from errors import AuthError, ConfigError, CrmhubError
from web import security

log = logging.getLogger("crmhub.web")


class SignInNeeded(Exception):
    """A page asked for by nobody signed in: the answer is the sign-in page (an API call gets 401)."""


# First match wins: subclasses before their bases.
ERRORS: Sequence[tuple[type[Exception], int, str]] = (
    (UnknownCode, 404, "not_found"),
    (KpiNotComputable, 422, "not_computable"),
    (KpiRequestError, 422, "bad_request"),
    (NoScope, 403, "no_scope"),
    (NotPermitted, 403, "forbidden"),
    (SignInThrottled, 429, "too_many_attempts"),
    (SignInRefused, 401, "unauthorized"),
    (TokenRefused, 401, "unauthorized"),
    (AccountError, 422, "bad_request"),
    (AuthError, 401, "unauthorized"),
    (ConfigError, 422, "bad_request"),
    (CrmhubError, 500, "failed"),
)
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 422: "bad_request", 429: "too_many_attempts", 500: "internal"}
NOT_FOUND = "no such page or endpoint: /api/docs lists the API's endpoints"


def install(app: FastAPI, templates: Jinja2Templates, *, https: bool) -> None:
    def answer(request: Request, status: int, code: str, message: str,
               headers: dict[str, str] | None = None) -> Response:
        response: Response
        if request.url.path.startswith("/api"):
            response = JSONResponse({"error": {"code": code, "message": message}}, status_code=status,
                                    headers=headers)
        else:
            response = templates.TemplateResponse(request, "error.html", {"status": status, "message": message,
                                                  "title": HTTPStatus(status).phrase}, status_code=status)
        security.apply(response.headers, https=https)
        return response

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        message = NOT_FOUND if exc.status_code == 404 and exc.detail == "Not Found" else str(exc.detail)
        if exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}: /api/docs lists what is"
        return answer(request, exc.status_code, CODES.get(exc.status_code, "error"), message,
                      dict(exc.headers or {}))

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return answer(request, 422, "bad_request", "; ".join(_problem(e) for e in exc.errors()))

    async def on_crmhub(request: Request, exc: Exception) -> Response:
        for kind, status, code in ERRORS:
            if isinstance(exc, kind):
                headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
                if isinstance(exc, SignInThrottled):
                    headers = {"Retry-After": str(exc.retry_after_seconds)}
                return answer(request, status, code, getattr(exc, "message", str(exc)), headers)
        return await on_unexpected(request, exc)

    async def on_sign_in_needed(request: Request, exc: Exception) -> Response:
        response = RedirectResponse("/sign-in", status_code=303)
        security.apply(response.headers, https=https)
        return response

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return answer(request, 500, "internal", "the server failed on this request; the error is logged for the "
                                                "administrator")

    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(CrmhubError, on_crmhub)
    app.add_exception_handler(SignInNeeded, on_sign_in_needed)
    app.add_exception_handler(Exception, on_unexpected)


def _problem(error: Any) -> str:
    """One validation problem as ``where: what`` (e.g. ``query.limit: Input should be less than or equal to 500``);
    the value sent is not echoed back."""
    loc = ".".join(str(part) for part in error.get("loc", ()))
    hint = " (a date is YYYY-MM-DD)" if str(error.get("type", "")).startswith(("date", "datetime")) else ""
    return f"{loc}: {error.get('msg', 'invalid')}{hint}"
