"""The admin console (/admin and /api/v1/admin): who may read it and who may act, runs with their reconciliation,
quarantine by rule page by page with each record, a replay that lands what passes now and keeps the rest, the
write-back's dead letters, and an audit row for every action."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, select

import store
from access import Tokens, list_events
from access.audit import CLI
from config import CrmhubConfig, load_config
from store.tables import contact, writeback_ledger, writeback_result
from tests.support.stores import fresh_engine
from tests.support.web import CHEAP, KEY, SECRET, Clock, add_account, add_users, csrf_of, sign_in
from web import create_app

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _contact(sid: str, last_name: str | None, email: str) -> dict[str, Any]:
    return {"id": sid, "firstname": "Ann", "lastname": last_name, "email": email,
            "createdate": "2026-01-05T10:00:00Z", "lastmodifieddate": "2026-02-05T10:00:00Z"}


def _reason(field: str, rule: str) -> list[dict[str, Any]]:
    return [{"field": field, "rule": rule, "message": f"{field} fails {rule}", "value": None}]


def _seed(engine: Engine) -> None:
    with engine.begin() as conn:
        run = store.start_run(conn, connection="hs", object="contacts", full_refresh=True)
        store.finish_run(conn, run_id=run, status="succeeded", api_calls=3,
                         counts={"read": 5, "upserted": 2, "unchanged": 0, "quarantined": 3, "failed": 0})
        # Record 10 passes the suites as they are now (its rule was relaxed since); 11 and 12 still fail theirs.
        store.add_quarantine(conn, [
            {"run_id": run, "connection": "hs", "object": "contacts", "source_id": "10", "entity": "contact",
             "payload": _contact("10", "Lovelace", "ann@example.com"), "reasons": _reason("last_name",
                                                                                         "last_name_required")},
            {"run_id": run, "connection": "hs", "object": "contacts", "source_id": "11", "entity": "contact",
             "payload": _contact("11", "Byron", "not-an-email"), "reasons": _reason("email", "email_format")},
            {"run_id": run, "connection": "hs", "object": "contacts", "source_id": "12", "entity": "contact",
             "payload": _contact("12", None, "x@example.com"), "reasons": _reason("last_name",
                                                                                 "last_name_required")},
        ])
        conn.execute(insert(writeback_ledger).values(connection="hs", object="contacts", source_id="1",
                                                     field_set="scores", values_hash="h", values={"s": 1},
                                                     sent_at=NOW))
        conn.execute(insert(writeback_result).values(run_id=1, connection="hs", object="contacts", source_id="2",
                                                     field_set="scores", status="failed", retryable=True,
                                                     message="HTTP 503", values={"crmhub_score": 81},
                                                     created_at=NOW))


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    yield from fresh_engine("sqlite", tmp_path_factory.mktemp("admin"))


@pytest.fixture(scope="module")
def cfg(tmp_path_factory: pytest.TempPathFactory) -> CrmhubConfig:
    """A HubSpot connection at an address nothing listens on: a replay maps and checks from the store alone."""
    path = tmp_path_factory.mktemp("cfg") / "crmhub.yaml"
    path.write_text("version: 1\nstore: {url: 'sqlite:///unused.db'}\nconnections:\n  hs:\n    kind: hubspot\n"
                    "    base_url: https://127.0.0.1:9\n    auth: {flow: private_app, token: "
                    "pat-na1-11111111-2222-3333-4444-555555555555}\n    objects: [contacts]\n")
    return load_config(path)


@pytest.fixture(scope="module")
def console(hub: Engine, cfg: CrmhubConfig) -> tuple[TestClient, dict[str, str]]:
    _seed(hub)
    add_users(hub)
    clock = Clock()
    add_account(hub, "ada", clock=clock)
    add_account(hub, "rory", "revenue_ops", clock=clock)
    add_account(hub, "rita", "rep", "u1", clock=clock)
    tokens = {name: Tokens(hub, clock=clock).create(name, "tests", actor=CLI)[1] for name in ("ada", "rory", "rita")}
    app = create_app(hub, secret=SECRET, hasher=CHEAP, clock=clock, secret_key=KEY, cfg=cfg)
    return TestClient(app), tokens


def _api(console: tuple[TestClient, dict[str, str]], path: str, who: str = "ada", method: str = "GET") -> Any:
    client, tokens = console
    return client.request(method, path, headers={"Authorization": f"Bearer {tokens[who]}"})


def _browser(console: tuple[TestClient, dict[str, str]], who: str) -> TestClient:
    browser = TestClient(console[0].app)
    assert sign_in(browser, who) == "/"
    return browser


def test_a_rep_is_refused_and_revenue_ops_reads_without_acting(console: tuple[TestClient, dict[str, str]]) -> None:
    refused = _api(console, "/api/v1/admin/runs", "rita")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert "needs the role admin or auditor or revenue_ops; rita is rep" in refused.json()["error"]["message"]
    assert _browser(console, "rita").get("/admin").status_code == 403
    rory = _browser(console, "rory")
    page = rory.get("/admin")
    assert page.status_code == 200 and "last_name_required" in page.text and "Replay</button>" not in page.text
    posted = rory.post("/admin/quarantine/replay", data={"csrf": csrf_of(rory, "/admin"), "connection": "hs"})
    assert posted.status_code == 403 and "replaying quarantined records needs the role admin" in posted.text
    assert _api(console, "/api/v1/admin/quarantine/replay", "rory", "POST").status_code == 403


def test_runs_reconcile_and_the_quarantine_is_listed_by_rule(console: tuple[TestClient, dict[str, str]]) -> None:
    runs = _api(console, "/api/v1/admin/runs").json()["items"]
    assert [(r["connection"], r["object"], r["counts"]["read"], r["reconciled"]) for r in runs] == [
        ("hs", "contacts", 5, True)]
    by_rule = {(q["rule"], q["count"]) for q in _api(console, "/api/v1/admin/quarantine").json()["items"]}
    assert {("last_name_required", 2), ("email_format", 1)} <= by_rule
    first = _api(console, "/api/v1/admin/quarantine/records?rule=last_name_required&limit=1").json()
    assert [r["source_id"] for r in first["items"]] == ["10"] and first["next_after_id"] is not None
    rest = _api(console, f"/api/v1/admin/quarantine/records?rule=last_name_required&limit=1"
                         f"&after_id={first['next_after_id']}").json()
    assert [r["source_id"] for r in rest["items"]] == ["12"]
    one = _api(console, f"/api/v1/admin/quarantine/{first['items'][0]['id']}").json()
    assert one["payload"]["email"] == "ann@example.com" and one["reasons"][0]["rule"] == "last_name_required"
    missing = _api(console, "/api/v1/admin/quarantine/999999")
    assert missing.status_code == 404 and "no quarantined record 999999" in missing.json()["error"]["message"]
    page = _browser(console, "ada").get(f"/admin/quarantine/{first['items'][0]['id']}")
    assert page.status_code == 200 and "ann@example.com" in page.text


def test_write_back_state_and_dead_letters(console: tuple[TestClient, dict[str, str]]) -> None:
    [row] = _api(console, "/api/v1/admin/writeback").json()["items"]
    assert (row["connection"], row["records"], row["dead"], row["retryable"]) == ("hs", 1, 1, 1)
    [letter] = _api(console, "/api/v1/admin/writeback/dead-letters?connection=hs").json()["items"]
    assert (letter["source_id"], letter["message"]) == ("2", "HTTP 503")
    page = _browser(console, "ada").get("/admin/writeback/dead-letters?connection=hs")
    assert "HTTP 503" in page.text and "crmhub_score" in page.text
    # The connection has no write-back configured: the retry says so (and changes nothing).
    refused = _api(console, "/api/v1/admin/writeback/retry?connection=hs", method="POST")
    assert refused.status_code == 422 and "write-back is not enabled" in refused.json()["error"]["message"]


def test_a_replay_lands_what_passes_now_keeps_the_rest_and_is_audited(
        console: tuple[TestClient, dict[str, str]], hub: Engine) -> None:
    assert _browser(console, "ada").post("/admin/quarantine/replay", data={"connection": "hs"}).status_code == 403
    session = _api(console, "/api/v1/admin/quarantine/replay?connection=hs&rule=last_name_required", method="POST")
    assert session.status_code == 200
    assert (session.json()["landed"], session.json()["still_quarantined"]) == (1, 1)
    with hub.connect() as conn:
        landed = conn.execute(select(contact.c.last_name, contact.c.email)).all()
    assert [tuple(r) for r in landed] == [("Lovelace", "ann@example.com")]
    left = {r["source_id"] for r in _api(console, "/api/v1/admin/quarantine/records").json()["items"]}
    assert left == {"11", "12"}
    [event] = list_events(hub, action="quarantine.replay")
    assert (event.actor, event.target, event.before, event.after) == (
        "ada", "quarantine:hs:last_name_required", {"open": 2}, {"landed": 1, "still_quarantined": 1})
    # The browser's form (with its form token) does the same for the record of the other rule, which still fails.
    ada = _browser(console, "ada")
    page = ada.post("/admin/quarantine/replay", data={"csrf": csrf_of(ada, "/admin"), "connection": "hs",
                                                      "rule": "email_format"})
    assert page.status_code == 200 and "Replay: connection hs, rule email_format" in page.text
    newest = list_events(hub, action="quarantine.replay")[0]
    assert newest.after == {"landed": 0, "still_quarantined": 1}


def test_an_action_without_a_config_says_how_to_start_the_console(
        console: tuple[TestClient, dict[str, str]], hub: Engine) -> None:
    clock = Clock()  # the console fixture made the accounts; this app is the same store without crmhub.yaml
    client = TestClient(create_app(hub, secret=SECRET, hasher=CHEAP, clock=clock, secret_key=KEY))
    [token] = [Tokens(hub, clock=clock).create("ada", "no config", actor=CLI)[1]]
    answer = client.post("/api/v1/admin/quarantine/replay", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 422 and "crmhub serve --config crmhub.yaml" in answer.json()["error"]["message"]


def test_the_api_documents_the_admin_endpoints(console: tuple[TestClient, dict[str, str]]) -> None:
    paths = console[0].get("/api/openapi.json").json()["paths"]
    assert {"/api/v1/admin/runs", "/api/v1/admin/quarantine/replay", "/api/v1/admin/writeback/retry"} <= set(paths)


def test_connections_show_objects_schedules_and_last_runs_never_credentials(
        console: tuple[TestClient, dict[str, str]]) -> None:
    [hs] = _api(console, "/api/v1/admin/connections").json()["items"]
    assert (hs["name"], hs["kind"], hs["writeback"]["enabled"]) == ("hs", "hubspot", False)
    [contacts] = hs["objects"]
    assert (contacts["object"], contacts["enabled"], contacts["last_run"]["counts"]["read"]) == ("contacts", True, 5)
    assert contacts["schedule"].startswith("every ") and contacts["cursor"] is None
    page = _browser(console, "ada").get("/admin/connections")
    assert page.status_code == 200 and "contacts" in page.text and "Check credentials" in page.text
    assert "pat-na1" not in page.text and "pat-na1" not in str(hs)


def test_a_check_of_an_unreachable_crm_is_its_answer_and_audited(
        console: tuple[TestClient, dict[str, str]], hub: Engine) -> None:
    answer = _api(console, "/api/v1/admin/connections/hs/check", method="POST")
    assert answer.status_code == 200 and answer.json()["ok"] is False and answer.json()["error"]
    [event] = list_events(hub, action="connection.check")
    assert (event.actor, event.target, event.after["ok"]) == ("ada", "connection:hs", False)
    unknown = _api(console, "/api/v1/admin/connections/nope/check", method="POST")
    assert unknown.status_code == 422 and "no connection named 'nope'" in unknown.json()["error"]["message"]
