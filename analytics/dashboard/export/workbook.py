"""The dashboard as an XLSX workbook (XlsxWriter): a sheet of tiles, one sheet per tile's trend with a native line
chart over its cells (editable in Excel, LibreOffice, Sheets), the drill rows or the rep's deals, and "About" (view,
scope, as of). Cells hold the numbers themselves with a number format that reads as the page does."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from analytics.dashboard.export.common import (
    TITLE,
    as_of_text,
    charted,
    period_title,
    range_text,
    scope_text,
    view_text,
)
from analytics.dashboard.numbers import excel_format, number_text
from analytics.dashboard.service import Dashboard
from analytics.dashboard.tiles import Tile

TILE_HEADER = ("Tile", "KPI", "Value", "Shown", "Source", "Note")
DEAL_HEADER = ("Deal", "Deal id", "Account", "Owner", "Owner id", "Stage", "Status", "Amount", "Currency",
               "Close date")
DATE_FORMAT = "yyyy-mm-dd"


def to_xlsx(board: Dashboard, *, currency: str) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    formats = _Formats(book, currency)
    _tiles(book.add_worksheet("Tiles"), board, formats, currency)
    for tile in board.tiles:
        _trend(book, book.add_worksheet(tile.code[:31]), tile, board, formats)
    if board.drill is not None:
        _drill(book.add_worksheet("Drill"), board, formats)
    else:
        _deals(book.add_worksheet("Deals"), board, formats)
    _about(book.add_worksheet("About"), board)
    book.close()
    return out.getvalue()


class _Formats:
    """One cell format per unit (XlsxWriter wants each made once per workbook)."""

    def __init__(self, book: Workbook, currency: str) -> None:
        self._book, self.currency = book, currency
        self._made: dict[str, Any] = {}
        self.bold = book.add_format({"bold": True})
        self.date = book.add_format({"num_format": DATE_FORMAT})
        self.amount = book.add_format({"num_format": "#,##0.00"})

    def unit(self, unit: str) -> Any:
        if unit not in self._made:
            self._made[unit] = self._book.add_format({"num_format": excel_format(unit, self.currency)})
        return self._made[unit]


def _tiles(sheet: Worksheet, board: Dashboard, formats: _Formats, currency: str) -> None:
    sheet.write_row(0, 0, TILE_HEADER, formats.bold)
    for row, tile in enumerate(board.tiles, start=1):
        sheet.write_row(row, 0, (tile.label, tile.code))
        _number(sheet, row, 2, tile.value, formats.unit(tile.unit))
        sheet.write_row(row, 3, (number_text(tile.value, tile.unit, currency), tile.source,
                                 "; ".join(filter(None, (tile.note, *tile.warnings)))))
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 22)
    sheet.set_column(2, 3, 16)


def _trend(book: Workbook, sheet: Worksheet, tile: Tile, board: Dashboard, formats: _Formats) -> None:
    sheet.write_row(0, 0, ("Period from", tile.label), formats.bold)
    for row, point in enumerate(tile.trend, start=1):
        sheet.write_datetime(row, 0, datetime.combine(point.period_start, datetime.min.time()), formats.date)
        _number(sheet, row, 1, point.value, formats.unit(tile.unit))
    sheet.set_column(0, 1, 16)
    if tile.note:
        sheet.write(0, 3, tile.note)
    if not charted(tile):
        return
    last = len(tile.trend)
    chart = book.add_chart({"type": "line"})
    assert chart is not None  # XlsxWriter returns None only for an unknown chart type
    chart.add_series({"name": [sheet.name, 0, 1], "categories": [sheet.name, 1, 0, last, 0],
                      "values": [sheet.name, 1, 1, last, 1], "marker": {"type": "circle"}})
    chart.set_title({"name": f"{tile.label} by {period_title(board)}"})
    chart.set_x_axis({"name": f"{period_title(board).capitalize()} from", "date_axis": True,
                      "num_format": DATE_FORMAT})
    chart.set_y_axis({"name": tile.label, "num_format": excel_format(tile.unit, formats.currency)})
    chart.set_legend({"none": True})
    chart.show_blanks_as("gap")  # a period without a value is a gap, as on the page, never 0
    sheet.insert_chart(1, 3, chart, {"x_scale": 1.4, "y_scale": 1.2})


def _drill(sheet: Worksheet, board: Dashboard, formats: _Formats) -> None:
    drill = board.drill
    assert drill is not None
    sheet.write_row(0, 0, (drill.dimension.capitalize(), "Member", *(c.label for c in drill.columns)), formats.bold)
    for row, found in enumerate(drill.rows, start=1):
        sheet.write_row(row, 0, (found.label, found.member))
        for col, column in enumerate(drill.columns, start=2):
            _number(sheet, row, col, found.values[column.code], formats.unit(column.unit))
    for offset, (code, note) in enumerate(drill.notes.items(), start=len(drill.rows) + 2):
        sheet.write(offset, 0, f"{code}: {note}")
    sheet.set_column(0, 1, 18)
    sheet.set_column(2, 1 + len(drill.columns), 16)


def _deals(sheet: Worksheet, board: Dashboard, formats: _Formats) -> None:
    sheet.write_row(0, 0, DEAL_HEADER, formats.bold)
    for row, deal in enumerate(board.deals, start=1):
        sheet.write_row(row, 0, (deal.name, deal.id, deal.account or "", deal.owner, deal.owner_id or "",
                                 deal.stage or "", deal.status))
        _number(sheet, row, 7, deal.amount, formats.amount)
        sheet.write(row, 8, deal.currency or "")
        if deal.close_date is not None:
            sheet.write_datetime(row, 9, datetime.combine(deal.close_date, datetime.min.time()), formats.date)
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 9, 14)


def _about(sheet: Worksheet, board: Dashboard) -> None:
    for row, pair in enumerate((("Title", TITLE), ("View", view_text(board)), ("Range", range_text(board)),
                                ("Scope", scope_text(board)), ("Data as of", as_of_text(board)))):
        sheet.write_row(row, 0, pair)
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 1, 80)


def _number(sheet: Worksheet, row: int, col: int, value: float | None, cell_format: Any) -> None:
    """A value, or a blank cell for no value (never 0: the page shows "—")."""
    if value is None:
        sheet.write_blank(row, col, None, cell_format)
    else:
        sheet.write_number(row, col, value, cell_format)
