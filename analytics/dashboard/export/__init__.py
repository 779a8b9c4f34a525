"""Exports of a built dashboard (issue 19): the same ``Dashboard`` the page shows, for the same user's scope and view,
as an XLSX workbook or PPTX deck with native, editable charts, or as the page's print variant in PDF (rendered by
the web face from the page's own template blocks, charts drawn by vl-convert). Each takes the built dashboard and
gives bytes; the web layer only parses the request and sends them."""

from analytics.dashboard.export.common import FORMATS, ExportFormat, filename
from analytics.dashboard.export.pdf import to_pdf
from analytics.dashboard.export.slides import to_pptx
from analytics.dashboard.export.workbook import to_xlsx

__all__ = ["FORMATS", "ExportFormat", "filename", "to_pdf", "to_pptx", "to_xlsx"]
