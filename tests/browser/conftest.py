"""The browser suite's shared pieces, started once per pytest worker (the package is one xdist group,
tests/support/phases.py): the KPI golden store on SQLite with a demo admin (password + TOTP) and a demo rep linked
to crm_user u1, the app on a real uvicorn server, and one headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyotp
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from sqlalchemy import Engine

from access import Accounts
from access.audit import CLI
from tests.support.browser import Site, chromium_or_skip
from tests.support.kpi_golden import build
from tests.support.stores import fresh_engine
from tests.support.web import KEY, PASSWORD, Clock, add_account, app_for

YEAR = "from=2025-01-01&to=2026-01-01"  # the golden store's deals close in 2025
VIEWPORT = {"width": 1280, "height": 900}


@dataclass
class Demo:
    """The running site and what signing in to it takes. The app's clock is the tests' (fixed) clock: each
    sign-in with a code moves it one TOTP step on, since the app accepts each code once."""

    site: Site
    engine: Engine
    clock: Clock
    admin_seed: str

    def next_code(self) -> str:
        self.clock.advance(seconds=30)
        return str(pyotp.TOTP(self.admin_seed).at(self.clock.now))


@pytest.fixture(scope="package")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    chromium_or_skip()  # no server started for nothing when the browser is missing
    for engine in fresh_engine("sqlite", tmp_path_factory.mktemp("browser")):
        build(engine)
        clock = Clock()
        add_account(engine, "ada", "admin", clock=clock)
        seed = Accounts(engine, clock=clock, secret_key=KEY).enrol_mfa("ada", actor=CLI).secret
        add_account(engine, "rita", "rep", "u1", clock=clock)
        site = Site(app_for(engine, clock))
        site.start()
        try:
            yield Demo(site, engine, clock, seed)
        finally:
            site.stop()


@pytest.fixture(scope="package")
def browser(demo: Demo) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_or_skip(), headless=True)
        yield chromium
        chromium.close()


def new_context(browser: Browser, demo: Demo, **options: Any) -> BrowserContext:
    context = browser.new_context(base_url=demo.site.url, viewport=VIEWPORT,  # type: ignore[arg-type]
                                  reduced_motion="reduce", **options)
    context.set_default_timeout(15_000)
    return context


def sign_in(page: Page, demo: Demo, username: str) -> None:
    """Fills the sign-in form (and the code form, for the admin) as a person would; ends on the home page."""
    page.goto("/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if username == "ada":
        page.wait_for_url("**/sign-in/code")
        page.get_by_label("Code").fill(demo.next_code())
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{demo.site.url}/")


@pytest.fixture(scope="package")
def admin(browser: Browser, demo: Demo) -> Iterator[Page]:
    """A page signed in as the admin, shared by the tests that only read (dashboard, axe, screenshots)."""
    context = new_context(browser, demo)
    page = context.new_page()
    sign_in(page, demo, "ada")
    yield page
    context.close()


@pytest.fixture(scope="package")
def rep(browser: Browser, demo: Demo) -> Iterator[Page]:
    context = new_context(browser, demo)
    page = context.new_page()
    sign_in(page, demo, "rita")
    yield page
    context.close()
