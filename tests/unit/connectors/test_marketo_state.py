"""The Marketo cursor state schema: the cursors the previous release saved read, round trips are exact, and a state
this release cannot read is an error naming the stream, never a silent reset."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from connectors.marketo.state import (
    VERSION,
    ActivityState,
    CompanyState,
    LeadState,
    MemberState,
    ProgramState,
)
from connectors.state import CursorStateError

V0 = json.loads((Path(__file__).parent / "cursors_v0" / "marketo.json").read_text())
TYPES: dict[str, Any] = {"leads": LeadState, "activities": ActivityState, "programs": ProgramState,
                         "program_members": MemberState, "companies": CompanyState}
SAVED = [(obj, i, entry["state"]) for obj, entries in V0["objects"].items() for i, entry in enumerate(entries)]
T0 = datetime(2026, 3, 1, 12, 0, 5, tzinfo=UTC)


@pytest.mark.parametrize(("obj", "i", "state"), SAVED, ids=[f"{o}-{i}" for o, i, _ in SAVED])
def test_every_cursor_the_previous_release_saved_reads_and_writes_back_the_same_keys(
        obj: str, i: int, state: dict[str, Any]) -> None:
    typed = TYPES[obj].from_state(state, connection="mkto", object=obj)
    assert typed is not None
    assert typed.to_state() == {"v": VERSION, **state}  # version 1 is version 0 plus its number
    assert TYPES[obj].from_state(typed.to_state(), connection="mkto", object=obj) == typed


def test_v0_lead_states_read_as_typed_values() -> None:
    mid_load = LeadState.from_state(V0["objects"]["leads"][0]["state"], connection="mkto", object="leads")
    assert mid_load is not None
    assert (mid_load.phase, mid_load.mode, mid_load.last_id) == ("initial", "rest", 1051)
    assert mid_load.listed_at == datetime.fromisoformat(V0["objects"]["leads"][0]["state"]["listed_at"])


def test_a_first_loads_token_instant_is_its_since_or_for_a_v0_non_reconciling_load_its_listed_at() -> None:
    mid_load = LeadState.from_state(V0["objects"]["leads"][0]["state"], connection="mkto", object="leads")
    assert mid_load is not None and mid_load.since is None
    assert mid_load.tokens_since() == mid_load.listed_at  # taken together when the load began
    assert LeadState("a", "b", "c", "initial", T0, True, "rest", 7).tokens_since() is None  # a listing's instant
    assert LeadState("a", "b", "c", "initial", T0, True, "rest", 7, since=T0).tokens_since() == T0
    assert LeadState("a", "b", "c", "incremental", T0, since=T0).tokens_since() is None  # tokens moved on


def test_an_older_activities_cursor_with_a_deletedleads_token_still_reads() -> None:
    assert ActivityState.from_state({"groups": {"1,2": "T"}, "deleted": "D"}, connection="m",
                                    object="activities") == ActivityState({"1,2": "T"})


@pytest.mark.parametrize("state", [
    LeadState("a", "b", "c"),
    LeadState("a", "b", "c", "initial", T0, True, "rest", 1051),
    LeadState("a", "b", "c", "initial", None, True, "bulk", None, T0, T0, "createdAt"),
    LeadState("a", "b", "c", "incremental", T0, mode="bulk", filter="updatedAt"),
    LeadState("a", "b", "c", "initial", None, True, "bulk", None, T0, T0, "updatedAt", T0),
    ActivityState(), ActivityState({"1,2,3": "TOKEN", "22": "OTHER"}),
    ProgramState(), ProgramState(T0),
    MemberState(3, 120), CompanyState(40),
])
def test_round_trip(state: Any) -> None:
    assert type(state).from_state(state.to_state(), connection="mkto", object="x") == state


def test_nothing_saved_is_a_first_read() -> None:
    assert LeadState.from_state({}, connection="m", object="leads") is None
    assert ProgramState.from_state({}, connection="m", object="programs") == ProgramState()
    assert ActivityState.from_state({}, connection="m", object="activities") == ActivityState()


LEAD = {"changes": "a", "scores": "b", "deleted": "c", "phase": "incremental"}


@pytest.mark.parametrize(("kind", "state", "expected"), [
    (LeadState, {**LEAD, "v": 2}, "version 2"),
    (LeadState, {"v": 9}, "version 9"),
    (LeadState, {**LEAD, "changed": "x"}, "'changed'"),
    (LeadState, {**LEAD, "phase": "first"}, "'phase' is 'first'"),
    (LeadState, {"changes": "a", "scores": "b", "deleted": "c"}, "'phase' is None"),
    (LeadState, {**LEAD, "scores": None}, "'scores' is None"),
    (LeadState, {**LEAD, "last_id": "1051"}, "'last_id' is '1051'"),
    (LeadState, {**LEAD, "listed_at": "2026-01-01T00:00:00"}, "'listed_at'"),
    (LeadState, {**LEAD, "reconcile": "yes"}, "'reconcile'"),
    (ActivityState, {"groups": {"1,2": 5}}, "'groups'"),
    (ActivityState, {"group": {}}, "'group'"),
    (ProgramState, {"v": 1, "listed": "2026-01-01T00:00:00Z"}, "'listed'"),
    (MemberState, {"programs": 1}, "'members' is None"),
    (CompanyState, {"leads": 3}, "'leads'"),
])
def test_a_state_this_release_cannot_read_names_connection_and_object(kind: Any, state: dict[str, Any],
                                                                      expected: str) -> None:
    with pytest.raises(CursorStateError) as err:
        kind.from_state(state, connection="marketo_main", object="leads")
    assert err.value.connection == "marketo_main" and err.value.object == "leads"
    assert expected in str(err.value)
