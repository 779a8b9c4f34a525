"""A paging token Marketo refuses (expired, or issued elsewhere) when the change feeds start after a first load that
an earlier run left half done: the run renews the feed tokens from the instant the load began, says so in a note
and succeeds; the leads that landed before the interruption are not read again, and a lead edited in the gap
lands with its new value."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, select

import store
from quality.checker import QualityChecker
from store.tables import lead
from tests.contract.crms.marketo import start
from tests.contract.harness import Harness

# What Marketo answers, under HTTP 200, for a paging token it no longer honours (the sandbox's own refusal).
REFUSED = {"path": "^/rest/v1/activities/leadchanges.json$", "method": "GET", "status": 200, "times": 1,
           "body": {"requestId": "e0f1#2a3b", "success": False,
                    "errors": [{"code": "1003", "message": "Invalid nextPageToken"}]}}
TITLE = "Head of Token Renewal"


@pytest.fixture(scope="module")
def mkto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    sb, harness = start(tmp_path_factory.mktemp("marketo-refusal"), 200)
    try:
        yield harness
    finally:
        sb.stop()


def _saved_state(engine: Engine, harness: Harness) -> dict[str, Any]:
    with engine.connect() as conn:
        saved = store.load_cursor(conn, connection=harness.connection, object="leads")
    assert saved is not None
    return saved[1]


def test_a_token_refused_after_a_resumed_first_load_is_renewed_and_nothing_is_lost(
        mkto: Harness, sqlite_db: Engine, checker: QualityChecker) -> None:
    connector = mkto.connector()
    mkto.admin.set_faults([{**mkto.break_rule("leads"), "skip": 2}])  # the third leads.json page fails
    try:
        failed = mkto.sync(sqlite_db, connector, "leads", checker, unit_size=50)
    finally:
        mkto.admin.clear_faults()
    assert failed.status == "failed" and "injected failure" in (failed.error or ""), failed.error
    state = _saved_state(sqlite_db, mkto)
    assert state["phase"] == "initial" and state["last_id"], state
    landed, _ = mkto.accounted_ids(sqlite_db, "leads")
    edited = min(landed, key=int)  # landed before the interruption: only the change feed brings its edit
    mkto.admin.patch(f"/_admin/records/leads/{edited}", {"fields": {"title": TITLE}})

    mkto.admin.set_faults([REFUSED])
    try:
        resumed = mkto.sync(sqlite_db, connector, "leads", checker, unit_size=50)
    finally:
        mkto.admin.clear_faults()
    assert resumed.status == "succeeded", resumed.error
    assert any("refused the saved paging token" in n and "fresh paging tokens" in n for n in resumed.notes), \
        resumed.notes
    assert not any("full re-read" in n for n in resumed.notes), resumed.notes
    truth = mkto.truth_ids("leads")
    assert resumed.counts.read < len(truth) - len(landed) + 10, resumed.counts  # continued, not restarted
    live, held = mkto.accounted_ids(sqlite_db, "leads")
    assert truth - live - held == set() and live - truth == set()
    with sqlite_db.connect() as conn:
        title = conn.execute(select(lead.c.title).where(lead.c.source_connection == mkto.connection,
                                                        lead.c.source_id == edited)).scalar_one()
    assert title == TITLE
    state = _saved_state(sqlite_db, mkto)
    assert state["phase"] == "incremental" and "since" not in state, state

    after = mkto.sync(sqlite_db, connector, "leads", checker)  # the renewed tokens are the ones kept
    assert after.status == "succeeded", after.error
    assert not any("refused" in n for n in after.notes), after.notes
