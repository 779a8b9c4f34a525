"""The OpenAPI document's pages at /api/docs: Swagger UI from the vendored copy (no CDN) started by a script file
(the Content-Security-Policy allows no inline script)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates


def router(templates: Jinja2Templates) -> APIRouter:
    docs = APIRouter(include_in_schema=False)

    @docs.get("/api/docs")
    def api_docs(request: Request) -> Response:
        return templates.TemplateResponse(request, "api_docs.html", {"openapi_url": "/api/openapi.json"})

    return docs
