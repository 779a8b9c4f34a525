"""End to end against the four sandboxes: sync them, resolve, and score the clusters against the generator's truth.

The sandboxes draw their people and companies from one population, so the same person is in several CRMs (with
emails cased or padded differently, Marketo duplicate sign-ups, Salesforce leads converted into contacts) and
``/_admin/identities`` says who is who.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from hub.context import App
from identity import duplicates, evaluate, report, resolve
from tests.support.demo_store import synced_demo

SCALE = 300


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[App, dict[str, Any]]]:
    with synced_demo(tmp_path_factory.mktemp("identity_sandboxes"), scale=SCALE) as (app, admins, _):
        yield app, dict(admins)


def test_people_and_accounts_match_the_generators_truth(synced: tuple[App, dict[str, Any]]) -> None:
    app, admins = synced
    first = resolve(app.engine, app.cfg.identity)
    scores = evaluate(app.engine, admins)
    person, account = scores["person"], scores["account"]
    assert person["records"] > SCALE and set(person["connections_with_truth"]) == set(admins)
    assert person["precision"] >= 0.98 and person["recall"] >= 0.98, person
    assert account["records"] > 0 and account["precision"] >= 0.98 and account["recall"] >= 0.98, account
    # people found in several CRMs became one canonical person
    shown = report(app.engine)
    assert shown["kinds"]["person"]["clusters_across_connections"] > SCALE // 2
    again = resolve(app.engine, app.cfg.identity)
    assert again["person"]["clusters"] == first["person"]["clusters"]
    assert again["person"]["merge_log"]["new"] == 0 and again["person"]["merge_log"]["retired"] == 0


def test_duplicates_report_finds_marketos_second_sign_ups(synced: tuple[App, dict[str, Any]]) -> None:
    app, admins = synced
    found = duplicates(app.engine, app.cfg.identity)
    marketo = [p for p in found["pairs"] if p["connection"] == "marketo_demo"]
    truth = {str(r["id"]): r["person_key"] for r in admins["marketo_demo"].get("/_admin/identities", object="leads")}
    assert marketo, "the Marketo sandbox seeds duplicate leads (~1 %)"
    for pair in marketo:
        assert truth[pair["id_a"]] == truth[pair["id_b"]], pair
        assert pair["rule"] == "email" and pair["confidence"] == 1.0
