"""The Dataverse cursor state schema: the cursors the previous release saved read, round trips are exact, and a state
this release cannot read is an error naming the stream, never a silent reset."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from connectors.dynamics.state import VERSION, ListingState, TrackState, WindowState, from_state
from connectors.state import CursorStateError

V0 = json.loads((Path(__file__).parent / "cursors_v0" / "dynamics.json").read_text())
SAVED = [(obj, i, entry["state"]) for obj, entries in V0["objects"].items() for i, entry in enumerate(entries)]


@pytest.mark.parametrize(("obj", "i", "state"), SAVED, ids=[f"{o}-{i}" for o, i, _ in SAVED])
def test_every_cursor_the_previous_release_saved_reads_and_writes_back_the_same_keys(
        obj: str, i: int, state: dict[str, Any]) -> None:
    typed = from_state(state, connection="dyn", object=obj)
    assert typed is not None
    assert typed.to_state() == {"v": VERSION, **state}  # version 1 is version 0 plus its number
    assert from_state(typed.to_state(), connection="dyn", object=obj) == typed


def test_the_modes_of_v0_read_as_their_types() -> None:
    modes = {obj: type(from_state(entries[0]["state"], connection="dyn", object=obj))
             for obj, entries in V0["objects"].items()}
    assert modes == {"accounts": TrackState, "contacts": TrackState, "systemusers": WindowState}
    initial = from_state(V0["objects"]["contacts"][0]["state"], connection="dyn", object="contacts")
    assert isinstance(initial, TrackState) and initial.delta is None and initial.next


@pytest.mark.parametrize("state", [
    TrackState("a,b", next="https://x/accounts?$skiptoken=1"),
    TrackState("a,b", delta="https://x/accounts?$deltatoken=9"),
    TrackState("a,b", delta="https://x/accounts?$deltatoken=9", next="https://x/accounts?$skiptoken=2"),
    WindowState(),
    WindowState(datetime(2026, 3, 1, 12, tzinfo=UTC)),
    WindowState(datetime(2026, 3, 1, 12, tzinfo=UTC), "2026-02-28T10:00:00Z", "0000-guid"),
    ListingState(),
    ListingState("https://x/opportunitycompetitorscollection?$skiptoken=3"),
])
def test_round_trip(state: TrackState | WindowState | ListingState) -> None:
    assert from_state(state.to_state(), connection="dyn", object="accounts") == state


def test_nothing_saved_is_a_first_read() -> None:
    assert from_state({}, connection="dyn", object="accounts") is None


@pytest.mark.parametrize(("state", "expected"), [
    ({"v": 2, "mode": "window"}, "version 2"),
    ({"mode": "window", "high": "2026-01-01T00:00:00Z"}, "'high'"),
    ({"v": 1, "mode": "track", "select": "a", "delta": "x", "deltaLink": "y"}, "'deltaLink'"),
    ({"mode": "delta"}, "mode 'delta'"),
    ({"v": 1, "mode": "listing", "delta": "x"}, "'delta'"),
    ({"mode": "track", "select": "a"}, "needs select and a delta or next"),
    ({"mode": "track", "select": "a", "delta": 7}, "'delta' is 7"),
    ({"mode": "window", "hi": "yesterday"}, "'hi' is 'yesterday', expected an ISO 8601 instant"),
    ({"mode": "window", "last_m": "2026-01-01T00:00:00Z", "last_id": "g"}, "not readable"),
])
def test_a_state_this_release_cannot_read_names_connection_and_object(state: dict[str, Any], expected: str) -> None:
    with pytest.raises(CursorStateError) as err:
        from_state(state, connection="dynamics_main", object="accounts")
    assert err.value.connection == "dynamics_main" and err.value.object == "accounts"
    assert expected in str(err.value)
