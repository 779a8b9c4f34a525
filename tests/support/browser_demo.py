"""The browser tests' demo (tests/browser/): the KPI golden store with a demo admin (password + TOTP) and a demo rep
linked to crm_user u1, served on a real uvicorn; a browser context on it and signing in through its forms."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyotp
from playwright.sync_api import Browser, BrowserContext, Page
from sqlalchemy import Engine

from access import Accounts
from access.audit import CLI
from tests.support.browser import Site
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


def serve_demo(folder: Path) -> Iterator[Demo]:
    """The demo store in a SQLite file under ``folder``, served until the generator is closed."""
    for engine in fresh_engine("sqlite", folder):
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
