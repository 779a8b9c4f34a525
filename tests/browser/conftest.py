"""The browser suite's shared pieces, started once per pytest worker (the package is one xdist group,
tests/support/phases.py): the demo site (tests/support/browser_demo.py), one headless Chromium, and pages signed in
as the admin and as the rep for the tests that only read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support.browser import chromium_or_skip
from tests.support.browser_demo import Demo, new_context, serve_demo, sign_in


@pytest.fixture(scope="package")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    chromium_or_skip()  # no server started for nothing when the browser is missing
    yield from serve_demo(tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="package")
def browser(demo: Demo) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_or_skip(), headless=True)
        yield chromium
        chromium.close()


def _signed_in(browser: Browser, demo: Demo, username: str) -> Iterator[Page]:
    context = new_context(browser, demo)
    page = context.new_page()
    sign_in(page, demo, username)
    yield page
    context.close()


@pytest.fixture(scope="package")
def admin(browser: Browser, demo: Demo) -> Iterator[Page]:
    """A page signed in as the admin (password and code), shared by the tests that only read."""
    yield from _signed_in(browser, demo, "ada")


@pytest.fixture(scope="package")
def rep(browser: Browser, demo: Demo) -> Iterator[Page]:
    """A page signed in as the rep rita (crm_user u1)."""
    yield from _signed_in(browser, demo, "rita")
