"""How the dashboard writes a number: one function for the page (a Jinja global, web/app.py), the exports' text and
the tests, so a figure reads the same on screen, in a PDF, on a slide and in a workbook's "shown" column."""

from __future__ import annotations

# A KPI unit's text form and its Excel number format (the XLSX cells and PPTX charts stay numbers; the format
# makes them read as the page does). Definitions as data; a unit not here shows two decimals.
TEXT_FORMAT: dict[str, str] = {"currency": "{:,.0f} {currency}", "percent": "{:.1f} %", "count": "{:,.0f}"}
EXCEL_FORMAT: dict[str, str] = {"currency": '#,##0 "{currency}"', "percent": '0.0 "%"', "count": "#,##0"}
OTHER_TEXT, OTHER_EXCEL = "{:,.2f}", "#,##0.00"
NO_VALUE = "—"  # a rate over no closed deal, or a KPI the engine cannot compute at this cut


def number_text(value: float | None, unit: str, currency: str) -> str:
    """``value`` in ``unit`` as the page shows it: 1,300 EUR, 62.5 %, 1,204, or "—"."""
    if value is None:
        return NO_VALUE
    return TEXT_FORMAT.get(unit, OTHER_TEXT).format(value, currency=currency)


def excel_format(unit: str, currency: str) -> str:
    """The Excel number format that shows a cell of ``unit`` as ``number_text`` does."""
    return EXCEL_FORMAT.get(unit, OTHER_EXCEL).replace("{currency}", currency.replace('"', ""))


def amount_text(amount: float | None, currency: str | None) -> str:
    """A deal's amount as the CRM holds it, in the deal's own currency: 1,234.50 USD."""
    if amount is None:
        return NO_VALUE
    return f"{amount:,.2f} {currency or ''}".rstrip()
