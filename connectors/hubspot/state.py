"""A HubSpot stream's cursor state, typed: which phase the stream is in and how far it got.

Phases: the list API's first load or full refresh (``ListPhase``: the page it stopped at), search windows after
it (``SearchPhase``: a window in progress and the last id landed, where the archived list was read to, the last id
listing), and the owners list, read whole every time (``OwnersPhase``). Version 1 keeps version 0's layout (the
string-keyed dicts saved before the state had a schema) and adds ``"v": 1``; reading either checks every key and
value, so a misspelt or unknown one is a ``CursorStateError`` naming the stream, never a silent full re-read.

Saved layout: ``{"v": 1, "phase": "list", "hi": iso, "reconciled_at": iso?, "after": token?}``,
``{"v": 1, "phase": "search", "archived_since": iso?, "reconciled_at": iso?, "win_hi": iso?, "last_id": "123"?}``
or ``{"v": 1, "phase": "owners"}``. A version 0 state without ``phase`` but with search keys is a search phase.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from connectors.state import StateReader, check_keys, state_version

VERSION = 1

_KEYS = {"list": ("hi", "reconciled_at", "after"),
         "search": ("archived_since", "reconciled_at", "win_hi", "last_id"),
         "owners": ()}


@dataclass(frozen=True, slots=True)
class ListPhase:
    """A first load (or full refresh) through the list API, ordered by id, resumed from its paging token."""

    hi: datetime  # the first search window starts here once the listing is done
    reconciled_at: datetime | None = None
    after: str | None = None  # the next page's ``paging.next.after``; None: the first page


@dataclass(frozen=True, slots=True)
class SearchPhase:
    """Search windows ``[watermark, hi)``; inside one, queries are anchored on the last id landed."""

    archived_since: datetime | None = None  # the archived list has been read up to here
    reconciled_at: datetime | None = None  # the last id listing
    window_hi: datetime | None = None  # the window in progress; None between windows
    last_id: int = 0  # the last id landed in the window in progress


@dataclass(frozen=True, slots=True)
class OwnersPhase:
    """A listing read whole on every run: the owners list, and pipelines' stages (its name is the first's)."""


Phase = ListPhase | SearchPhase | OwnersPhase


@dataclass(frozen=True, slots=True)
class HubSpotState:
    phase: Phase | None = None  # None: nothing read yet

    @classmethod
    def from_state(cls, state: Mapping[str, Any], *, connection: str, object: str) -> HubSpotState:
        """Version 0 or 1 of the saved state; anything else is a ``CursorStateError`` naming the stream."""
        state_version(state, supported=VERSION, connection=connection, object=object)
        read = _Reader(connection, object)
        name = state.get("phase")
        if name is None:
            name = "search" if any(k != "v" for k in state) else None
        elif name not in _KEYS:
            raise read.error("phase", name, f"one of {', '.join(_KEYS)}")
        check_keys(state, ("phase", *(_KEYS[name] if name else ())), connection=connection, object=object)
        match name:
            case "list":
                hi = read.instant(state, "hi")
                if hi is None:
                    raise read.error("hi", None, "an ISO 8601 instant")
                return cls(ListPhase(hi, read.instant(state, "reconciled_at"), read.text(state, "after")))
            case "search":
                return cls(SearchPhase(read.instant(state, "archived_since"), read.instant(state, "reconciled_at"),
                                       read.instant(state, "win_hi"), read.last_id(state)))
            case "owners":
                return cls(OwnersPhase())
        return cls()

    def to_state(self) -> dict[str, Any]:
        out: dict[str, Any] = {"v": VERSION}
        match self.phase:
            case ListPhase(hi, reconciled_at, after):
                out.update(phase="list", hi=hi.isoformat())
                _put(out, "reconciled_at", reconciled_at)
                if after is not None:
                    out["after"] = after
            case SearchPhase(archived_since, reconciled_at, window_hi, last_id):
                out["phase"] = "search"
                _put(out, "archived_since", archived_since)
                _put(out, "reconciled_at", reconciled_at)
                _put(out, "win_hi", window_hi)
                if last_id:
                    out["last_id"] = str(last_id)
            case OwnersPhase():
                out["phase"] = "owners"
        return out


def _put(out: dict[str, Any], key: str, value: datetime | None) -> None:
    if value is not None:
        out[key] = value.isoformat()


class _Reader(StateReader):
    def last_id(self, state: Mapping[str, Any]) -> int:
        value = state.get("last_id", 0)
        if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.isdigit())):
            raise self.error("last_id", value, "a record id (digits)")
        return int(value)
