"""The Dynamics sandbox's request pipeline over HTTPS: Entra ID tokens, discovery, msal, bearer checks, call counts,
and service protection limits (lowered by options and the admin so the tests stay fast)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import msal
import pytest

from sandbox.common.launcher import SandboxProcess
from sandbox.dynamics.config import Settings
from tests.support.sandboxes.dynamics import API, DynamicsApi, error_code, running

LIMITED = {"request_limit": "6", "concurrency_limit": "3"}
SLOW = 300  # simulated server milliseconds per request, where a test needs requests to overlap or to cost time


@pytest.fixture(scope="module")
def env() -> Iterator[tuple[SandboxProcess, DynamicsApi]]:
    with running(scale=400, options={"token_ttl_s": "120", **LIMITED}) as pair:
        yield pair


@pytest.fixture(autouse=True)
def fresh_window(env: tuple[SandboxProcess, DynamicsApi]) -> None:
    env[1].admin.delete("/_admin/limits")  # the low request limit must not trip unrelated tests


@pytest.fixture
def limited(env: tuple[SandboxProcess, DynamicsApi]) -> DynamicsApi:
    return env[1]


def token_request(api: DynamicsApi, tenant: str | None = None, **form: str) -> httpx.Response:
    data = {"grant_type": "client_credentials", "client_id": api.creds["client_id"],
            "client_secret": api.creds["client_secret"], "scope": f"{api.url}/.default", **form}
    return api.http.post(f"/{tenant or api.creds['tenant_id']}/oauth2/v2.0/token", data=data)


def test_client_credentials_token_is_shaped_like_entra(env: tuple[SandboxProcess, DynamicsApi]) -> None:
    _, api = env
    resp = token_request(api)
    assert resp.status_code == 200
    body = resp.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 120 and body["ext_expires_in"] == 120
    assert body["access_token"].count(".") == 2  # a JWT


@pytest.mark.parametrize(
    ("form", "status", "error", "aadsts"),
    [
        ({"client_secret": "wrong"}, 401, "invalid_client", 7000215),
        ({"client_secret": ""}, 401, "invalid_client", 7000216),
        ({"client_id": "00000000-0000-0000-0000-000000000000"}, 400, "unauthorized_client", 700016),
        ({"grant_type": "password"}, 400, "unsupported_grant_type", 70003),
        ({"scope": "https://127.0.0.1/user_impersonation"}, 400, "invalid_scope", 1002012),
        ({"scope": "https://contoso.crm.dynamics.com/.default"}, 400, "invalid_resource", 500011),
    ],
)
def test_token_errors_use_entra_codes(env: tuple[SandboxProcess, DynamicsApi], form: dict[str, str], status: int,
                                      error: str, aadsts: int) -> None:
    _, api = env
    resp = token_request(api, **form)
    assert resp.status_code == status
    body = resp.json()
    assert body["error"] == error and body["error_codes"] == [aadsts]
    assert body["error_description"].startswith(f"AADSTS{aadsts}:")


def test_unknown_tenant_is_rejected(env: tuple[SandboxProcess, DynamicsApi]) -> None:
    _, api = env
    resp = token_request(api, tenant="11111111-2222-3333-4444-555555555555")
    assert resp.status_code == 400 and resp.json()["error_codes"] == [90002]
    discovery = api.http.get("/11111111-2222-3333-4444-555555555555/v2.0/.well-known/openid-configuration")
    assert discovery.status_code == 400 and discovery.json()["error"] == "invalid_tenant"


def test_discovery_documents(env: tuple[SandboxProcess, DynamicsApi]) -> None:
    _, api = env
    tenant = api.creds["tenant_id"]
    config = api.http.get(f"/{tenant}/v2.0/.well-known/openid-configuration").json()
    assert config["token_endpoint"] == f"{api.url}/{tenant}/oauth2/v2.0/token"
    assert config["issuer"] == f"{api.url}/{tenant}/v2.0"
    host = api.url.split("://")[1].split(":")[0]
    instance = api.http.get("/common/discovery/instance", params={
        "api-version": "1.1", "authorization_endpoint": f"https://{host}/{tenant}/oauth2/v2.0/authorize"}).json()
    assert instance["tenant_discovery_endpoint"] == f"{api.url}/{tenant}/v2.0/.well-known/openid-configuration"
    foreign = api.http.get("/common/discovery/instance", params={
        "authorization_endpoint": "https://evil.example.com/x/oauth2/v2.0/authorize"})
    assert foreign.status_code == 400 and foreign.json()["error"] == "invalid_instance"


@pytest.mark.parametrize("instance_discovery", ["url", False])
def test_msal_confidential_client_gets_a_working_token(
    env: tuple[SandboxProcess, DynamicsApi], monkeypatch: pytest.MonkeyPatch, instance_discovery: object,
) -> None:
    sandbox, api = env
    # requests lets REQUESTS_CA_BUNDLE override the session's verify=; this machine sets it to the system store
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    url, tenant = api.url, api.creds["tenant_id"]
    app = msal.ConfidentialClientApplication(
        api.creds["client_id"], client_credential=api.creds["client_secret"], authority=f"{url}/{tenant}",
        verify=sandbox.info.ca_path,
        instance_discovery=f"{url}/common/discovery/instance" if instance_discovery == "url" else False,
    )
    try:
        result = app.acquire_token_for_client(scopes=[f"{url}/.default"])
    finally:
        app.http_client.close()  # an idle pooled TLS connection would hold up the server's shutdown
    assert "access_token" in result, result
    who = api.http.get(API + "WhoAmI", headers={"Authorization": f"Bearer {result['access_token']}"})
    assert who.status_code == 200
    assert who.json()["UserId"] == api.creds["application_user_id"]


def test_web_api_requires_a_valid_bearer_token(env: tuple[SandboxProcess, DynamicsApi]) -> None:
    _, api = env
    missing = api.http.get(API + "accounts")
    assert missing.status_code == 401 and missing.content == b""
    assert missing.headers["www-authenticate"].startswith("Bearer authorization_uri=")
    garbage = api.http.get(API + "accounts", headers={"Authorization": "Bearer not.a.token"})
    assert garbage.status_code == 401 and "invalid_token" in garbage.headers["www-authenticate"]


def test_tokens_expire_on_the_sandbox_clock(env: tuple[SandboxProcess, DynamicsApi]) -> None:
    _, api = env
    api.token = api.fetch_token()
    assert api.get("WhoAmI").status_code == 200
    api.admin.advance_clock(121)
    expired = api.get("WhoAmI")
    assert expired.status_code == 401
    assert "IDX10223" in expired.headers["www-authenticate"]
    api.token = api.fetch_token()
    assert api.get("WhoAmI").status_code == 200


def test_calls_are_counted_by_operation(env: tuple[SandboxProcess, DynamicsApi]) -> None:
    _, api = env
    api.admin.reset_calls()
    api.get("accounts?$top=1")
    api.get("accounts?$top=1")
    api.get("WhoAmI")
    token_request(api)
    counts = api.admin.calls()["by_endpoint"]
    assert counts["retrieve_multiple"] == 2
    assert counts["who_am_i"] == 1
    assert counts["get_token"] == 1


def test_every_answer_reports_the_remaining_budget(limited: DynamicsApi) -> None:
    first = limited.get("WhoAmI")
    second = limited.get("WhoAmI")
    assert first.headers["x-ms-ratelimit-burst-remaining-xrm-requests"] == "5"
    assert second.headers["x-ms-ratelimit-burst-remaining-xrm-requests"] == "4"
    remaining = float(second.headers["x-ms-ratelimit-time-remaining-xrm-requests"].replace(",", ""))
    assert 1199.0 < remaining <= 1200.0  # seconds of execution left, written "1,199.98"
    assert "," in second.headers["x-ms-ratelimit-time-remaining-xrm-requests"]


def test_too_many_requests_in_the_window(limited: DynamicsApi) -> None:
    statuses = [limited.get("WhoAmI").status_code for _ in range(6)]
    assert statuses == [200] * 6
    throttled = limited.get("accounts?$top=1")
    assert throttled.status_code == 429 and error_code(throttled) == "0x80072322"
    assert throttled.json()["error"]["message"] == (
        "Number of requests exceeded the limit of 6 over time window of 300 seconds.")
    assert 290 <= int(throttled.headers["retry-after"]) <= 300
    limited.admin.advance_clock(301)
    limited.token = limited.fetch_token()
    assert limited.get("WhoAmI").status_code == 200


def test_too_many_concurrent_requests(limited: DynamicsApi) -> None:
    limited.admin.put("/_admin/limits", {"latency_ms": SLOW})
    limited.admin.delete("/_admin/limits")
    limited.get("WhoAmI")  # open a connection, so the parallel burst is not all handshakes
    limited.admin.delete("/_admin/limits")
    try:
        with ThreadPoolExecutor(max_workers=5) as pool:
            answers = list(pool.map(lambda _: limited.get("WhoAmI"), range(5)))
    finally:
        limited.admin.put("/_admin/limits", {"latency_ms": 0})
    throttled = [a for a in answers if a.status_code == 429]
    assert len(throttled) >= 2
    assert {error_code(a) for a in throttled} == {"0x80072326"}
    assert throttled[0].headers["retry-after"] == "1"
    assert throttled[0].json()["error"]["message"] == "Number of concurrent requests exceeded the limit of 3."


def test_combined_execution_time_limit(limited: DynamicsApi) -> None:
    limited.admin.put("/_admin/limits", {"requests": 1000, "execution_ms": 700, "latency_ms": SLOW})
    limited.admin.delete("/_admin/limits")
    try:
        assert [limited.get("WhoAmI").status_code for _ in range(3)] == [200, 200, 200]
        throttled = limited.get("WhoAmI")
        assert throttled.status_code == 429 and error_code(throttled) == "0x80072321"
        assert "Combined execution time of incoming requests exceeded limit of 700 milliseconds" in (
            throttled.json()["error"]["message"])
        assert 1 <= int(throttled.headers["retry-after"]) <= 300
    finally:
        limited.admin.put("/_admin/limits", {"requests": 6, "execution_ms": 1_200_000, "latency_ms": 0})


def test_unenforced_limits_never_throttle(limited: DynamicsApi) -> None:
    limited.admin.put("/_admin/limits", {"enforced": False})
    limited.admin.delete("/_admin/limits")
    try:
        answers = [limited.get("WhoAmI") for _ in range(9)]
        assert {a.status_code for a in answers} == {200}
        assert answers[-1].headers["x-ms-ratelimit-burst-remaining-xrm-requests"] == "0"
    finally:
        limited.admin.put("/_admin/limits", {"enforced": True})


def test_profiles_switch_enforcement() -> None:
    assert Settings.from_options({}, "strict").enforce_limits is True
    assert Settings.from_options({}, "unlimited").enforce_limits is False
    with pytest.raises(ValueError, match="profile"):
        Settings.from_options({}, "lenient")
    with pytest.raises(ValueError, match="unknown dynamics option"):
        Settings.from_options({"tokenttl": "5"}, "strict")
