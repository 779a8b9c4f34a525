"""HubSpot cursor state: v0 cursors the previous release saved read unchanged; v1 round-trips; bad ones name the
stream."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from connectors.hubspot.state import HubSpotState, ListPhase, OwnersPhase, SearchPhase
from connectors.state import CursorStateError

V0 = json.loads((Path(__file__).parent / "cursors_v0" / "hubspot.json").read_text())
SAVED = [(obj, i, c["state"]) for obj, cursors in V0["objects"].items() for i, c in enumerate(cursors)]
HI = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def read(state: dict[str, Any]) -> HubSpotState:
    return HubSpotState.from_state(state, connection="hubspot_main", object="contacts")


@pytest.mark.parametrize(("obj", "index", "state"), SAVED, ids=[f"{o}-{i}" for o, i, _ in SAVED])
def test_every_cursor_the_previous_release_saved_reads_and_is_written_back_with_the_same_keys(
        obj: str, index: int, state: dict[str, Any]) -> None:
    typed = read(state)
    assert typed.to_state() == {"v": 1, **state}
    assert read(typed.to_state()) == typed


def test_v0_phases_read_as_their_types() -> None:
    listing = read(V0["objects"]["contacts"][0]["state"]).phase
    assert listing == ListPhase(datetime.fromisoformat("2026-12-07T02:08:31.305824+00:00"),
                                datetime.fromisoformat("2026-12-07T02:08:31.305824+00:00"), "MjM5")
    assert isinstance(read(V0["objects"]["deals"][1]["state"]).phase, SearchPhase)
    assert read(V0["objects"]["owners"][0]["state"]).phase == OwnersPhase()
    # What the previous release saved mid-window (the capture's data never filled a search page): the window's
    # hi and the last id as a string; and a listing batch of a stream that had a watermark but no phase yet.
    mid = read({"phase": "search", "archived_since": HI.isoformat(), "reconciled_at": HI.isoformat(),
                "win_hi": (HI + timedelta(hours=1)).isoformat(), "last_id": "4012"}).phase
    assert mid == SearchPhase(HI, HI, HI + timedelta(hours=1), 4012)
    assert read({"reconciled_at": HI.isoformat()}).phase == SearchPhase(reconciled_at=HI)
    assert read({}).phase is None


@pytest.mark.parametrize("state", [
    HubSpotState(),
    HubSpotState(ListPhase(HI, HI)),
    HubSpotState(ListPhase(HI, HI - timedelta(days=1), "MjAw")),
    HubSpotState(SearchPhase(HI, HI - timedelta(hours=3))),
    HubSpotState(SearchPhase(HI, None, HI + timedelta(hours=1), 987654321)),
    HubSpotState(OwnersPhase()),
])
def test_v1_round_trips(state: HubSpotState) -> None:
    saved = json.loads(json.dumps(state.to_state()))  # as the store keeps it
    assert saved["v"] == 1
    assert read(saved) == state


@pytest.mark.parametrize(("state", "names"), [
    ({"v": 7, "phase": "search"}, "version 7"),
    ({"phase": "search", "windowhi": "2026-03-01T12:00:00+00:00"}, "'windowhi'"),
    ({"v": 1, "phase": "list", "hi": "2026-03-01T12:00:00+00:00", "last_id": "3"}, "'last_id'"),
    ({"phase": "owners", "after": "x"}, "'after'"),
    ({"phase": "bulk"}, "phase"),
    ({"phase": "list"}, "'hi'"),
    ({"phase": "search", "last_id": "12a"}, "last_id"),
    ({"phase": "search", "archived_since": "yesterday"}, "archived_since"),
    ({"phase": "list", "hi": "2026-03-01T12:00:00+00:00", "after": 100}, "'after'"),
])
def test_an_unknown_version_key_or_value_is_an_error_naming_the_stream(state: dict[str, Any], names: str) -> None:
    with pytest.raises(CursorStateError) as err:
        read(state)
    text = str(err.value)
    assert names in text and "hubspot_main" in text and "contacts" in text
