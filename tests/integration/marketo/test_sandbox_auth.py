"""Marketo sandbox over HTTPS: identity, the envelope, HTTP-level errors and the call limits (606/607/615)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.support.sandboxes.marketo import CLIENT_ID, CLIENT_SECRET, Marketo, burst, error_code, shared, start


@pytest.fixture(scope="module")
def marketo(request: pytest.FixtureRequest) -> Marketo:
    return shared(request)


def test_identity_issues_bearer_tokens_and_reuses_the_live_one(marketo: Marketo) -> None:
    c = marketo.client
    marketo.admin.post("/_admin/tokens/expire")  # the sandbox is shared: start from no live token
    first = c.identity(grant_type="client_credentials", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    assert first.status_code == 200
    token = first.json()
    assert token["token_type"] == "bearer" and token["scope"] and 3590 <= token["expires_in"] <= 3599
    assert re.fullmatch(r"[0-9a-f-]{36}:\w+", token["access_token"])
    marketo.admin.advance_clock(100)
    again = c.identity(grant_type="client_credentials", client_id=CLIENT_ID, client_secret=CLIENT_SECRET).json()
    assert again["access_token"] == token["access_token"]
    assert again["expires_in"] <= token["expires_in"] - 99


def test_identity_errors_are_oauth_shaped(marketo: Marketo) -> None:
    c = marketo.client
    bad = c.identity(grant_type="client_credentials", client_id=CLIENT_ID, client_secret="nope")
    assert bad.status_code == 401 and bad.json()["error"] == "invalid_client"
    assert c.identity(client_id=CLIENT_ID, client_secret=CLIENT_SECRET).status_code == 400
    wrong = c.identity(grant_type="password", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    assert wrong.json()["error"] == "unsupported_grant_type"


def test_token_errors_arrive_under_http_200(marketo: Marketo) -> None:
    c = marketo.client
    c.authenticate()
    missing = c.raw("GET", "/rest/v1/leads/describe.json", headers={"Authorization": ""})
    assert missing.status_code == 200 and error_code(missing.json()) == "600"
    bogus = c.raw("GET", "/rest/v1/leads/describe.json", headers={"Authorization": "Bearer not-a-token"})
    body = bogus.json()
    assert body == {"requestId": body["requestId"], "success": False,
                    "errors": [{"code": "601", "message": "Access token invalid"}]}
    assert re.fullmatch(r"[0-9a-f]+#[0-9a-f]+", body["requestId"])
    # After 2026-07-31 Marketo no longer reads ?access_token=; the sandbox clock is past that date.
    query = c.raw("GET", "/rest/v1/leads/describe.json", params={"access_token": c.token},
                  headers={"Authorization": ""})
    assert error_code(query.json()) == "600"
    marketo.admin.advance_clock(3600)
    expired = c.raw("GET", "/rest/v1/leads/describe.json").json()
    assert error_code(expired) == "602" and expired["errors"][0]["message"] == "Access token expired"
    c.authenticate()
    assert c.raw("GET", "/rest/v1/leads/describe.json").json()["success"] is True


def test_admin_can_expire_tokens(marketo: Marketo) -> None:
    c = marketo.client
    c.authenticate()
    marketo.admin.post("/_admin/tokens/expire")
    assert error_code(c.raw("GET", "/rest/v1/leads/describe.json").json()) == "602"
    c.authenticate()


def test_http_level_errors_and_method_override(marketo: Marketo) -> None:
    c = marketo.client
    c.authenticate()
    c.fresh_window()
    ids = ",".join(str(1_000_000 + i) for i in range(1200))
    long_get = c.raw("GET", "/rest/v1/leads.json", params={"filterType": "id", "filterValues": ids})
    assert long_get.status_code == 414
    ids = ",".join(str(1001 + i) for i in range(300))
    override = c.raw("POST", "/rest/v1/leads.json", params={"_method": "GET"},
                     content=f"filterType=id&filterValues={ids}&fields=email",
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert override.status_code == 200 and override.json()["success"] and override.json()["result"]
    huge = c.raw("POST", "/rest/v1/leads.json", json={"input": [{"email": "x" * 1000 + "@a.com"}] * 1100})
    assert huge.status_code == 413
    assert error_code(c.raw("GET", "/rest/v1/leads/delete.json").json()) == "605"
    assert error_code(c.raw("POST", "/rest/v1/leads.json", content=b"{nope",
                            headers={"Content-Type": "application/json"}).json()) == "609"
    assert error_code(c.raw("POST", "/rest/v1/leads.json", content=b"{}",
                            headers={"Content-Type": "text/plain"}).json()) == "612"
    assert error_code(c.raw("GET", "/rest/v1/no/such/thing.json").json()) == "610"


def test_rate_limit_606_counts_successful_calls_in_a_sliding_20_seconds(marketo: Marketo) -> None:
    c = marketo.client
    c.authenticate()
    c.fresh_window()
    bodies = burst(marketo.sandbox, c.token or "", "/rest/v1/leads/describe.json", 100, parallel=8)
    assert all(b["success"] for b in bodies)
    limited = c.call("GET", "/rest/v1/leads/describe.json", ride_limits=False)
    assert limited["errors"] == [{"code": "606", "message": "Max rate limit '100' exceeded with in '20' secs"}]
    # Errors do not count against the window: errors keep coming back until the window slides.
    assert error_code(c.call("GET", "/rest/v1/leads/describe.json", ride_limits=False)) == "606"
    marketo.admin.advance_clock(20)
    assert c.call("GET", "/rest/v1/leads/describe.json", ride_limits=False)["success"]


def test_daily_quota_607_resets_at_central_midnight(marketo: Marketo) -> None:
    c = marketo.client
    c.authenticate()
    c.fresh_window()
    used = c.get("/rest/v1/stats/usage.json")["result"][0]["total"]
    # The usage call itself is counted once it has answered, hence the 1.
    marketo.admin.patch("/_admin/settings", {"daily_quota": used + 1 + 2})
    try:
        assert c.get("/rest/v1/leads/describe.json")["success"]
        assert c.get("/rest/v1/leads/describe.json")["success"]
        blocked = c.get("/rest/v1/leads/describe.json")
        assert blocked["errors"] == [{"code": "607", "message": "Daily quota reached"}]
        now = datetime.fromisoformat(marketo.admin.get("/_admin/clock")["now"])
        central = now.astimezone(ZoneInfo("America/Chicago"))
        midnight = (central + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        marketo.admin.advance_clock((midnight - central).total_seconds() + 1)
        assert c.get("/rest/v1/leads/describe.json")["success"]
    finally:
        marketo.admin.patch("/_admin/settings", {"daily_quota": 50000})


def test_concurrency_615_beyond_ten_requests_in_flight(marketo: Marketo) -> None:
    c = marketo.client
    token = c.authenticate()
    c.fresh_window()
    marketo.admin.patch("/_admin/settings", {"latency_ms": 1500})

    try:
        bodies = burst(marketo.sandbox, token, "/rest/v1/leads/describe.json", 14, parallel=14)
    finally:
        marketo.admin.patch("/_admin/settings", {"latency_ms": 0})
    codes = [error_code(b) for b in bodies]
    assert codes.count("615") >= 1 and codes.count(None) <= 10
    assert all(code in (None, "615") for code in codes)
    assert {"code": "615", "message": "Concurrent access limit reached"} in [
        e for b in bodies for e in b.get("errors", [])]


def test_usage_and_error_stats(marketo: Marketo) -> None:
    c = marketo.client
    c.authenticate()
    c.fresh_window()
    before = c.get("/rest/v1/stats/usage.json")["result"][0]
    c.get("/rest/v1/leads/describe.json")
    after = c.get("/rest/v1/stats/usage.json")["result"][0]
    assert after["total"] == before["total"] + 2 and after["users"][0]["count"] == after["total"]
    c.raw("GET", "/rest/v1/leads/describe.json", headers={"Authorization": "Bearer bogus"})
    errors = c.get("/rest/v1/stats/errors.json")["result"][0]
    assert any(e["errorCode"] == "601" and e["count"] >= 1 for e in errors["errors"])
    week = c.get("/rest/v1/stats/usage/last7days.json")["result"]
    assert len(week) == 7 and week[0]["date"] == after["date"]
    assert len(c.get("/rest/v1/stats/errors/last7days.json")["result"]) == 7


def test_calls_are_counted_by_operation(marketo: Marketo) -> None:
    c = marketo.client
    c.fresh_window()  # before the token: moving the clock must not age it
    c.authenticate()
    marketo.admin.reset_calls()
    # One request each, no client retry (a retried 601/606 is rightly counted twice): each must succeed at once.
    for method, path, kw in (("GET", "/rest/v1/leads/describe2.json", {}),
                             ("GET", "/rest/v1/leads.json", {"params": {"filterType": "id", "filterValues": "1001"}}),
                             ("POST", "/rest/v1/leads.json", {"json": {"input": []}})):
        resp = c.raw(method, path, **kw)
        assert resp.status_code == 200 and resp.json()["success"], resp.text
    by = marketo.admin.calls()["by_endpoint"]
    assert by["describe_lead2"] == 1 and by["get_leads"] == 1 and by["sync_leads"] == 1


@pytest.fixture(scope="module")
def unlimited() -> Iterator[Marketo]:
    yield from start(profile="unlimited", scale=300, token_ttl_s="120", client_id="other", client_secret="s3cret")


def test_unlimited_profile_lifts_limits_but_keeps_the_rest(unlimited: Marketo) -> None:
    http = unlimited.client.http
    token = http.get("/identity/oauth/token", params={"grant_type": "client_credentials", "client_id": "other",
                                                      "client_secret": "s3cret"}).json()
    assert token["expires_in"] <= 120
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    unlimited.admin.patch("/_admin/settings", {"daily_quota": 0, "latency_ms": 200})
    bodies = burst(unlimited.sandbox, token["access_token"], "/rest/v1/leads/describe.json", 130, parallel=16)
    assert all(b["success"] for b in bodies), [b for b in bodies if not b["success"]][:1]
    unlimited.admin.advance_clock(121)
    assert error_code(http.get("/rest/v1/leads/describe.json", headers=headers).json()) == "602"
    assert unlimited.admin.get("/_admin/settings")["limits_enabled"] is False
