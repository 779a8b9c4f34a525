"""The dashboard's print page to PDF (WeasyPrint). The HTML is the page's own template blocks rendered by the web
face with the charts as SVG (``charts.trend_svg``); WeasyPrint may fetch nothing (``data:`` URLs only), so a
printed dashboard reaches no server and the text in the HTML is the text in the PDF."""

from __future__ import annotations

from weasyprint import HTML, URLFetcher


def to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """``base_url`` makes the drill links in the PDF absolute; nothing is fetched from it."""
    fetcher = URLFetcher(allowed_protocols=("data",))
    pdf: bytes = HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()
    return pdf
