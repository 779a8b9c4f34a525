"""Authentication and limits of the HubSpot sandbox (strict profile) over real HTTPS: 401 bodies, OAuth refresh and
expiry, the ten-secondly, secondly (search) and daily limits with their 429 bodies and headers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.support.sandboxes.hubspot import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, HubSpotSandbox, running_sandbox

DAILY_LIMIT = 260  # above the ten-secondly test's 190 requests, so each limit is met on its own
NO_CREDENTIALS = ("Authentication credentials not found. This API supports OAuth 2.0 authentication and you can "
                  "find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview")


@pytest.fixture(scope="module")
def hs() -> Iterator[HubSpotSandbox]:
    with running_sandbox(scale=400, options={"daily_limit": str(DAILY_LIMIT), "access_token_ttl_s": "1800"}) as sb:
        yield sb


@pytest.fixture(autouse=True)
def fresh_windows(hs: HubSpotSandbox) -> None:
    hs.admin.advance_clock(11)  # every test starts with empty rolling windows


def refresh(hs: HubSpotSandbox, **overrides: str) -> httpx.Response:
    form = {"grant_type": "refresh_token", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
            "refresh_token": REFRESH_TOKEN, **overrides}
    return hs.api.post("/oauth/v1/token", data=form)


def test_missing_or_wrong_credentials(hs: HubSpotSandbox) -> None:
    for token in (None, "pat-na1-00000000-0000-0000-0000-000000000000"):
        with hs.client(token) as anonymous:
            resp = anonymous.get("/crm/v3/objects/contacts")
        assert resp.status_code == 401
        body = resp.json()
        assert body["message"] == NO_CREDENTIALS and body["category"] == "INVALID_AUTHENTICATION"
        assert body["status"] == "error" and len(body["correlationId"]) == 36


def test_oauth_refresh_and_expiry(hs: HubSpotSandbox) -> None:
    bad = refresh(hs, refresh_token="na1-nope")
    assert bad.status_code == 400
    body = bad.json()  # HubSpot's token endpoint refusal: status, message and a correlation id
    assert {k: body[k] for k in ("status", "message")} == {"status": "BAD_REFRESH_TOKEN",
                                                            "message": "missing or invalid refresh token"}
    assert len(body["correlationId"]) == 36
    assert refresh(hs, client_secret="wrong").status_code == 400
    granted = refresh(hs)
    assert granted.status_code == 200
    token = granted.json()
    assert token["token_type"] == "bearer" and token["expires_in"] == 1800 and token["refresh_token"] == REFRESH_TOKEN
    with hs.client(token["access_token"]) as oauth:
        assert oauth.get("/crm/v3/objects/contacts", params={"limit": 1}).status_code == 200
        hs.admin.advance_clock(1801)
        expired = oauth.get("/crm/v3/objects/contacts", params={"limit": 1})
    assert expired.status_code == 401 and expired.json()["category"] == "EXPIRED_AUTHENTICATION"
    assert refresh(hs).json()["access_token"] != token["access_token"]


def test_ten_secondly_limit_429_body_and_headers(hs: HubSpotSandbox) -> None:
    remaining = []
    for _ in range(190):
        resp = hs.api.get("/crm/v3/owners", params={"limit": 1})
        assert resp.status_code == 200
        remaining.append(int(resp.headers["X-HubSpot-RateLimit-Remaining"]))
    assert remaining[0] == 189 and remaining[-1] == 0 and remaining == sorted(remaining, reverse=True)
    assert resp.headers["X-HubSpot-RateLimit-Max"] == "190"
    assert resp.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
    assert resp.headers["X-HubSpot-RateLimit-Daily"] == str(DAILY_LIMIT)
    refused = hs.api.get("/crm/v3/owners")
    assert refused.status_code == 429
    body = refused.json()
    assert body["message"] == "You have reached your ten_secondly_rolling limit."
    assert (body["errorType"], body["policyName"], body["status"]) == ("RATE_LIMIT", "TEN_SECONDLY_ROLLING", "error")
    assert body["correlationId"] and "Retry-After" not in refused.headers
    assert refused.headers["X-HubSpot-RateLimit-Remaining"] == "0"
    hs.admin.advance_clock(10)
    assert hs.api.get("/crm/v3/owners").status_code == 200


def test_search_secondly_limit(hs: HubSpotSandbox) -> None:
    for _ in range(5):
        resp = hs.search("contacts", {"limit": 1})
        assert resp.status_code == 200
        assert not any(h.lower().startswith("x-hubspot-ratelimit") for h in resp.headers)
    refused = hs.search("contacts", {"limit": 1})
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    body = refused.json()
    assert (body["message"], body["policyName"], body["errorType"]) == (
        "You have reached your secondly limit.", "SECONDLY", "RATE_LIMIT")
    hs.admin.advance_clock(1)
    assert hs.search("contacts", {"limit": 1}).status_code == 200


def test_daily_limit(hs: HubSpotSandbox) -> None:
    refused = None
    for _ in range(DAILY_LIMIT + 10):
        resp = hs.api.get("/crm/v3/objects/companies", params={"limit": 1})
        if resp.status_code == 429 and resp.json()["policyName"] == "TEN_SECONDLY_ROLLING":
            hs.admin.advance_clock(10)
            continue
        if resp.status_code == 429:
            refused = resp
            break
        assert resp.status_code == 200
    assert refused is not None
    assert refused.json()["policyName"] == "DAILY" and refused.json()["message"] == "You have reached your daily limit."
    assert refused.headers["X-HubSpot-RateLimit-Daily-Remaining"] == "0" and "Retry-After" not in refused.headers
    now = datetime.fromisoformat(hs.admin.get("/_admin/clock")["now"])
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)
    hs.admin.advance_clock((midnight - now).total_seconds() + 1)
    again = hs.api.get("/crm/v3/objects/companies", params={"limit": 1})
    assert again.status_code == 200 and again.headers["X-HubSpot-RateLimit-Daily-Remaining"] == str(DAILY_LIMIT - 1)
