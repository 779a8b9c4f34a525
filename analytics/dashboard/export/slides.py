"""The dashboard as a PPTX deck (python-pptx): a title slide (view, range, scope, "as of"), one slide per tile with
its value as the page writes it and a native line chart of its trend (CategoryChartData: editable in PowerPoint),
and the drill table or the rep's deals, over as many slides as its rows need."""

from __future__ import annotations

import io
from collections.abc import Sequence

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from analytics.dashboard.export.common import (
    TITLE,
    as_of_text,
    charted,
    period_title,
    range_text,
    scope_text,
    view_text,
)
from analytics.dashboard.numbers import amount_text, excel_format, number_text
from analytics.dashboard.service import Dashboard
from analytics.dashboard.tiles import Tile

TITLE_LAYOUT, TITLE_ONLY_LAYOUT = 0, 5  # the default template's "Title Slide" and "Title Only"
ROWS_PER_SLIDE = 14  # a table row of 12 pt on a 16:9 slide; more rows go on the next slide
WIDE = (Inches(13.333), Inches(7.5))


def to_pptx(board: Dashboard, *, currency: str, rows_per_slide: int = ROWS_PER_SLIDE) -> bytes:
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDE
    first = deck.slides.add_slide(deck.slide_layouts[TITLE_LAYOUT])
    _title(first, TITLE)
    first.placeholders[1].text_frame.text = (f"{view_text(board)}\n{range_text(board)}\nScope: {scope_text(board)}"
                                             f"\nData as of {as_of_text(board)}")
    for tile in board.tiles:
        _tile(deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY_LAYOUT]), tile, board, currency)
    header, rows, title = _table(board, currency)
    for start in range(0, max(len(rows), 1), rows_per_slide):
        slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY_LAYOUT])
        _title(slide, title)
        _grid(slide, header, rows[start:start + rows_per_slide])
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _title(slide: Slide, text: str) -> None:
    assert slide.shapes.title is not None  # both layouts have a title placeholder
    slide.shapes.title.text = text


def _tile(slide: Slide, tile: Tile, board: Dashboard, currency: str) -> None:
    _title(slide, f"{tile.label}: {number_text(tile.value, tile.unit, currency)}")
    lines = [f"KPI {tile.code}" + (f" · from {tile.source}" if tile.source else ""), f"{range_text(board)}",
             *filter(None, (tile.note, *tile.warnings))]
    box = slide.shapes.add_textbox(Inches(0.6), Inches(1.5), Inches(12), Inches(0.9)).text_frame
    box.text = "\n".join(lines)
    for paragraph in box.paragraphs:
        paragraph.font.size = Pt(14)
    if not charted(tile):
        return
    # python-pptx's chart data classes are untyped, and its add_chart hint names their base class only.
    data = CategoryChartData(number_format=excel_format(tile.unit, currency))  # type: ignore[no-untyped-call]
    data.categories = [p.period_start.isoformat() for p in tile.trend]
    data.add_series(tile.label, [p.value for p in tile.trend])  # type: ignore[no-untyped-call]  # None: a gap
    frame = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, Inches(0.6), Inches(2.5), Inches(12), Inches(4.6),
                                   data)  # type: ignore[arg-type]
    chart = frame.chart  # type: ignore[attr-defined]  # add_chart returns a GraphicFrame holding a chart
    chart.has_legend = False
    chart.has_title = True
    chart.chart_title.text_frame.text = f"{tile.label} by {period_title(board)}"
    chart.value_axis.tick_labels.number_format = excel_format(tile.unit, currency)
    chart.value_axis.tick_labels.number_format_is_linked = False


def _table(board: Dashboard, currency: str) -> tuple[list[str], list[list[str]], str]:
    """The drill table (or the deals) as the page writes it: header, rows of text, the slides' title."""
    if board.drill is not None:
        drill = board.drill
        header = [drill.dimension.capitalize(), *(c.label for c in drill.columns)]
        rows = [[row.label, *(number_text(row.values[c.code], c.unit, currency) for c in drill.columns)]
                for row in drill.rows]
        return header, rows, f"By {drill.dimension}"
    header = ["Deal", "Account", "Owner", "Stage", "Status", "Amount", "Close date"]
    rows = [[d.name, d.account or "—", d.owner, d.stage or "—", d.status, amount_text(d.amount, d.currency),
             d.close_date.isoformat() if d.close_date else "—"] for d in board.deals]
    return header, rows, "Deals closing in the range"


def _grid(slide: Slide, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    height = Emu(Inches(0.4) * (len(rows) + 1))
    table = slide.shapes.add_table(len(rows) + 1, len(header), Inches(0.6), Inches(1.5), Inches(12),
                                   height).table
    for r, cells in enumerate([header, *rows]):
        for c, text in enumerate(cells):
            cell = table.cell(r, c)
            cell.text = text
            cell.text_frame.paragraphs[0].font.size = Pt(12)
