"""Every answer carries the security headers (HSTS only over https); a failure is a page or JSON without its
traceback; no secret, hash or seed appears in any answer or log line."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from access import Accounts, Tokens
from access.audit import CLI
from access.totp import code_at
from store.tables import web_account
from tests.support.web import KEY, PASSWORD, SECRET, Clock, add_account, app_for, csrf_of, sign_in
from web.security import CSP


def _checked(headers: object, *, https: bool) -> None:
    h = dict(headers)  # type: ignore[call-overload]
    assert h["content-security-policy"] == CSP and "default-src 'self'" in CSP and "cdn" not in CSP
    assert h["x-frame-options"] == "DENY" and h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] == "strict-origin-when-cross-origin"
    assert ("strict-transport-security" in h) is https


@pytest.mark.parametrize("https", [False, True])
def test_headers_on_pages_api_errors_and_assets(sqlite_db: Engine, https: bool) -> None:
    add_account(sqlite_db, "ada")
    client = TestClient(app_for(sqlite_db, Clock(), https=https), base_url="https://testserver" if https else
                        "http://testserver")
    for path in ("/sign-in", "/", "/api/v1/me", "/api/v1/nothing", "/nothing", "/static/vendor/htmx.min.js",
                 "/api/docs", "/api/openapi.json"):
        _checked(client.get(path, follow_redirects=False).headers, https=https)
    sign_in(client, "ada")
    cookie = next(c for c in client.cookies.jar if c.name == "crmhub_session")
    assert cookie.secure is https and cookie.has_nonstandard_attr("HttpOnly")


def test_an_unexpected_failure_shows_no_traceback(sqlite_db: Engine, caplog: pytest.LogCaptureFixture) -> None:
    app = app_for(sqlite_db, Clock())

    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("internal detail /etc/crmhub")

    @app.get("/boom")
    def boom_page() -> None:
        raise RuntimeError("internal detail /etc/crmhub")

    client = TestClient(app, raise_server_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="crmhub.web"):
        api = client.get("/api/v1/boom")
        page = client.get("/boom")
    assert api.status_code == 500 and api.json() == {"error": {"code": "internal", "message": (
        "the server failed on this request; the error is logged for the administrator")}}
    assert page.status_code == 500 and "the server failed on this request" in page.text
    for answer in (api, page):
        assert "Traceback" not in answer.text and "internal detail" not in answer.text
        _checked(answer.headers, https=False)
    assert "internal detail" in caplog.text  # the administrator's log has it


def test_pages_are_accessible_html(sqlite_db: Engine) -> None:
    add_account(sqlite_db, "ada")
    client = TestClient(app_for(sqlite_db, Clock()))
    page = client.get("/sign-in").text
    assert '<html lang="en">' in page and "<main" in page and "<header>" in page
    assert '<label for="username">' in page and 'id="username"' in page and '<label for="password">' in page
    assert "<script" in page and "http" not in page.split("<script", 1)[1].split(">", 1)[0]  # no CDN
    assert 'style="' not in page  # the CSP allows no inline style
    sign_in(client, "ada")
    home = client.get("/").text
    assert "<caption>" in home and 'scope="col"' in home and 'aria-label="Account"' in home


def test_no_secret_in_any_answer_or_log(engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    add_account(engine, "ada", clock=clock)
    enrolment = Accounts(engine, clock=clock, secret_key=KEY).enrol_mfa("ada", actor=CLI)
    _, token = Tokens(engine, clock=clock).create("ada", "t", actor=CLI)
    with engine.connect() as conn:
        stored_hash = conn.execute(select(web_account.c.password_hash)).scalar_one()
    client = TestClient(app_for(engine, clock))
    answers = []
    with caplog.at_level(logging.DEBUG):
        answers.append(client.post("/sign-in", data={"csrf": csrf_of(client), "username": "ada",
                                                     "password": PASSWORD}))
        answers.append(client.post("/sign-in/code", data={"csrf": csrf_of(client, "/sign-in/code"),
                                                          "code": code_at(enrolment.secret, clock.now)}))
        for path in ("/", "/api/v1/me", "/api/v1/kpis", "/api/v1/kpis/WIN_RATE_CLOSED", "/sign-in", "/nothing"):
            answers.append(client.get(path))
            answers.append(client.get(path, headers={"Authorization": f"Bearer {token}"}))
        answers.append(client.get("/api/v1/me", headers={"Authorization": "Bearer wrong"}))
    assert answers[1].status_code == 200 and "Welcome" in answers[1].text
    shown = "\n".join([a.text + str(dict(a.headers)) for a in answers] + [caplog.text])
    for secret in (PASSWORD, stored_hash, enrolment.secret, token, SECRET, "$argon2"):
        assert secret not in shown
