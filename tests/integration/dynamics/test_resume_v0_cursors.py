"""Cursors saved by the previous release (version 0, captured in tests/unit/connectors/cursors_v0/dynamics.json)
resume on this release: a mid-read nextLink continues the initial read where it stopped, a delta link reads only
what changed since, a closed modifiedon window reads only what settled since. Nothing is read again from scratch.

The captured links name the capture's sandbox (host and port) and its day: they are pointed at this test's sandbox
and moved to its day, exactly as that sandbox would have issued them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest
from sqlalchemy import Engine

import store
from quality.checker import QualityChecker
from sandbox.common.people import data_end_for
from tests.contract.crms.dynamics import started
from tests.contract.harness import Harness

V0 = json.loads((Path(__file__).parents[2] / "unit" / "connectors" / "cursors_v0" / "dynamics.json").read_text())
TOKEN = re.compile(r"\$deltatoken=([^&]+)")
TOKEN_TIME = "%m/%d/%Y %H:%M:%S"
# The accounts mapping as it was when the cursors were captured: a delta link serves the columns it was issued for,
# and columns mapped since (issue 17's account tier and territory) would rightly make the reader re-read the table.
CAPTURED_MAPPING = "    mapping:\n      accounts: {exclude: [accountcategorycode@label, _territoryid_value]}\n"


@pytest.fixture(scope="module")
def dyn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    # The capture's sandbox: scale 200, 25 rows a page (tests/unit/connectors/cursors_v0/capture.py).
    sb, harness = started(tmp_path_factory.mktemp("dynamics-v0"), scale=200, connection="dyn_v0",
                          objects=("contacts", "accounts", "systemusers"), mapping=CAPTURED_MAPPING)
    try:
        yield harness
    finally:
        sb.stop()


def _moved(value: Any, harness: Harness, shift: timedelta) -> Any:
    """A saved value as this test's sandbox would have written it: its host and port, its day."""
    if not isinstance(value, str):
        return value
    text = value.replace(V0["base_url"], harness.info.https_url)

    def token(match: re.Match[str]) -> str:
        version, _, issued = unquote(match.group(1)).partition("!")
        moved = (datetime.strptime(issued, TOKEN_TIME) + shift).strftime(TOKEN_TIME)
        # Dataverse escapes every separator of a delta token, in lower case.
        escaped = re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), quote(f"{version}!{moved}", safe=""))
        return f"$deltatoken={escaped}"

    return TOKEN.sub(token, text)


def _save_v0(engine: Engine, harness: Harness, obj: str, entry: dict[str, Any]) -> None:
    shift = data_end_for(datetime.now(UTC)) - datetime.fromisoformat(V0["data_end"])
    watermark = datetime.fromisoformat(entry["watermark"]) + shift if entry["watermark"] else None
    state = {k: _moved(v, harness, shift) for k, v in entry["state"].items()}
    assert "v" not in state  # the previous release's shape
    with engine.begin() as conn:
        store.save_cursor(conn, connection=harness.connection, object=obj, watermark=watermark, state=state,
                          run_id=None)


def _saved_state(engine: Engine, harness: Harness, obj: str) -> dict[str, Any]:
    with engine.connect() as conn:
        saved = store.load_cursor(conn, connection=harness.connection, object=obj)
    assert saved is not None
    return saved[1]


def test_a_v0_mid_read_next_link_continues_the_initial_read(dyn: Harness, sqlite_db: Engine,
                                                            checker: QualityChecker) -> None:
    entry = V0["objects"]["contacts"][0]
    assert entry["phase"] == "first" and "next" in entry["state"] and "delta" not in entry["state"]
    _save_v0(sqlite_db, dyn, "contacts", entry)
    run = dyn.sync(sqlite_db, dyn.connector(), "contacts", checker)
    assert run.status == "succeeded", run.error
    # The first page (25 rows) landed before the cursor was saved: the rest is read, and only the rest.
    assert run.counts.read == len(dyn.truth_ids("contacts")) - 25
    assert not any("restarted" in n or "re-read" in n for n in run.notes), run.notes
    assert _saved_state(sqlite_db, dyn, "contacts")["v"] == 1 and "delta" in _saved_state(sqlite_db, dyn, "contacts")


@pytest.mark.parametrize("obj", ["contacts", "accounts"])
def test_a_v0_delta_link_reads_only_what_changed_since(dyn: Harness, sqlite_db: Engine, checker: QualityChecker,
                                                       obj: str) -> None:
    assert dyn.sync(sqlite_db, dyn.connector(), obj, checker).status == "succeeded"  # the store the cursor went with
    _save_v0(sqlite_db, dyn, obj, V0["objects"][obj][-1])
    key = "contactid" if obj == "contacts" else "accountid"
    record = sorted(dyn.truth_ids(obj))[3]
    dyn.admin.patch(f"/_admin/records/{obj}/{record}",
                    {"fields": {"jobtitle" if obj == "contacts" else "name": "Resumed From v0"}})
    run = dyn.sync(sqlite_db, dyn.connector(), obj, checker)
    assert run.status == "succeeded", run.error
    assert run.counts.read == 1 and run.counts.deleted == 0, (key, run.counts)
    assert run.api_calls <= 2 and not run.notes, (run.api_calls, run.notes)  # one delta page; no re-read note
    assert _saved_state(sqlite_db, dyn, obj)["v"] == 1


def test_a_v0_closed_window_reads_only_what_settled_since(dyn: Harness, sqlite_db: Engine,
                                                          checker: QualityChecker) -> None:
    assert dyn.sync(sqlite_db, dyn.connector(), "systemusers", checker).status == "succeeded"
    _save_v0(sqlite_db, dyn, "systemusers", V0["objects"]["systemusers"][-1])
    run = dyn.sync(sqlite_db, dyn.connector(), "systemusers", checker)
    assert run.status == "succeeded", run.error
    # Nothing was modified since the saved window's end: no user is read again (the live-id listing still runs).
    assert run.counts.read == 0 and run.counts.deleted == 0, run.counts
    assert _saved_state(sqlite_db, dyn, "systemusers") == {"v": 1, "mode": "window"}
