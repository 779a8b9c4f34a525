"""The Dataverse cursor state, typed and versioned: one dataclass per read mode.

``TrackState``: a change-tracked table. Before its first ``@odata.deltaLink`` the initial read pages by ``next``
alone; afterwards ``delta`` is the link to follow and ``next`` the page of a delta read cut short. ``select`` is the
column list the links were issued for (other columns: the links cannot serve them, a full re-read follows).
``WindowState``: an untracked table read by ``modifiedon`` windows; the cursor's watermark is the window's start,
``hi`` its end while it is being read, ``last_m``/``last_id`` the keyset of the last row landed.
``ListingState``: an untracked table without ``modifiedon`` (an N:N intersect table, process stages), read whole on
every run; ``next`` is the nextLink of a listing cut short, absent once a listing has completed.

Version 0 (saved before the state had a schema) holds the same keys without ``"v"``; version 1 adds ``"v": 1``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from connectors.state import VERSION_KEY, CursorStateError, StateReader, check_keys, state_version

VERSION = 1
TRACK_KEYS = ("mode", "select", "delta", "next")
WINDOW_KEYS = ("mode", "hi", "last_m", "last_id")
LISTING_KEYS = ("mode", "next")


@dataclass(frozen=True, slots=True)
class TrackState:
    select: str
    delta: str | None = None  # None: the initial track-changes read has not reached its last page yet
    next: str | None = None  # the nextLink of the page after the last one landed

    def to_state(self) -> dict[str, Any]:
        state: dict[str, Any] = {VERSION_KEY: VERSION, "mode": "track", "select": self.select}
        return state | {k: v for k, v in (("delta", self.delta), ("next", self.next)) if v is not None}


@dataclass(frozen=True, slots=True)
class WindowState:
    hi: datetime | None = None  # None: no window is open, the next one starts at the cursor's watermark
    last_m: str | None = None  # modifiedon of the last row landed, as Dataverse wrote it
    last_id: str | None = None  # its primary key: (last_m, last_id) is the keyset the window resumes after

    def __post_init__(self) -> None:
        if (self.last_m is None) != (self.last_id is None) or (self.last_id is not None and self.hi is None):
            raise ValueError("a window's keyset needs last_m, last_id and hi together")

    def to_state(self) -> dict[str, Any]:
        state: dict[str, Any] = {VERSION_KEY: VERSION, "mode": "window"}
        if self.hi is not None:
            state["hi"] = self.hi.isoformat()
        return state | {k: v for k, v in (("last_m", self.last_m), ("last_id", self.last_id)) if v is not None}


@dataclass(frozen=True, slots=True)
class ListingState:
    next: str | None = None  # the nextLink of the page after the last one landed; None: the next run lists afresh

    def to_state(self) -> dict[str, Any]:
        state: dict[str, Any] = {VERSION_KEY: VERSION, "mode": "listing"}
        return state | ({"next": self.next} if self.next else {})


DynamicsState = TrackState | WindowState | ListingState


def from_state(state: Mapping[str, Any], *, connection: str, object: str) -> DynamicsState | None:
    """The saved state (version 0 or 1) as its typed mode; None when nothing is saved (a first read)."""
    if not state:
        return None
    state_version(state, supported=VERSION, connection=connection, object=object)
    where = {"connection": connection, "object": object}
    read = StateReader(connection, object)
    mode = state.get("mode")
    if mode == "track":
        check_keys(state, TRACK_KEYS, **where)
        track = TrackState(read.text(state, "select") or "", read.text(state, "delta"), read.text(state, "next"))
        if "select" not in state or (track.delta is None and track.next is None):
            raise CursorStateError(f"saved change-tracking state {dict(state)!r} needs select and a delta or next "
                                   f"link", connection=connection, object=object)
        return track
    if mode == "window":
        check_keys(state, WINDOW_KEYS, **where)
        # last_m is the modifiedon of the last row landed, kept as Dataverse wrote it (the next query compares it)
        hi = read.instant(state, "hi")
        try:
            return WindowState(hi, read.text(state, "last_m"), read.text(state, "last_id"))
        except ValueError as exc:
            raise CursorStateError(f"saved window state {dict(state)!r} is not readable: {exc}", connection=connection,
                                   object=object) from None
    if mode == "listing":
        check_keys(state, LISTING_KEYS, **where)
        return ListingState(read.text(state, "next"))
    raise CursorStateError(f"saved cursor state has mode {mode!r}, expected 'track', 'window' or 'listing'",
                           connection=connection, object=object)

