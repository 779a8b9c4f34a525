"""The dashboard's exports as HTTP responses, shared by ``/dashboard/export.{pdf,xlsx,pptx}`` and
``/api/v1/dashboard/export``: the built dashboard goes to ``analytics.dashboard.export``; for the PDF the page's own
``tiles`` and ``drill`` blocks are rendered with the charts as SVG into the print template first."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from analytics.dashboard import Dashboard
from analytics.dashboard.charts import trend_svg
from analytics.dashboard.export import FORMATS, filename, to_pdf, to_pptx, to_xlsx
from analytics.dashboard.export.common import as_of_text, charted, period_title, range_text, scope_text
from analytics.dashboard.view import PERIOD_WORDS


def export_response(request: Request, templates: Jinja2Templates, board: Dashboard, suffix: str,
                    currency: str) -> Response:
    """``board`` as a ``suffix`` file (a key of FORMATS, checked by the caller), sent as an attachment."""
    if suffix == "xlsx":
        body = to_xlsx(board, currency=currency)
    elif suffix == "pptx":
        body = to_pptx(board, currency=currency)
    else:
        body = to_pdf(print_html(request, templates, board, currency), base_url=str(request.base_url))
    kind = FORMATS[suffix]
    return Response(body, media_type=kind.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename(board, kind.suffix)}"',
                             "Cache-Control": "no-store"})  # a user's scoped numbers: no shared cache keeps them


def print_html(request: Request, templates: Jinja2Templates, board: Dashboard, currency: str) -> str:
    page = templates.env.get_template("dashboard.html")
    svgs = {t.code: trend_svg(t, period_title=period_title(board)) for t in board.tiles if charted(t)}
    context: dict[str, Any] = {"request": request, "board": board, "view": board.view, "period_words": PERIOD_WORDS,
                               "currency": currency, "specs": {}, "svgs": svgs}
    blocks = {name: "".join(page.blocks[name](page.new_context(context))) for name in ("tiles", "drill")}
    heading = f"{range_text(board)}; {scope_text(board)}"
    return templates.env.get_template("dashboard_print.html").render(
        heading=heading, as_of=as_of_text(board), **blocks)
