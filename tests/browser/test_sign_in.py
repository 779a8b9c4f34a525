"""Signing in through Chromium: password then a TOTP code computed with pyotp, the home page, signing out, and the
cookie taken before signing out refused afterwards (the session row is ended, not just the cookie dropped)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.support.browser_demo import Demo, new_context, sign_in

pytestmark = pytest.mark.browser


def test_sign_in_with_a_code_then_out_and_the_old_cookie_is_dead(browser: Browser, demo: Demo) -> None:
    context = new_context(browser, demo)
    page = context.new_page()
    page.goto("/")
    expect(page).to_have_url(f"{demo.site.url}/sign-in")  # signed out: the home page sends you to sign in
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("the username or password is wrong")

    sign_in(page, demo, "ada")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, ada")
    expect(page.locator("main")).to_contain_text("every record")
    cookies = context.cookies()
    assert [c["name"] for c in cookies], "no session cookie after signing in"

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{demo.site.url}/sign-in")
    page.goto("/")
    expect(page).to_have_url(f"{demo.site.url}/sign-in")
    context.close()

    # Someone who copied the cookie while ada was signed in replays it in another browser.
    thief = new_context(browser, demo)
    thief.add_cookies(cookies)  # type: ignore[arg-type]
    stolen = thief.new_page()
    stolen.goto("/dashboard")
    expect(stolen).to_have_url(f"{demo.site.url}/sign-in")
    assert stolen.request.get("/api/v1/me").status == 401
    thief.close()


def test_a_wrong_code_is_refused(browser: Browser, demo: Demo) -> None:
    context = new_context(browser, demo)
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{demo.site.url}/sign-in/code")
    good = demo.next_code()
    page.get_by_label("Code").fill("000000" if good != "000000" else "111111")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("the code is wrong or has expired")
    page.goto("/")
    expect(page).to_have_url(f"{demo.site.url}/sign-in")
    context.close()
