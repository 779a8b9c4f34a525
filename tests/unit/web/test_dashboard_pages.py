"""The dashboard pages and API on the KPI golden store: the page and its fragments render for an admin and a rep,
the numbers on the page equal the API's and compute(as_user=...)'s, a rep's drill rows and deals are their own, the
drill-down reaches a rep's deals in three clicks, a bad view is a clear 422, and no script is inline."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from access import Tokens
from access.audit import CLI
from analytics.dashboard import TILES
from analytics.kpi.catalog import Catalog
from analytics.kpi.loader import shipped_kpi_registry
from analytics.kpi.query import KpiRequest, compute
from config.models.kpi import KpiSettings
from tests.support.kpi_golden import build
from tests.support.stores import fresh_engine
from tests.support.web import Clock, add_account, app_for, sign_in

YEAR = "from=2025-01-01&to=2026-01-01"


class Page(HTMLParser):
    """What the tests read off a page: tile values, drill rows' links and values, deals' owners, scripts."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tiles: dict[str, float | None] = {}
        self.links: dict[str, str] = {}  # a drill row's member -> its href
        self.cells: dict[tuple[str, str], float | None] = {}  # (member, KPI) -> value
        self.deals: dict[str, str] = {}  # deal id -> owner id
        self.scripts: list[dict[str, str | None]] = []
        self._tile: str | None = None
        self._row: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "article" and a.get("data-kpi"):
            self._tile = a["data-kpi"]
        elif tag == "p" and a.get("class") == "value" and self._tile:
            self.tiles[self._tile] = _number(a.get("data-value"))
        elif tag == "tr" and a.get("data-member") is not None:
            self._row = a["data-member"]
        elif tag == "a" and self._row is not None and self._row not in self.links:
            self.links[self._row] = str(a.get("href"))
        elif tag == "td" and self._row is not None and a.get("data-kpi"):
            self.cells[(self._row, str(a["data-kpi"]))] = _number(a.get("data-value"))
        elif tag == "tr" and a.get("data-deal"):
            self.deals[str(a["data-deal"])] = str(a.get("data-owner"))
        elif tag == "script":
            self.scripts.append(a)


def _number(text: str | None) -> float | None:
    return float(text) if text else None


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    yield from fresh_engine("sqlite", tmp_path_factory.mktemp("dash"))


@pytest.fixture(scope="module")
def app(golden: Engine) -> tuple[Any, dict[str, str]]:
    build(golden)
    clock = Clock()
    for name, role, user in (("ada", "admin", None), ("rita", "rep", "u1"), ("mona", "manager", "u2")):
        add_account(golden, name, role, user, clock=clock)  # type: ignore[arg-type]
    tokens = {n: Tokens(golden, clock=clock).create(n, "tests", actor=CLI)[1] for n in ("ada", "rita", "mona")}
    return app_for(golden, clock), tokens


def browser(app: tuple[Any, dict[str, str]], who: str) -> TestClient:
    client = TestClient(app[0])
    assert sign_in(client, who) == "/"
    return client


def api(app: tuple[Any, dict[str, str]], who: str, query: str) -> dict[str, Any]:
    answer = TestClient(app[0]).get(f"/api/v1/dashboard?{query}",
                                    headers={"Authorization": f"Bearer {app[1][who]}"})
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def computed(engine: Engine, code: str, as_user: str | None, filters: dict[str, tuple[str, ...]] | None = None
             ) -> float | None:
    kpi = shipped_kpi_registry().kpi(code)
    result = compute(engine, kpi, KpiRequest(code, (), None, date(2025, 1, 1), date(2026, 1, 1),
                                             filters or {}, as_user),  # type: ignore[arg-type]
                     catalog=Catalog.load(), settings=KpiSettings())
    return result.rows[0].value if result.rows else None


@pytest.mark.parametrize(("who", "as_user"), [("ada", None), ("rita", "u1"), ("mona", "u2")])
def test_page_numbers_equal_the_api_and_compute(app: tuple[Any, dict[str, str]], golden: Engine, who: str,
                                                as_user: str | None) -> None:
    answer = browser(app, who).get(f"/dashboard?{YEAR}")
    assert answer.status_code == 200 and "<h1>Sales dashboard</h1>" in answer.text
    page = Page(answer.text)
    doc = api(app, who, YEAR)
    assert doc["as_user"] == as_user
    assert set(page.tiles) == {code for code, _ in TILES}
    for tile in doc["tiles"]:
        assert page.tiles[tile["code"]] == tile["value"] == computed(golden, tile["code"], as_user), tile["code"]
    rows = {r["member"]: r["values"] for r in doc["drill"]["rows"]}
    assert {member for member, _ in page.cells} == set(rows)
    assert all(page.cells[(m, code)] == values[code] for m, values in rows.items() for code in values)


def test_the_golden_figures_by_hand(app: tuple[Any, dict[str, str]]) -> None:
    """Won revenue 2025: o1 100 + o3 500 + o4 200 + o7 400 + o8 100 = 1300 (o10 deleted, o11 undated, o12 in
    2024); rita (u1) 600; win rate over closed: 5 won of 8 closed = 62.5 %; by region DE: o3 + o4 = 700."""
    page = Page(browser(app, "ada").get(f"/dashboard?{YEAR}").text)
    assert (page.tiles["WON_REVENUE"], page.tiles["WIN_RATE_CLOSED"]) == (1300.0, 62.5)
    assert page.cells[("DE", "WON_REVENUE")] == 700.0
    assert Page(browser(app, "rita").get(f"/dashboard?{YEAR}").text).tiles["WON_REVENUE"] == 600.0


def test_drill_to_a_reps_deals_in_three_clicks(app: tuple[Any, dict[str, str]]) -> None:
    client = browser(app, "ada")
    page = Page(client.get(f"/dashboard?{YEAR}").text)
    for member in ("FR", "east", "u1"):  # region, team, rep: three clicks
        href = page.links[member]
        answer = client.get(href)
        assert answer.status_code == 200
        page = Page(answer.text)
    assert 'class="deals"' in answer.text
    # u1's deals closing in 2025 on a French account (a1): o1 (won) and o2 (lost); o3 is on a2 (DE).
    assert page.deals == {"o1": "u1", "o2": "u1"}
    assert "Region FR" in answer.text and "Team east" in answer.text


def test_a_reps_drill_rows_and_deals_are_their_own(app: tuple[Any, dict[str, str]]) -> None:
    client = browser(app, "rita")
    reps = Page(client.get(f"/dashboard?level=team&member=east&{YEAR}").text)
    assert {member for member, _ in reps.cells} == {"u1"}  # not u2, her team's manager
    assert Page(client.get(f"/dashboard?level=rep&member=u2&{YEAR}").text).deals == {}
    own = Page(client.get(f"/dashboard?level=rep&member=u1&{YEAR}").text)
    assert own.deals == {"o1": "u1", "o2": "u1", "o3": "u1"}
    assert [d["id"] for d in api(app, "rita", f"level=rep&member=u1&{YEAR}")["deals"]] == ["o3", "o2", "o1"]
    manager = Page(browser(app, "mona").get(f"/dashboard?level=team&member=east&{YEAR}").text)
    assert {member for member, _ in manager.cells} == {"u1", "u2"}


def test_fragments_are_the_pages_blocks(app: tuple[Any, dict[str, str]]) -> None:
    client = browser(app, "rita")
    tiles = client.get(f"/dashboard/tiles?{YEAR}")
    drill = client.get(f"/dashboard/drill?level=region&member=FR&{YEAR}")
    assert tiles.status_code == drill.status_code == 200
    assert tiles.text.lstrip().startswith('<section id="tiles"') and "<html" not in tiles.text
    assert drill.text.lstrip().startswith('<section id="drill"') and "<html" not in drill.text
    assert Page(tiles.text).tiles == Page(client.get(f"/dashboard?{YEAR}").text).tiles
    assert client.get("/dashboard/nope").status_code == 404


@pytest.mark.parametrize(("query", "message"), [
    ("level=planet", "level &#39;planet&#39;: expected one of company, region, team, rep"),
    ("from=2025-02-30", "from &#39;2025-02-30&#39;: expected a date as YYYY-MM-DD"),
    ("from=2025-06-01&to=2025-01-01", "the range [from, to) is empty"),
    ("level=team", "member: level team needs the member"),
])
def test_bad_views_are_a_clear_422(app: tuple[Any, dict[str, str]], query: str, message: str) -> None:
    for path in ("/dashboard", "/dashboard/tiles"):
        answer = browser(app, "ada").get(f"{path}?{query}")
        assert answer.status_code == 422 and message in answer.text and "Traceback" not in answer.text
    refused = TestClient(app[0]).get(f"/api/v1/dashboard?{query}", headers={"Authorization": f"Bearer {app[1]['ada']}"})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "bad_request"


def test_signed_out_and_tokenless_callers_are_refused(app: tuple[Any, dict[str, str]]) -> None:
    client = TestClient(app[0])
    assert client.get("/dashboard", follow_redirects=False).headers["location"] == "/sign-in"
    assert client.get("/dashboard/tiles", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/dashboard").status_code == 401


def test_no_inline_script_and_the_charts_load_from_static_files(app: tuple[Any, dict[str, str]]) -> None:
    client = browser(app, "ada")
    answer = client.get(f"/dashboard?{YEAR}")
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    scripts = Page(answer.text).scripts
    assert all(s.get("src") or s.get("type") == "application/json" for s in scripts)
    sources = {str(s["src"]) for s in scripts if s.get("src")}
    assert {"/static/vendor/vega.min.js", "/static/vendor/vega-lite.min.js", "/static/vendor/vega-embed.min.js",
            "/static/dashboard.js"} <= sources
    for src in sources:
        assert client.get(src).status_code == 200, src
    specs = re.findall(r'<script type="application/json" id="spec-(\w+)">', answer.text)
    assert specs and set(specs) <= {code for code, _ in TILES}
