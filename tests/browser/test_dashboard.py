"""The dashboard in Chromium: the tiles show the numbers compute() gives, vega-embed draws every chart under the
strict CSP (script-src 'self', no eval), the drill-down reaches a rep's deals in three HTMX clicks with the URL
following each, and a rep sees only their own rows and deals."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect
from sqlalchemy import Engine

from analytics.dashboard import TILES
from analytics.kpi.catalog import Catalog
from analytics.kpi.loader import shipped_kpi_registry
from analytics.kpi.query import KpiRequest, compute
from config.models.kpi import KpiSettings
from tests.support.browser_demo import YEAR, Demo

pytestmark = pytest.mark.browser


def computed(engine: Engine, code: str, as_user: str | None) -> float | None:
    """The KPI over 2025 for the user's scope, as the engine computes it (what each tile must show)."""
    kpi = shipped_kpi_registry().kpi(code)
    request = KpiRequest(code, (), None, date(2025, 1, 1), date(2026, 1, 1), {}, as_user)
    result = compute(engine, kpi, request, catalog=Catalog.load(), settings=KpiSettings())
    return result.rows[0].value if result.rows else None


def tiles(page: Page) -> dict[str, float | None]:
    """Each tile's value as the page holds it (data-value: the number before formatting)."""
    found: dict[str, str] = page.eval_on_selector_all(
        "#tiles article[data-kpi]",
        "els => Object.fromEntries(els.map(e => [e.dataset.kpi, e.querySelector('p.value').dataset.value]))")
    return {code: float(value) if value else None for code, value in found.items()}


def members(page: Page) -> set[str]:
    return set(page.eval_on_selector_all("#drill tr[data-member]", "rows => rows.map(r => r.dataset.member)"))


def deal_owners(page: Page) -> dict[str, str]:
    found: dict[str, str] = page.eval_on_selector_all(
        "#drill tr[data-deal]", "rows => Object.fromEntries(rows.map(r => [r.dataset.deal, r.dataset.owner]))")
    return found


def test_tiles_are_computes_numbers_and_the_charts_are_drawn(admin: Page, demo: Demo) -> None:
    errors: list[str] = []

    def console(message: ConsoleMessage) -> None:  # a CSP refusal, a failed script or fetch lands here
        if message.type == "error":
            errors.append(f"{message.text} ({message.location.get('url')})")

    admin.on("console", console)
    admin.goto(f"/dashboard?{YEAR}")
    expect(admin.get_by_role("heading", level=1)).to_have_text("Sales dashboard")
    assert set(tiles(admin)) == {code for code, _ in TILES}
    for code, value in tiles(admin).items():
        assert value == computed(demo.engine, code, None), code
    assert tiles(admin)["WON_REVENUE"] == 1300.0  # the golden store's 2025 won revenue, summed by hand
    charts = admin.locator("#tiles .chart[data-vega-spec]")
    assert charts.count() >= 1
    for i in range(charts.count()):
        # vega-embed's output: an <svg> with the marks; the fallback text would mean Vega failed (e.g. the CSP).
        expect(charts.nth(i).locator("svg.marks")).to_be_visible()
        expect(charts.nth(i)).not_to_contain_text("could not be drawn")
    # A trend without any value (quota attainment by month: no quota period starts in the golden store) has its
    # table but no chart: an empty Vega chart is an unlabelled image to a screen reader.
    quota = admin.locator('#tiles article[data-kpi="QUOTA_ATTAINMENT"]')
    expect(quota.locator("details table")).to_have_count(1)
    expect(quota.locator(".chart")).to_have_count(0)
    admin.remove_listener("console", console)
    assert not errors, errors


def test_drill_to_a_reps_deals_in_three_htmx_clicks(admin: Page, demo: Demo) -> None:
    admin.goto(f"/dashboard?{YEAR}")
    admin.evaluate("() => { window.sameDocument = true; }")  # gone if a click loaded a whole new page
    for member, level in (("FR", "region"), ("east", "team"), ("u1", "rep")):
        assert member in members(admin), (member, members(admin))
        admin.locator(f'#drill tr[data-member="{member}"] a').click()
        expect(admin).to_have_url(view_url(demo, level, member))
        expect(admin.locator("#drill nav[aria-label='Drill-down path'] [aria-current='page']")).to_contain_text(
            f"{level.capitalize()} {member}")
    expect(admin.locator("#drill table.deals")).to_be_visible()
    # u1's deals closing in 2025 on a French account (a1): o1 (won) and o2 (lost); o3 is on a2 (DE).
    assert deal_owners(admin) == {"o1": "u1", "o2": "u1"}
    assert admin.evaluate("() => window.sameDocument === true"), "a drill click reloaded the whole page"
    # The tiles followed the view: the rep's won revenue on French accounts in 2025 is o1's 100.
    expect(admin.locator('#tiles article[data-kpi="WON_REVENUE"] p.value')).to_have_attribute("data-value", "100.0")
    admin.go_back()  # the pushed URLs make the history work: back to the team view
    expect(admin).to_have_url(view_url(demo, "team", "east"))


def view_url(demo: Demo, level: str, member: str) -> re.Pattern[str]:
    """The dashboard's URL of a view at ``level`` on ``member`` (the drill links push it into the history)."""
    return re.compile(re.escape(f"{demo.site.url}/dashboard?") + f"(.*&)?level={level}&member={re.escape(member)}(&|$)")


def test_a_rep_sees_only_their_rows_and_deals(rep: Page, demo: Demo) -> None:
    rep.goto(f"/dashboard?{YEAR}")
    expect(rep.locator("main")).to_contain_text("the records in your scope (CRM user u1)")
    for code, value in tiles(rep).items():
        assert value == computed(demo.engine, code, "u1"), code
    assert tiles(rep)["WON_REVENUE"] == 600.0
    rep.goto(f"/dashboard?level=team&member=east&{YEAR}")
    assert members(rep) == {"u1"}  # not u2, her team's manager
    rep.goto(f"/dashboard?level=rep&member=u1&{YEAR}")
    assert deal_owners(rep) == {"o1": "u1", "o2": "u1", "o3": "u1"}
    rep.goto(f"/dashboard?level=rep&member=u2&{YEAR}")  # a link to someone else's deals shows nothing
    assert deal_owners(rep) == {}
    expect(rep.locator("#drill table.deals")).to_contain_text("No deal closes in this range within your scope")
