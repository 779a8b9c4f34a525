"""The REST API: bearer tokens and sessions, /me, the KPI list's envelope and filters, one KPI, its values at a
grain for the caller's scope, and every refusal as JSON that says what to do."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from access import Accounts, Tokens
from access.audit import CLI
from analytics.kpi.catalog import Catalog
from analytics.kpi.loader import shipped_kpi_registry
from analytics.kpi.query import KpiRequest, compute
from config.models.kpi import KpiSettings
from store.tables import web_account
from tests.support.kpi_golden import build
from tests.support.stores import fresh_engine
from tests.support.web import Clock, add_account, add_users, app_for, sign_in


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The KPI golden store (u1, u2 of east, u3 of west), read only by these tests."""
    yield from fresh_engine("sqlite", tmp_path_factory.mktemp("golden"))


@pytest.fixture(scope="module")
def api(golden: Engine) -> tuple[TestClient, dict[str, str]]:
    build(golden)
    clock = Clock()
    add_account(golden, "ada", clock=clock)
    add_account(golden, "rita", "rep", "u1", clock=clock)
    add_account(golden, "mona", "manager", "u2", clock=clock)
    tokens = {name: Tokens(golden, clock=clock).create(name, "tests", actor=CLI)[1] for name in ("ada", "rita", "mona")}
    return TestClient(app_for(golden, clock)), tokens


def _get(api: tuple[TestClient, dict[str, str]], path: str, who: str = "ada") -> tuple[int, dict]:  # type: ignore[type-arg]
    client, tokens = api
    answer = client.get(path, headers={"Authorization": f"Bearer {tokens[who]}"})
    return answer.status_code, answer.json()


def test_me_by_token_and_by_session(api: tuple[TestClient, dict[str, str]], golden: Engine) -> None:
    status, doc = _get(api, "/api/v1/me", "rita")
    assert status == 200 and doc["account"]["username"] == "rita" and doc["as_user"] == "u1" and doc["via"] == "token"
    assert _get(api, "/api/v1/me")[1]["as_user"] is None
    browser = TestClient(api[0].app)
    sign_in(browser, "mona")
    assert browser.get("/api/v1/me").json()["as_user"] == "u2"
    assert browser.get("/api/v1/me").json()["via"] == "session"


def test_unauthenticated_and_refused_tokens(api: tuple[TestClient, dict[str, str]], golden: Engine) -> None:
    client, _ = api
    anonymous = client.get("/api/v1/kpis")
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"] == "Bearer"
    assert "sign in at /sign-in, or send an API token" in anonymous.json()["error"]["message"]
    wrong = client.get("/api/v1/me", headers={"Authorization": "Basic YWRhOnB3"})
    assert wrong.status_code == 401 and "must be 'Bearer <API token>'" in wrong.json()["error"]["message"]
    unknown = client.get("/api/v1/me", headers={"Authorization": "Bearer crmhub_nope"})
    assert unknown.status_code == 401 and unknown.json()["error"]["code"] == "unauthorized"
    token, secret = Tokens(golden).create("ada", "to revoke", actor=CLI)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    Tokens(golden).revoke(token.id, actor=CLI)
    revoked = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert revoked.status_code == 401 and "unknown, revoked" in revoked.json()["error"]["message"]


def test_kpi_list_envelope_filters_and_pages(api: tuple[TestClient, dict[str, str]]) -> None:
    registry = shipped_kpi_registry()
    status, doc = _get(api, "/api/v1/kpis?limit=5&offset=2")
    assert status == 200 and set(doc) == {"items", "total", "limit", "offset"}
    assert (doc["total"], doc["limit"], doc["offset"]) == (len(registry.kpis), 5, 2)
    assert [k["code"] for k in doc["items"]] == list(registry.kpis)[2:7]
    _, computed = _get(api, "/api/v1/kpis?status=computed&limit=1000")
    assert computed["total"] == registry.census().distinct.computed
    assert {k["status"] for k in computed["items"]} == {"computed"}
    module = next(iter(registry.modules))
    _, of_module = _get(api, f"/api/v1/kpis?module={module}&limit=1000")
    assert of_module["total"] == len(registry.module(module).kpis)
    _, past_end = _get(api, f"/api/v1/kpis?offset={len(registry.kpis)}")
    assert past_end["items"] == [] and past_end["total"] == len(registry.kpis)


@pytest.mark.parametrize(("path", "status", "code", "message"), [
    ("/api/v1/kpis?status=great", 422, "bad_request", "no status 'great': a KPI is computed, needs_data"),
    ("/api/v1/kpis?module=NOPE", 422, "bad_request", "no module 'NOPE'"),
    ("/api/v1/kpis?limit=0", 422, "bad_request", "query.limit: Input should be greater than or equal to 1"),
    ("/api/v1/kpis?limit=5000", 422, "bad_request", "query.limit: Input should be less than or equal to 1000"),
    ("/api/v1/kpis?offset=-1", 422, "bad_request", "query.offset"),
    ("/api/v1/kpis/NO_SUCH_KPI", 404, "not_found", "no KPI 'NO_SUCH_KPI'"),
    ("/api/v1/kpis/NO_SUCH_KPI/values", 404, "not_found", "`crmhub kpi list` lists the"),
    ("/api/v1/kpis/WIN_RATE_CLOSED/values?grain=rep,product", 422, "bad_request",
     "'product' is neither a dimension (rep, team, region, territory, company) nor a period"),
    ("/api/v1/kpis/WIN_RATE_CLOSED/values?grain=month,quarter", 422, "bad_request", "at most one period"),
    ("/api/v1/kpis/WIN_RATE_CLOSED/values?from=2025-13-01", 422, "bad_request", "(a date is YYYY-MM-DD)"),
    ("/api/v1/kpis/WIN_RATE_CLOSED/values?from=2025-06-01&to=2025-01-01", 422, "bad_request",
     "the range [2025-06-01, 2025-01-01) is empty"),
    ("/api/v1/kpis/WIN_RATE_CLOSED/values?filter=rep", 422, "bad_request", "expected DIMENSION=MEMBER"),
    ("/api/v1/nothing", 404, "not_found", "/api/docs lists the API's endpoints"),
])
def test_refusals_are_json_with_what_to_do(api: tuple[TestClient, dict[str, str]], path: str, status: int, code: str,
                                           message: str) -> None:
    got, doc = _get(api, path)
    assert got == status and set(doc) == {"error"} and doc["error"]["code"] == code
    assert message in doc["error"]["message"]
    assert "Traceback" not in str(doc)


def test_a_needs_data_kpi_says_why(api: tuple[TestClient, dict[str, str]]) -> None:
    waiting = next(k for k in shipped_kpi_registry().kpis.values() if k.status == "needs_data")
    status, doc = _get(api, f"/api/v1/kpis/{waiting.code}/values")
    assert status == 422 and doc["error"]["code"] in ("not_computable", "bad_request")
    assert doc["error"]["message"]


def test_method_not_allowed_is_json(api: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = api
    answer = client.delete("/api/v1/kpis", headers={"Authorization": f"Bearer {tokens['ada']}"})
    assert answer.status_code == 405 and answer.json()["error"]["code"] == "method_not_allowed"
    assert "DELETE is not allowed on /api/v1/kpis" in answer.json()["error"]["message"]


def test_show_one_kpi(api: tuple[TestClient, dict[str, str]]) -> None:
    status, doc = _get(api, "/api/v1/kpis/win_rate_closed")
    assert status == 200 and doc["code"] == "WIN_RATE_CLOSED" and doc["status"] == "computed"
    assert doc["measures"] and doc["modules"]


@pytest.mark.parametrize(("who", "as_user"), [("ada", None), ("rita", "u1"), ("mona", "u2")])
def test_values_equal_compute_for_the_caller_s_scope(api: tuple[TestClient, dict[str, str]], golden: Engine,
                                                     who: str, as_user: str | None) -> None:
    status, doc = _get(api, "/api/v1/kpis/WIN_RATE_CLOSED/values?grain=rep,quarter&from=2024-01-01&to=2026-01-01",
                       who)
    registry = shipped_kpi_registry()
    kpi = registry.kpi("WIN_RATE_CLOSED")
    want = compute(golden, kpi, KpiRequest(kpi.code, ("rep",), "quarter", date(2024, 1, 1), date(2026, 1, 1),
                                           as_user=as_user), catalog=Catalog.load(), settings=KpiSettings())
    assert status == 200 and doc["as_user"] == as_user and doc["total"] == len(want.rows) > 0
    assert [(r["rep"], r["period_start"], r["value"]) for r in doc["items"]] == [
        (r.members["rep"], r.period_start.isoformat() if r.period_start else None, r.value) for r in want.rows]
    reps = {r["rep"] for r in doc["items"]}
    assert reps <= {"ada": reps, "rita": {"u1"}, "mona": {"u1", "u2"}}[who]


def test_openapi_and_docs_are_local(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = api
    spec = client.get("/api/openapi.json").json()
    assert {p for p in spec["paths"] if not p.startswith("/api/v1/admin/")} == {
        "/api/v1/me", "/api/v1/kpis", "/api/v1/kpis/{code}", "/api/v1/kpis/{code}/values", "/api/v1/dashboard",
        "/api/v1/dashboard/export"}  # the admin console's endpoints: tests/unit/web/test_admin_console.py
    export = spec["paths"]["/api/v1/dashboard/export"]["get"]
    assert set(export["responses"]["200"]["content"]) >= {"application/pdf", "application/vnd.openxmlformats-"
                                                          "officedocument.spreadsheetml.sheet"}
    assert {p["name"] for p in export["parameters"]} >= {"format", "level", "member", "from", "to"}
    page = client.get("/api/docs")
    assert page.status_code == 200 and "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page.text
    assert "http" not in page.text.replace('data-openapi="/api/openapi.json"', "")  # nothing from another host
    for asset in ("/static/vendor/swagger-ui/swagger-ui-bundle.js", "/static/vendor/swagger-ui/swagger-ui.css",
                  "/static/api-docs.js", "/static/vendor/htmx.min.js", "/static/web.css"):
        assert client.get(asset).status_code == 200, asset


def test_vendored_assets_carry_their_licences() -> None:
    vendor = Path(__file__).parents[3] / "web" / "static" / "vendor"
    assert "Zero-Clause BSD" in (vendor / "htmx.LICENSE.txt").read_text()
    assert "Apache License" in (vendor / "swagger-ui" / "LICENSE").read_text()
    assert (vendor / "htmx.min.js").stat().st_size > 10_000


def test_accounts_disabled_mid_way_lose_the_api(api: tuple[TestClient, dict[str, str]], golden: Engine) -> None:
    add_account(golden, "temp")
    _, secret = Tokens(golden).create("temp", "x", actor=CLI)
    client = api[0]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    Accounts(golden).disable("temp", actor=CLI)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_a_scoped_account_without_its_crm_user_is_refused(sqlite_db: Engine) -> None:
    add_users(sqlite_db)
    add_account(sqlite_db, "rita", "rep", "u1")
    _, secret = Tokens(sqlite_db).create("rita", "x", actor=CLI)
    with sqlite_db.begin() as conn:  # a row edited by hand, or older than the rule
        conn.execute(web_account.update().values(crm_user_id=None))
    client = TestClient(app_for(sqlite_db, Clock()))
    answer = client.get("/api/v1/kpis/DEALS_WON/values?grain=rep", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "no_scope"
    assert "linked to no crm_user" in answer.json()["error"]["message"] and "items" not in answer.json()
    sign_in(client, "rita")
    page = client.get("/")
    assert page.status_code == 403 and "linked to no crm_user" in page.text and "KPI census" not in page.text
    assert TestClient(client.app).head("/sign-in").status_code == 200  # uptime checks
