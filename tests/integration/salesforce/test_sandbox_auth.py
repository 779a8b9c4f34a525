"""The Salesforce sandbox's OAuth flows, sessions, HTTPS-only rule, daily limit, URL limit and error shapes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.support.sandboxes.salesforce import (
    CLIENT_ID,
    CLIENT_SECRET,
    PASSWORD,
    SECURITY_TOKEN,
    USERNAME,
    SalesforceSandbox,
    V,
    error_code,
    running_salesforce,
)

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return _key()


@pytest.fixture(scope="module")
def sf(signing_key: rsa.RSAPrivateKey, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SalesforceSandbox]:
    pem = signing_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                serialization.PublicFormat.SubjectPublicKeyInfo)
    key_file = Path(tmp_path_factory.mktemp("jwt")) / "public.pem"
    key_file.write_bytes(pem)
    with running_salesforce(scale=300, options={"jwt_public_key_file": str(key_file), "session_ttl_s": "600",
                                                "daily_limit": "60"}) as sandbox:
        yield sandbox


def _token(sf: SalesforceSandbox, **form: str) -> httpx.Response:
    with sf.raw() as c:
        return c.post("/services/oauth2/token", data=form)


def _assertion(key: rsa.RSAPrivateKey, sf: SalesforceSandbox, **claims: object) -> str:
    now = int(time.time())
    body = {"iss": CLIENT_ID, "sub": USERNAME, "aud": "https://login.salesforce.com", "exp": now + 180, **claims}
    return jwt.encode(body, key, algorithm="RS256")


def test_password_flow_needs_the_security_token(sf: SalesforceSandbox) -> None:
    ok = _token(sf, grant_type="password", client_id=CLIENT_ID, client_secret=CLIENT_SECRET, username=USERNAME,
                password=PASSWORD + SECURITY_TOKEN)
    assert ok.status_code == 200
    body = ok.json()
    assert body["instance_url"] == sf.info.https_url and body["token_type"] == "Bearer"
    assert set(body) >= {"access_token", "id", "issued_at", "signature"} and "refresh_token" not in body
    bad = _token(sf, grant_type="password", client_id=CLIENT_ID, client_secret=CLIENT_SECRET, username=USERNAME,
                 password=PASSWORD)
    assert bad.status_code == 400 and bad.json() == {"error": "invalid_grant",
                                                     "error_description": "authentication failure"}


def test_client_errors_are_oauth_shaped(sf: SalesforceSandbox) -> None:
    wrong_id = _token(sf, grant_type="client_credentials", client_id="nope", client_secret=CLIENT_SECRET)
    assert wrong_id.status_code == 400 and wrong_id.json()["error"] == "invalid_client_id"
    wrong_secret = _token(sf, grant_type="client_credentials", client_id=CLIENT_ID, client_secret="nope")
    assert wrong_secret.json()["error"] == "invalid_client"
    assert _token(sf, grant_type="implicit").json()["error"] == "unsupported_grant_type"


def test_refresh_token_flow_and_revoke(sf: SalesforceSandbox) -> None:
    refresh = sf.admin.post("/_admin/oauth/refresh_token")["refresh_token"]
    resp = _token(sf, grant_type="refresh_token", client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                  refresh_token=refresh)
    assert resp.status_code == 200
    token = resp.json()["access_token"]
    with sf.client(token) as c:
        assert c.get(f"{V}/sobjects").status_code == 200
        with sf.raw() as raw:
            assert raw.post("/services/oauth2/revoke", data={"token": refresh}).status_code == 200
        assert c.get(f"{V}/sobjects").status_code == 401  # its sessions ended with it
    again = _token(sf, grant_type="refresh_token", client_id=CLIENT_ID, refresh_token=refresh)
    assert again.json() == {"error": "invalid_grant", "error_description": "expired access/refresh token"}


def test_jwt_bearer_verifies_signature_audience_and_expiry(sf: SalesforceSandbox,
                                                           signing_key: rsa.RSAPrivateKey) -> None:
    ok = _token(sf, grant_type=JWT_GRANT, assertion=_assertion(signing_key, sf))
    assert ok.status_code == 200, ok.text
    own_url = _token(sf, grant_type=JWT_GRANT, assertion=_assertion(signing_key, sf, aud=sf.info.https_url))
    assert own_url.status_code == 200
    forged = _token(sf, grant_type=JWT_GRANT, assertion=_assertion(_key(), sf))
    assert forged.json() == {"error": "invalid_grant", "error_description": "invalid assertion"}
    audience = _token(sf, grant_type=JWT_GRANT, assertion=_assertion(signing_key, sf, aud="https://evil.example"))
    assert audience.json()["error_description"] == "audience is invalid"
    expired = _token(sf, grant_type=JWT_GRANT, assertion=_assertion(signing_key, sf, exp=int(time.time()) - 5))
    assert expired.json()["error"] == "invalid_grant"
    stranger = _token(sf, grant_type=JWT_GRANT, assertion=_assertion(signing_key, sf, sub="who@else.example"))
    assert stranger.json()["error_description"] == "user hasn't approved this consumer"


def test_http_is_refused_and_unauthenticated_calls_get_401(sf: SalesforceSandbox) -> None:
    with httpx.Client(base_url=sf.info.http_url, timeout=30) as plain:
        resp = plain.get(f"{V}/sobjects", headers={"Authorization": f"Bearer {sf.token()}"})
        assert resp.status_code == 403 and error_code(resp) == "UNSUPPORTED_CLIENT"
        assert plain.post("/services/oauth2/token", data={"grant_type": "client_credentials"}).status_code == 400
    with sf.client(None) as anonymous:
        resp = anonymous.get(f"{V}/sobjects")
    assert resp.status_code == 401
    assert resp.json() == [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]


def test_versions_routes_and_methods(sf: SalesforceSandbox) -> None:
    with sf.client(sf.token()) as c:
        versions = c.get("/services/data").json()
        assert versions[0]["version"] == "50.0" and versions[-1]["version"] == "62.0"
        assert c.get("/services/data/v59.0/sobjects").status_code == 200  # simple-salesforce's default
        assert c.get("/services/data/v49.0/sobjects").status_code == 404
        assert error_code(c.get(f"{V}/nothing/here")) == "NOT_FOUND"
        resp = c.put(f"{V}/query", params={"q": "SELECT Id FROM Account"})
        assert resp.status_code == 405 and error_code(resp) == "METHOD_NOT_ALLOWED"


def _in_list_query(names: int) -> str:
    return "SELECT Id FROM Account WHERE Name IN (" + ",".join(f"'n{i:05d}'" for i in range(names)) + ")"


def test_uri_length_limits(sf: SalesforceSandbox) -> None:
    assert sf.query(_in_list_query(100)).status_code == 200
    too_long = sf.query(_in_list_query(1100))  # the URI alone is over 16,384 bytes once encoded
    assert too_long.status_code == 414
    headers_too = sf.api.get(f"{V}/query", params={"q": _in_list_query(1000)}, headers={"X-Pad": "p" * 2000})
    assert headers_too.status_code == 431


def test_sessions_expire_after_the_timeout_without_use(sf: SalesforceSandbox) -> None:
    with sf.client(sf.token()) as c:
        assert c.get(f"{V}/limits").status_code == 200
        sf.admin.advance_clock(599)
        assert c.get(f"{V}/limits").status_code == 200  # use extends the session
        sf.admin.advance_clock(601)
        resp = c.get(f"{V}/limits")
    assert resp.status_code == 401 and error_code(resp) == "INVALID_SESSION_ID"


def test_daily_limit_is_enforced_and_rolls_over(sf: SalesforceSandbox) -> None:
    sf.admin.advance_clock(86_400)  # a fresh rolling window
    with sf.client(sf.token()) as c:
        first = c.get(f"{V}/limits")
        used, total = first.headers["Sforce-Limit-Info"].removeprefix("api-usage=").split("/")
        assert int(total) == 60 and first.json()["DailyApiRequests"] == {"Max": 60, "Remaining": 60 - int(used)}
        for _ in range(60 - int(used)):
            assert c.get(f"{V}/sobjects").status_code == 200
        refused = c.get(f"{V}/sobjects")
        assert refused.status_code == 403
        assert refused.json() == [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}]
        assert refused.headers["Sforce-Limit-Info"] == "api-usage=60/60"
        sf.admin.advance_clock(86_401)
        assert c.get(f"{V}/sobjects").status_code == 401  # the session timed out meanwhile
    with sf.client(sf.token()) as c:
        assert c.get(f"{V}/sobjects").status_code == 200
    assert sf.admin.get("/_admin/usage")["api_requests"] == 1
