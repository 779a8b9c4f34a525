"""axe-core in Chromium: no serious or critical WCAG 2.1 A/AA (or best-practice) violation on the sign-in, code,
home and dashboard pages, the dashboard with its charts drawn and after a drill to a rep's deals, and the admin
console's pages. With CRMHUB_SCREENSHOTS=1 the same pages are saved to docs/web/img/ for the docs."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import axe_violations, blocking, screenshot
from tests.support.browser_demo import YEAR, Demo, new_context

pytestmark = pytest.mark.browser


def check(page: Page) -> None:
    found = blocking(axe_violations(page))
    assert not found, f"{page.url}: {found}"


def test_sign_in_pages(browser: Browser, demo: Demo) -> None:
    context = new_context(browser, demo)
    page = context.new_page()
    page.goto("/sign-in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    check(page)
    screenshot(page, "sign-in")
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    check(page)  # the page with its error message
    context.close()


def test_home_page(admin: Page) -> None:
    admin.goto("/")
    expect(admin.get_by_role("heading", level=1)).to_have_text("Welcome, ada")
    check(admin)
    screenshot(admin, "home")


def test_dashboard_pages(admin: Page) -> None:
    admin.goto(f"/dashboard?{YEAR}")
    expect(admin.locator("#tiles .chart svg.marks").first).to_be_visible()
    admin.wait_for_function("() => document.querySelectorAll('#tiles .chart').length === "
                            "document.querySelectorAll('#tiles .chart svg.marks').length")
    check(admin)
    screenshot(admin, "dashboard")
    admin.goto(f"/dashboard?level=rep&member=u1&region=FR&team=east&{YEAR}")
    expect(admin.locator("#drill table.deals")).to_be_visible()
    check(admin)


def test_admin_console_pages(admin: Page) -> None:
    admin.goto("/")
    admin.get_by_role("link", name="The admin console").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Admin console")
    check(admin)
    admin.get_by_role("link", name="All quarantined records").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Quarantined records")
    check(admin)
    admin.goto("/admin/writeback/dead-letters")
    check(admin)
