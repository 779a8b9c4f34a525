"""Salesforce cursor state: v0 cursors the previous release saved read unchanged; v1 round-trips; bad ones name
the stream."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from connectors.salesforce.state import BulkPath, NoRecords, RestPath, SalesforceState, Window
from connectors.state import CursorStateError

V0 = json.loads((Path(__file__).parent / "cursors_v0" / "salesforce.json").read_text())
SAVED = [(obj, i, c["state"]) for obj, cursors in V0["objects"].items() for i, c in enumerate(cursors)]
HI = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def read(state: dict[str, Any]) -> SalesforceState:
    return SalesforceState.from_state(state, connection="salesforce_main", object="Account")


@pytest.mark.parametrize(("obj", "index", "state"), SAVED, ids=[f"{o}-{i}" for o, i, _ in SAVED])
def test_every_cursor_the_previous_release_saved_reads_and_is_written_back_with_the_same_keys(
        obj: str, index: int, state: dict[str, Any]) -> None:
    typed = read(state)
    assert typed.to_state() == {"v": 1, **state}
    assert read(typed.to_state()) == typed


def test_v0_windows_read_as_their_path() -> None:
    by_mode = {s["win"]["mode"]: read(s) for _, _, s in SAVED if "win" in s}
    rest, bulk = by_mode["rest"].window, by_mode["bulk"].window
    assert rest is not None and isinstance(rest.path, RestPath) and rest.path.after is not None
    assert rest.full and rest.lo is None and not rest.query_all
    assert bulk is not None and isinstance(bulk.path, BulkPath) and bulk.path.job == "7505g0000000001AAA"


@pytest.mark.parametrize("state", [
    SalesforceState(),
    SalesforceState(reconciled_at=HI, formulas_at=HI - timedelta(hours=3)),
    SalesforceState(Window(HI, HI - timedelta(hours=1), True, HI - timedelta(hours=1), True, False, ("a note",))),
    SalesforceState(Window(HI, None, False, None, False, True, (), RestPath(12, ("2026-03-01T11:00:00.000+0000",
                                                                                 "001000000000001AAA")))),
    SalesforceState(Window(HI, None, False, None, False, True, (), RestPath(3)), reconciled_at=HI),
    SalesforceState(Window(HI, None, False, None, False, True, (), BulkPath(90_000, "COUNT() big", "750x", "NDA"))),
    SalesforceState(Window(HI, None, False, None, False, True, (), BulkPath(9, "why", "750x", None, done=True))),
    SalesforceState(Window(HI, HI, True, None, False, False, (), NoRecords())),
])
def test_v1_round_trips(state: SalesforceState) -> None:
    saved = json.loads(json.dumps(state.to_state()))  # as the store keeps it
    assert saved["v"] == 1
    assert read(saved) == state


@pytest.mark.parametrize(("state", "names"), [
    ({"v": 2}, "version 2"),
    ({"reconciled": "2026-03-01T12:00:00+00:00"}, "'reconciled'"),
    ({"v": 1, "win": {"hi": "2026-03-01T12:00:00+00:00", "mode": "rest", "job": "750x"}}, "'job'"),
    ({"win": {"hi": "2026-03-01T12:00:00+00:00", "mode": "soap"}}, "win.mode"),
    ({"win": {"lo": "2026-03-01T12:00:00+00:00"}}, "win.hi"),
    ({"win": {"hi": "2026-03-01T12:00:00", "full": True}}, "win.hi"),
    ({"win": {"hi": "2026-03-01T12:00:00+00:00", "mode": "rest", "count": 1, "after": "x"}}, "win.after"),
    ({"win": {"hi": "2026-03-01T12:00:00+00:00", "full": "yes"}}, "win.full"),
    ({"formulas_at": 17}, "formulas_at"),
])
def test_an_unknown_version_key_or_value_is_an_error_naming_the_stream(state: dict[str, Any], names: str) -> None:
    with pytest.raises(CursorStateError) as err:
        read(state)
    text = str(err.value)
    assert names in text and "salesforce_main" in text and "Account" in text
