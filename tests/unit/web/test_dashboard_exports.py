"""The dashboard's exports on the KPI golden store: each file is opened as a reader would (openpyxl, python-pptx,
pypdf) and its numbers are the page's, written the page's way; the charts are native (an XLSX chart object, a PPTX
chart shape) or, in the PDF, the page's Vega-Lite chart drawn as SVG; a rep's export holds only their scope; a bad
view is a 422 and an unknown format a 404 (pages) or 422 (API)."""

from __future__ import annotations

import html
import io
import re
from datetime import date
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from openpyxl.chart import LineChart
from pptx import Presentation
from pptx.shapes.graphfrm import GraphicFrame
from pypdf import PdfReader
from sqlalchemy import Engine

from analytics.dashboard import TILES
from analytics.dashboard.numbers import excel_format, number_text
from config.models.kpi import KpiSettings
from tests.support.kpi_golden import synced
from tests.unit.web.test_dashboard_pages import YEAR, api, browser
from tests.unit.web.test_dashboard_pages import app as app  # the module's fixtures, shared
from tests.unit.web.test_dashboard_pages import golden as golden

App = tuple[Any, dict[str, str]]
SHOWN = re.compile(r'<p class="value" data-value="[^"]*">([^<]*)</p>')
CELL = re.compile(r'<td class="number" data-kpi="\w+" data-value="[^"]*">([^<]*)</td>')
CURRENCY = KpiSettings().currency  # the app's reporting currency (the tests' apps keep the default)
WHO = [("ada", None), ("rita", "u1"), ("mona", "u2")]


@pytest.fixture(scope="module", autouse=True)
def a_finished_sync(app: App, golden: Engine) -> None:
    """A sync run that succeeded on 2026-01-05, so the exports have an "as of" to show."""
    synced(golden, "Opportunity", "opportunity", upserted=0)


def charted(tile: dict[str, Any]) -> bool:
    """A tile's trend has a chart when it has a value (the page draws none for a trend of gaps only)."""
    return any(point["value"] is not None for point in tile["trend"])


def export(client: TestClient, suffix: str, query: str) -> bytes:
    answer = client.get(f"/dashboard/export.{suffix}?{query}")
    assert answer.status_code == 200, answer.text[:500]
    assert answer.headers["content-disposition"].startswith("attachment; filename=\"crmhub-dashboard-")
    assert answer.headers["content-disposition"].endswith(f'.{suffix}"')
    return answer.content


def shown_on_page(client: TestClient, query: str) -> list[str]:
    """The tiles' values as the page writes them, in the tiles' order."""
    return [html.unescape(s) for s in SHOWN.findall(client.get(f"/dashboard?{query}").text)]


@pytest.mark.parametrize(("who", "as_user"), WHO)
def test_xlsx_holds_the_screens_numbers_and_native_charts(app: App, who: str, as_user: str | None) -> None:
    client = browser(app, who)
    doc = api(app, who, YEAR)
    book = openpyxl.load_workbook(io.BytesIO(export(client, "xlsx", YEAR)))
    tiles = list(book["Tiles"].iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in tiles] == [code for code, _ in TILES]
    shown = shown_on_page(client, YEAR)
    for row, tile, text in zip(tiles, doc["tiles"], shown, strict=True):
        assert row[2] == tile["value"] and row[3] == text == number_text(tile["value"], tile["unit"], CURRENCY)
    for tile in doc["tiles"]:
        sheet = book[tile["code"]]
        points = [(r[0].date().isoformat(), r[1]) for r in sheet.iter_rows(min_row=2, max_col=2, values_only=True)]
        assert points == [(p["period_start"], p["value"]) for p in tile["trend"]], tile["code"]
        if tile["trend"]:
            assert sheet["B2"].number_format == excel_format(tile["unit"], CURRENCY)
        charts = sheet._charts
        assert len(charts) == charted(tile) and all(isinstance(c, LineChart) for c in charts), tile["code"]
    drill = [(r[1], list(r[2:])) for r in book["Drill"].iter_rows(min_row=2, values_only=True) if r[1]]
    codes = [c["code"] for c in doc["drill"]["columns"]]
    assert drill == [(r["member"], [r["values"][c] for c in codes]) for r in doc["drill"]["rows"]]
    about = dict(book["About"].iter_rows(values_only=True))
    assert about["Scope"] == ("every record" if as_user is None else f"the records in the scope of CRM user "
                                                                     f"{as_user}")
    assert about["Data as of"] == "2026-01-05 00:00 UTC"


def test_the_golden_figures_in_the_workbook(app: App) -> None:
    """Won revenue 2025 is 1300 (test_dashboard_pages works it out by hand), 62.5 % win rate, DE 700."""
    book = openpyxl.load_workbook(io.BytesIO(export(browser(app, "ada"), "xlsx", YEAR)))
    values = {row[1]: (row[2], row[3]) for row in book["Tiles"].iter_rows(min_row=2, values_only=True)}
    assert values["WON_REVENUE"] == (1300.0, f"1,300 {CURRENCY}") and values["WIN_RATE_CLOSED"] == (62.5, "62.5 %")
    assert {r[1]: r[2] for r in book["Drill"].iter_rows(min_row=2, values_only=True)}["DE"] == 700.0


@pytest.mark.parametrize(("who", "as_user"), WHO)
def test_pptx_holds_the_screens_numbers_and_native_charts(app: App, who: str, as_user: str | None) -> None:
    client = browser(app, who)
    doc = api(app, who, YEAR)
    deck = Presentation(io.BytesIO(export(client, "pptx", YEAR)))
    slides = list(deck.slides)
    subtitle = slides[0].placeholders[1].text_frame.text
    assert "Data as of 2026-01-05 00:00 UTC" in subtitle
    assert ("every record" if as_user is None else f"CRM user {as_user}") in subtitle
    shown = shown_on_page(client, YEAR)
    for slide, tile, text in zip(slides[1:6], doc["tiles"], shown, strict=True):
        assert slide.shapes.title is not None and slide.shapes.title.text == f"{tile['label']}: {text}"
        charts = [s.chart for s in slide.shapes if isinstance(s, GraphicFrame) and s.has_chart]
        if not charted(tile):
            assert charts == []
            continue
        assert len(charts) == 1, tile["code"]
        plot = charts[0].plots[0]
        assert list(plot.categories) == [p["period_start"] for p in tile["trend"]]
        assert list(plot.series[0].values) == [p["value"] for p in tile["trend"]]
    page = client.get(f"/dashboard?{YEAR}").text
    cells = [html.unescape(c) for c in CELL.findall(page)]
    tables = [s.table for slide in slides[6:] for s in slide.shapes if isinstance(s, GraphicFrame) and s.has_table]
    texts = [table.cell(r, c).text for table in tables for r in range(1, len(table.rows))
             for c in range(1, len(table.columns))]
    assert texts == cells and len(cells) == 5 * len(doc["drill"]["rows"])


@pytest.mark.parametrize(("who", "as_user"), WHO)
def test_pdf_is_the_print_page_with_its_numbers_and_charts(app: App, who: str, as_user: str | None) -> None:
    client = browser(app, who)
    doc = api(app, who, YEAR)
    body = export(client, "pdf", YEAR)
    assert body.startswith(b"%PDF-")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    flat = re.sub(r"\s+", " ", text)
    for tile, shown in zip(doc["tiles"], shown_on_page(client, YEAR), strict=True):
        assert shown in flat, (tile["code"], shown)
        # the chart's y-axis title: drawn by vl-convert from the page's spec, as text; no chart without a value
        assert (f"{tile['label']} ({tile['unit']})" in flat) == charted(tile), tile["code"]
    for row in doc["drill"]["rows"]:
        assert row["label"] in flat
    cells = [html.unescape(c) for c in CELL.findall(client.get(f"/dashboard?{YEAR}").text)]
    assert all(cell in flat for cell in cells)
    assert "Data as of 2026-01-05 00:00 UTC" in flat


def test_a_reps_exports_hold_only_their_scope(app: App) -> None:
    client = browser(app, "rita")  # u1, a rep of east; u2 (Bob) is her team's manager
    team = f"level=team&member=east&{YEAR}"
    book = openpyxl.load_workbook(io.BytesIO(export(client, "xlsx", team)))
    assert [r[1] for r in book["Drill"].iter_rows(min_row=2, values_only=True)] == ["u1"]
    own = openpyxl.load_workbook(io.BytesIO(export(client, "xlsx", f"level=rep&member=u1&{YEAR}")))
    deals = [(r[1], r[4]) for r in own["Deals"].iter_rows(min_row=2, values_only=True)]
    assert deals == [("o3", "u1"), ("o2", "u1"), ("o1", "u1")]
    other = openpyxl.load_workbook(io.BytesIO(export(client, "xlsx", f"level=rep&member=u2&{YEAR}")))
    assert list(other["Deals"].iter_rows(min_row=2, values_only=True)) == []
    deck = Presentation(io.BytesIO(export(client, "pptx", team)))
    texts = " ".join(s.text_frame.text for slide in deck.slides for s in slide.shapes if s.has_text_frame)
    tables = " ".join(c.text for slide in deck.slides for s in slide.shapes
                      if isinstance(s, GraphicFrame) and s.has_table for c in s.table.iter_cells())
    assert "Alice" in tables and "Bob" not in tables + texts
    pdf = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(export(client, "pdf", team))).pages)
    assert "Alice" in pdf and "Bob" not in pdf
    manager = openpyxl.load_workbook(io.BytesIO(export(browser(app, "mona"), "xlsx", team)))
    assert sorted(r[1] for r in manager["Drill"].iter_rows(min_row=2, values_only=True)) == ["u1", "u2"]


def test_the_api_export_is_the_pages(app: App) -> None:
    query = f"level=region&member=FR&{YEAR}"
    headers = {"Authorization": f"Bearer {app[1]['rita']}"}
    answer = TestClient(app[0]).get(f"/api/v1/dashboard/export?format=xlsx&{query}", headers=headers)
    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == (
        'attachment; filename="crmhub-dashboard-region-FR-2025-01-01-2026-01-01.xlsx"')
    from_api = openpyxl.load_workbook(io.BytesIO(answer.content))
    from_page = openpyxl.load_workbook(io.BytesIO(export(browser(app, "rita"), "xlsx", query)))
    for name in from_page.sheetnames:
        assert list(from_api[name].values) == list(from_page[name].values), name
    for suffix, magic in (("pdf", b"%PDF-"), ("pptx", b"PK")):
        got = TestClient(app[0]).get(f"/api/v1/dashboard/export?format={suffix}&{query}", headers=headers)
        assert got.status_code == 200 and got.content.startswith(magic), suffix


@pytest.mark.parametrize("query", ["level=planet", "from=2025-02-30", "from=2025-06-01&to=2025-01-01", "level=team"])
def test_bad_views_and_formats_are_refused(app: App, query: str) -> None:
    client = browser(app, "ada")
    for suffix in ("pdf", "xlsx", "pptx"):
        answer = client.get(f"/dashboard/export.{suffix}?{query}")
        assert answer.status_code == 422 and "Traceback" not in answer.text, suffix
        refused = TestClient(app[0]).get(f"/api/v1/dashboard/export?format={suffix}&{query}",
                                         headers={"Authorization": f"Bearer {app[1]['ada']}"})
        assert refused.status_code == 422 and refused.json()["error"]["code"] == "bad_request"
    assert client.get(f"/dashboard/export.docx?{YEAR}").status_code == 404
    docx = TestClient(app[0]).get(f"/api/v1/dashboard/export?format=docx&{YEAR}",
                                  headers={"Authorization": f"Bearer {app[1]['ada']}"})
    assert docx.status_code == 422 and "format" in docx.text


def test_signed_out_and_tokenless_callers_get_no_export(app: App) -> None:
    client = TestClient(app[0])
    assert client.get(f"/dashboard/export.xlsx?{YEAR}", follow_redirects=False).headers["location"] == "/sign-in"
    assert client.get(f"/api/v1/dashboard/export?format=pdf&{YEAR}").status_code == 401
    assert date.fromisoformat(YEAR.split("&")[0].split("=")[1]) == date(2025, 1, 1)  # the range the names carry


def test_a_reps_deals_in_every_export_are_the_pages(app: App) -> None:
    client = browser(app, "ada")
    query = f"level=rep&member=u1&region=FR&team=east&{YEAR}"
    deals = api(app, "ada", query)["deals"]
    page = client.get(f"/dashboard?{query}").text
    table = page.split('<table class="deals">')[1]
    amounts = [html.unescape(a) for a in re.findall(r'<td class="number">([^<]*)</td>', table)]
    assert len(amounts) == len(deals) == 2  # o1 and o2: u1's deals on a French account (test_dashboard_pages)
    book = openpyxl.load_workbook(io.BytesIO(export(client, "xlsx", query)))
    rows = list(book["Deals"].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[7], r[8]) for r in rows] == [(d["id"], d["amount"], d["currency"]) for d in deals]
    deck = Presentation(io.BytesIO(export(client, "pptx", query)))
    tables = [s.table for slide in deck.slides for s in slide.shapes if isinstance(s, GraphicFrame) and s.has_table]
    assert len(tables) == 1 and [tables[0].cell(r, 5).text for r in range(1, len(tables[0].rows))] == amounts
    assert [tables[0].cell(r, 0).text for r in range(1, len(tables[0].rows))] == [d["name"] for d in deals]
    pdf = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(export(client, "pdf", query)))
                                       .pages))
    assert all(amount in pdf for amount in amounts) and "Region FR" in pdf and "Team east" in pdf


def test_the_page_links_its_views_exports(app: App) -> None:
    client = browser(app, "rita")
    query = f"level=region&member=FR&{YEAR}"
    page = client.get(f"/dashboard?{query}").text
    links = [html.unescape(h) for h in re.findall(r'<a href="(/dashboard/export\.\w+\?[^"]+)" download>', page)]
    assert [link.split("?")[0] for link in links] == ["/dashboard/export.pdf", "/dashboard/export.xlsx",
                                                      "/dashboard/export.pptx"]
    assert all("level=region" in link and "member=FR" in link and "from=2025-01-01" in link for link in links)
    book = openpyxl.load_workbook(io.BytesIO(client.get(links[1]).content))
    assert list(book["Drill"].values) == list(
        openpyxl.load_workbook(io.BytesIO(export(client, "xlsx", query)))["Drill"].values)
    drill = client.get(f"/dashboard/drill?{query}").text  # the links follow the view as the drill-down moves
    assert 'href="/dashboard/export.pdf?level=region&amp;member=FR' in drill
