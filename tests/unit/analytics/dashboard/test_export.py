"""The export files straight from ``build`` on the random store (SQLite): for every user, each workbook's and deck's
numbers are the built dashboard's, a rep's deals run over as many slides as they need with none left out or
repeated, and nothing outside the user's scope is in a file. The number formats of the page and of the files agree
unit by unit."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime

import openpyxl
import pytest
from pptx import Presentation
from pptx.shapes.graphfrm import GraphicFrame

from analytics.dashboard import DashboardSources, build, parse_view
from analytics.dashboard.export import FORMATS, filename, to_pptx, to_xlsx
from analytics.dashboard.numbers import EXCEL_FORMAT, TEXT_FORMAT, amount_text, excel_format, number_text
from analytics.dashboard.service import Dashboard
from analytics.dashboard.view import ViewState
from analytics.kpi.catalog import Catalog
from analytics.kpi.loader import shipped_kpi_registry
from config.models.kpi import KpiSettings
from tests.support.kpi_random import USERS, build_random
from tests.support.stores import fresh_engine
from tests.unit.web.test_scope_property import visible_reps

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SETTINGS = KpiSettings()
RANGE = {"from": "2024-10-01", "to": "2026-04-01"}  # the whole random store
WHO = [None, *(u for u, _, _ in USERS)]


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DashboardSources]:
    for engine in fresh_engine("sqlite", tmp_path_factory.mktemp("export")):
        build_random(engine, seed=7)
        yield DashboardSources(engine, shipped_kpi_registry(), Catalog.load(), SETTINGS)


def view(**params: str) -> ViewState:
    return parse_view({**RANGE, **params}, now=NOW, settings=SETTINGS)


def table_rows(deck_bytes: bytes, *, slides: int | None = None) -> list[list[str]]:
    """The rows of the deck's tables, slide after slide (their header rows left out); ``slides``: how many slides
    hold a table."""
    deck = Presentation(io.BytesIO(deck_bytes))
    tables = [s.table for slide in deck.slides for s in slide.shapes if isinstance(s, GraphicFrame) and s.has_table]
    assert slides is None or len(tables) == slides
    return [[table.cell(r, c).text for c in range(len(table.columns))] for table in tables
            for r in range(1, len(table.rows))]


@pytest.mark.parametrize("as_user", WHO)
def test_team_exports_are_the_built_dashboard_within_scope(sources: DashboardSources, as_user: str | None) -> None:
    board = build(sources, view(level="team", member="east"), as_user)
    assert board.drill is not None
    currency = SETTINGS.currency
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(board, currency=currency)))
    tiles = {r[1]: r[2:4] for r in book["Tiles"].iter_rows(min_row=2, values_only=True)}
    assert tiles == {t.code: (t.value, number_text(t.value, t.unit, currency)) for t in board.tiles}
    drill = [r[1] for r in book["Drill"].iter_rows(min_row=2, values_only=True) if r[1]]
    assert drill == [row.member for row in board.drill.rows]
    if as_user is not None:
        assert set(drill) <= visible_reps(as_user)
    rows = table_rows(to_pptx(board, currency=currency))
    assert [r[0] for r in rows] == [row.label for row in board.drill.rows]
    assert [r[1:] for r in rows] == [[number_text(row.values[c.code], c.unit, currency) for c in board.drill.columns]
                                     for row in board.drill.rows]


@pytest.mark.parametrize("as_user", WHO)
def test_a_reps_deals_fill_as_many_slides_as_they_need(sources: DashboardSources, as_user: str | None) -> None:
    seen = visible_reps(as_user) if as_user else {u for u, _, _ in USERS}
    for rep in ("u1", "u3"):
        board = build(sources, view(level="rep", member=rep), as_user)
        if rep not in seen:
            assert board.deals == ()
        per_slide = 4  # the default (14) fits the random store's reps: fewer here, so their deals run over slides
        rows = table_rows(to_pptx(board, currency=SETTINGS.currency, rows_per_slide=per_slide),
                          slides=max(1, -(-len(board.deals) // per_slide)))
        assert [(r[0], r[5]) for r in rows] == [(d.name, amount_text(d.amount, d.currency)) for d in board.deals]
        book = openpyxl.load_workbook(io.BytesIO(to_xlsx(board, currency=SETTINGS.currency)))
        deals = [(r[1], r[4]) for r in book["Deals"].iter_rows(min_row=2, values_only=True)]
        assert deals == [(d.id, d.owner_id) for d in board.deals] and {o for _, o in deals} <= {rep}
    assert len(build(sources, view(level="rep", member="u1"), None).deals) > 2 * per_slide  # three slides or more


def test_formats_agree_unit_by_unit() -> None:
    assert set(TEXT_FORMAT) == set(EXCEL_FORMAT)
    assert (number_text(1300.0, "currency", "EUR"), excel_format("currency", "EUR")) == ("1,300 EUR", '#,##0 "EUR"')
    assert (number_text(62.5, "percent", "EUR"), excel_format("percent", "EUR")) == ("62.5 %", '0.0 "%"')
    assert (number_text(1204.0, "count", "EUR"), excel_format("count", "EUR")) == ("1,204", "#,##0")
    assert (number_text(2.345, "days", "EUR"), excel_format("days", "EUR")) == ("2.35", "#,##0.00")
    assert number_text(None, "currency", "EUR") == amount_text(None, "EUR") == "—"
    assert amount_text(1234.5, "GBP") == "1,234.50 GBP"


def test_file_names_name_the_view_and_are_safe_in_a_header() -> None:
    board = Dashboard(view(level="rep", member='u"1/x'), None, None, (), None, ())
    assert filename(board, FORMATS["xlsx"].suffix) == "crmhub-dashboard-rep-u_1_x-2024-10-01-2026-04-01.xlsx"
