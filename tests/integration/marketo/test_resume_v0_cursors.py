"""Cursors saved by the previous release (version 0, captured in tests/unit/connectors/cursors_v0/marketo.json)
resume on this release. Instants are moved to this test's sandbox day. Marketo paging tokens are only honoured by
the sandbox process that issued them (as a real instance's expire): a captured token is refused here. Refused after
a first load, the tokens are taken again from the instant the load began and the run succeeds with a note; refused
in the incremental phase, the leads are re-read with a note, as before this release."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

import store
from quality.checker import QualityChecker
from sandbox.common.people import data_end_for
from tests.contract.crms.marketo import start
from tests.contract.harness import Harness

V0 = json.loads((Path(__file__).parents[2] / "unit" / "connectors" / "cursors_v0" / "marketo.json").read_text())
INSTANTS = ("listed_at", "hi", "next_start")


@pytest.fixture(scope="module")
def mkto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    sb, harness = start(tmp_path_factory.mktemp("marketo-v0"), 200)  # the capture's scale
    try:
        yield harness
    finally:
        sb.stop()


def _shift() -> timedelta:
    return data_end_for(datetime.now(UTC)) - datetime.fromisoformat(V0["data_end"])


def _save_v0(engine: Engine, harness: Harness, obj: str, entry: dict[str, Any]) -> None:
    shift = _shift()
    watermark = datetime.fromisoformat(entry["watermark"]) + shift if entry["watermark"] else None
    state = {k: (datetime.fromisoformat(v) + shift).strftime("%Y-%m-%dT%H:%M:%SZ") if k in INSTANTS else v
             for k, v in entry["state"].items()}
    assert "v" not in state  # the previous release's shape
    with engine.begin() as conn:
        store.save_cursor(conn, connection=harness.connection, object=obj, watermark=watermark, state=state,
                          run_id=None)


def _saved_state(engine: Engine, harness: Harness, obj: str) -> dict[str, Any]:
    with engine.connect() as conn:
        saved = store.load_cursor(conn, connection=harness.connection, object=obj)
    assert saved is not None
    return saved[1]


def test_a_v0_programs_cursor_reads_only_the_window_since(mkto: Harness, sqlite_db: Engine,
                                                          checker: QualityChecker) -> None:
    assert mkto.sync(sqlite_db, mkto.connector(), "programs", checker).status == "succeeded"
    _save_v0(sqlite_db, mkto, "programs", V0["objects"]["programs"][-1])
    run = mkto.sync(sqlite_db, mkto.connector(), "programs", checker)
    assert run.status == "succeeded", run.error
    # The listing saved with the cursor is recent: a window since the watermark, not every program again.
    assert not any("every program listed" in n for n in run.notes), run.notes
    assert run.counts.read < len(mkto.truth_ids("programs")), run.counts
    assert _saved_state(sqlite_db, mkto, "programs")["v"] == 1


@pytest.mark.parametrize("i", [0, -1], ids=["mid-first-load", "incremental"])
def test_a_v0_leads_cursor_continues_or_rereads_only_because_its_token_is_refused(
        mkto: Harness, sqlite_db: Engine, checker: QualityChecker, i: int) -> None:
    entry = V0["objects"]["leads"][i]
    _save_v0(sqlite_db, mkto, "leads", entry)
    run = mkto.sync(sqlite_db, mkto.connector(), "leads", checker)
    assert run.status == "succeeded", run.error
    if entry["state"]["phase"] == "initial":
        # The REST first load continues after the saved last_id (the leads up to it are not read again); its
        # change feeds then start from the captured tokens, which this sandbox refuses: fresh ones are taken from
        # the instant the captured ones were (the v0 state's listed_at), with a note, and the load stands.
        assert run.counts.read < len(mkto.truth_ids("leads")), run.counts
        assert any("refused the saved paging token" in n and "fresh paging tokens" in n for n in run.notes), \
            run.notes
        assert not any("full re-read" in n for n in run.notes), run.notes
    else:
        # Only a refused token re-reads the leads (as before this release), and the note says why.
        assert any("refused the saved paging token" in n and "full re-read" in n for n in run.notes), run.notes
    state = _saved_state(sqlite_db, mkto, "leads")
    assert state["v"] == 1 and state["phase"] == "incremental"
