"""The Marketo cursor state, typed and versioned: one dataclass per reader.

``LeadState``: the paging tokens of the three change feeds (``leadchanges``, Change Score activities,
``deletedleads``), taken before the first load, plus where the first load stands (``phase`` ``initial``: REST by
``last_id`` or bulk windows up to ``hi`` from ``next_start``, and ``since``: the instant the feed tokens were taken
from, which renews them when Marketo refuses one after the load) and when the live ids were last listed.
``ActivityState``: a paging token per group of activity type ids. ``ProgramState``: when every program was last
listed (the cursor's watermark is the next window's start); ``CustomState`` the same for a custom object, whose
listing is a bulk export of its whole life. ``MemberState``, ``CompanyState`` and ``FileState`` are what the last
whole listing counted: nothing resumes from them, they say what a run saw.

Version 0 (saved before the state had a schema) holds the same keys without ``"v"`` (activities may also hold the
``deleted`` token of an older release, which is ignored); version 1 adds ``"v": 1``. Instants are written as Marketo
takes them (``2026-01-05T10:00:00Z``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal, TypeVar

from connectors.marketo.values import parse_instant, wire_instant
from connectors.state import VERSION_KEY, CursorStateError, StateReader, check_keys, state_version

VERSION = 1
T = TypeVar("T")


class _Reader(StateReader):
    """Reads one saved mapping's values, each checked for its type (Marketo's are mostly required)."""

    def __init__(self, state: Mapping[str, Any], known: tuple[str, ...], *, connection: str, object: str) -> None:
        super().__init__(connection, object)
        self.state = state
        state_version(state, supported=VERSION, connection=connection, object=object)
        check_keys(state, known, connection=connection, object=object)

    def bad(self, key: str, expected: str) -> CursorStateError:
        return self.error(key, self.state.get(key), expected)

    def required_text(self, key: str) -> str:
        value = self.state.get(key)
        if not isinstance(value, str) or not value:
            raise self.bad(key, "a non-empty string")
        return value

    def maybe(self, key: str, read: Any) -> Any:
        return None if self.state.get(key) is None else read(key)

    def required_integer(self, key: str) -> int:
        value = self.integer(self.state, key)
        if value is None:
            raise self.bad(key, "an integer")
        return value

    def required_instant(self, key: str) -> datetime:
        try:
            return parse_instant(self.required_text(key))
        except ValueError:
            raise self.bad(key, "an ISO 8601 instant with an offset") from None

    def choice(self, key: str, choices: tuple[T, ...]) -> T:
        value = self.state.get(key)
        for choice in choices:
            if value == choice:
                return choice
        raise self.bad(key, " or ".join(map(repr, choices)))


Feed = Literal["changes", "scores", "deleted"]  # the change feeds, named as their tokens' keys
Phase = Literal["initial", "incremental"]
LoadMode = Literal["rest", "bulk"]
ExportFilter = Literal["updatedAt", "createdAt"]
PHASES: tuple[Phase, ...] = ("initial", "incremental")
LOAD_MODES: tuple[LoadMode, ...] = ("rest", "bulk")
FILTERS: tuple[ExportFilter, ...] = ("updatedAt", "createdAt")


@dataclass(frozen=True, slots=True)
class LeadState:
    changes: str  # leadchanges paging token
    scores: str  # Change Score activities paging token
    deleted: str  # deletedleads paging token
    phase: Phase = "initial"  # "initial" until the first load has landed its last record
    listed_at: datetime | None = None  # the last complete listing of live lead ids (None: one is due)
    reconcile: bool = False  # the first load doubles as a listing: leads absent from it were purged
    mode: LoadMode | None = None  # how the first load reads: leads.json (small instances) or bulk export
    last_id: int | None = None  # REST first load: the highest lead id landed
    hi: datetime | None = None  # bulk first load: the end of its last window
    next_start: datetime | None = None  # bulk first load: where its next window starts
    filter: ExportFilter | None = None  # bulk first load: the export filter (createdAt when updatedAt is disabled)
    since: datetime | None = None  # first load: the instant its feed tokens start from (None once incremental)

    def token(self, feed: Feed) -> str:
        return self.changes if feed == "changes" else self.scores if feed == "scores" else self.deleted

    def with_token(self, feed: Feed, token: str) -> LeadState:
        if feed == "changes":
            return replace(self, changes=token)
        return replace(self, scores=token) if feed == "scores" else replace(self, deleted=token)

    def tokens_since(self) -> datetime | None:
        """Where the feed tokens of a first load start, so refused ones can be taken again from there; None when
        unknown. A state saved without ``since`` (version 0) still tells it for a load that does not reconcile:
        its ``listed_at`` was set to that very instant when the tokens were taken."""
        if self.phase != "initial":
            return None
        return self.since or (None if self.reconcile else self.listed_at)

    KEYS = ("changes", "scores", "deleted", "phase", "listed_at", "reconcile", "mode", "last_id", "hi",
            "next_start", "filter", "since")

    @classmethod
    def from_state(cls, state: Mapping[str, Any], *, connection: str, object: str) -> LeadState | None:
        """The saved state (version 0 or 1); None when nothing is saved (a first read)."""
        if _nothing_saved(state, connection=connection, object=object):
            return None
        r = _Reader(state, cls.KEYS, connection=connection, object=object)
        reconcile = state.get("reconcile", False)
        if not isinstance(reconcile, bool):
            raise r.bad("reconcile", "true or false")
        return cls(r.required_text("changes"), r.required_text("scores"), r.required_text("deleted"),
                   r.choice("phase", PHASES), r.maybe("listed_at", r.required_instant), reconcile,
                   r.maybe("mode", lambda k: r.choice(k, LOAD_MODES)), r.maybe("last_id", r.required_integer),
                   r.maybe("hi", r.required_instant), r.maybe("next_start", r.required_instant),
                   r.maybe("filter", lambda k: r.choice(k, FILTERS)), r.maybe("since", r.required_instant))

    def to_state(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "changes": self.changes, "scores": self.scores, "deleted": self.deleted, "phase": self.phase,
            "listed_at": _wire(self.listed_at), "reconcile": self.reconcile or None, "mode": self.mode,
            "last_id": self.last_id, "hi": _wire(self.hi), "next_start": _wire(self.next_start),
            "filter": self.filter, "since": _wire(self.since)}
        return {VERSION_KEY: VERSION} | {k: v for k, v in values.items() if v is not None}


@dataclass(frozen=True, slots=True)
class ActivityState:
    groups: Mapping[str, str] = field(default_factory=dict)  # "1,2,3" (type ids) -> the token after its last page

    @classmethod
    def from_state(cls, state: Mapping[str, Any], *, connection: str, object: str) -> ActivityState:
        # ``deleted``: an older release's deletedleads token; deletions now cascade from leads, so it is not read.
        r = _Reader(state, ("groups", "deleted"), connection=connection, object=object)
        groups = state.get("groups") or {}
        if not isinstance(groups, Mapping) or not all(isinstance(k, str) and isinstance(v, str) and v
                                                      for k, v in groups.items()):
            raise r.bad("groups", "a mapping of activity type id groups to paging tokens")
        return cls(dict(groups))

    def to_state(self) -> dict[str, Any]:
        return {VERSION_KEY: VERSION, "groups": dict(self.groups)}


@dataclass(frozen=True, slots=True)
class ProgramState:
    listed_at: datetime | None = None  # the last complete program listing (None: one is due)

    @classmethod
    def from_state(cls, state: Mapping[str, Any], *, connection: str, object: str) -> ProgramState:
        r = _Reader(state, ("listed_at",), connection=connection, object=object)
        return cls(r.maybe("listed_at", r.required_instant))

    def to_state(self) -> dict[str, Any]:
        return {VERSION_KEY: VERSION} | ({"listed_at": _wire(self.listed_at)} if self.listed_at else {})


@dataclass(frozen=True, slots=True)
class CustomState:
    """A custom object's read: the watermark is where the next ``updatedAt`` window starts; ``listed_at`` when a
    read last exported the type's whole life (the listing that finds deleted records), None when one is due."""

    listed_at: datetime | None = None
    loading: bool = False  # a first load stopped part-way: the next read resumes its windows, lists nothing

    @classmethod
    def from_state(cls, state: Mapping[str, Any], *, connection: str, object: str) -> CustomState:
        r = _Reader(state, ("listed_at", "loading"), connection=connection, object=object)
        loading = state.get("loading", False)
        if not isinstance(loading, bool):
            raise r.bad("loading", "true or false")
        return cls(r.maybe("listed_at", r.required_instant), loading)

    def to_state(self) -> dict[str, Any]:
        return ({VERSION_KEY: VERSION} | ({"listed_at": _wire(self.listed_at)} if self.listed_at else {})
                | ({"loading": True} if self.loading else {}))


@dataclass(frozen=True, slots=True)
class MemberState:
    programs: int  # programs listed by the last read
    members: int  # members they had

    @classmethod
    def from_state(cls, state: Mapping[str, Any], *, connection: str, object: str) -> MemberState | None:
        if _nothing_saved(state, connection=connection, object=object):
            return None
        r = _Reader(state, ("programs", "members"), connection=connection, object=object)
        return cls(r.required_integer("programs"), r.required_integer("members"))

    def to_state(self) -> dict[str, Any]:
        return {VERSION_KEY: VERSION, "programs": self.programs, "members": self.members}


@dataclass(frozen=True, slots=True)
class CompanyState:
    leads_rolled_up: int  # live leads the last rollup read

    @classmethod
    def from_state(cls, state: Mapping[str, Any], *, connection: str, object: str) -> CompanyState | None:
        if _nothing_saved(state, connection=connection, object=object):
            return None
        r = _Reader(state, ("leads_rolled_up",), connection=connection, object=object)
        return cls(r.required_integer("leads_rolled_up"))

    def to_state(self) -> dict[str, Any]:
        return {VERSION_KEY: VERSION, "leads_rolled_up": self.leads_rolled_up}


@dataclass(frozen=True, slots=True)
class FileState:
    files: int  # files the last listing saw

    @classmethod
    def from_state(cls, state: Mapping[str, Any], *, connection: str, object: str) -> FileState | None:
        if _nothing_saved(state, connection=connection, object=object):
            return None
        r = _Reader(state, ("files",), connection=connection, object=object)
        return cls(r.required_integer("files"))

    def to_state(self) -> dict[str, Any]:
        return {VERSION_KEY: VERSION, "files": self.files}


def _nothing_saved(state: Mapping[str, Any], *, connection: str, object: str) -> bool:
    state_version(state, supported=VERSION, connection=connection, object=object)
    return not any(k != VERSION_KEY for k in state)


def _wire(value: datetime | None) -> str | None:
    return None if value is None else wire_instant(value)
