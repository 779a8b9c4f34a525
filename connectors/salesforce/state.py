"""A Salesforce stream's cursor state, typed: the window a read is in (and how far it got), and the schedules.

Version 1 keeps version 0's layout (the string-keyed dicts saved before the state had a schema) and adds ``"v": 1``;
reading either checks every key and value, so a misspelt or unknown one is a ``CursorStateError`` naming the
stream instead of a silently reset window that would re-read the whole object.

Saved layout: ``{"v": 1, "reconciled_at": iso?, "formulas_at": iso?, "win": {...}?}``, where ``win`` is the
window being read: ``hi``, ``lo``, ``all`` (queryAll), ``dlo`` (deleted/ from), ``list`` (an Id listing still due),
``full``, ``notes`` and, once a COUNT() chose the path, ``mode`` with that path's progress (``rest``: ``count``,
``after`` = the last [SystemModstamp, Id] landed; ``bulk``: ``count``, ``why``, ``job``, ``locator``,
``bulk_done``; ``none``: ``count`` 0).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from connectors.state import StateReader, check_keys, state_version

VERSION = 1

_TOP = ("win", "reconciled_at", "formulas_at")
_WINDOW = ("hi", "lo", "all", "dlo", "list", "full", "notes", "mode")
_PATH = {"rest": ("count", "after"), "bulk": ("count", "why", "job", "locator", "bulk_done"), "none": ("count",)}


@dataclass(frozen=True, slots=True)
class RestPath:
    """REST ``ORDER BY SystemModstamp, Id``: a resume re-queries after the last (SystemModstamp, Id) landed."""

    count: int
    after: tuple[str, str] | None = None  # SystemModstamp as Salesforce wrote it, and the Id


@dataclass(frozen=True, slots=True)
class BulkPath:
    """One Bulk 2.0 query job for the window, resumed from its results locator."""

    count: int
    why: str
    job: str | None = None
    locator: str | None = None  # the next results page; None with ``done`` False: the first page
    done: bool = False


@dataclass(frozen=True, slots=True)
class NoRecords:
    """COUNT() found nothing in the window."""


Path = RestPath | BulkPath | NoRecords


@dataclass(frozen=True, slots=True)
class Window:
    """One read's ``[lo, hi)`` on SystemModstamp, planned once and kept until its last batch (``window.plan``)."""

    hi: datetime
    lo: datetime | None
    query_all: bool  # incremental windows of objects with deletes read IsDeleted rows through queryAll
    deleted_from: datetime | None  # sobjects/X/deleted is read from here to ``hi`` at the window's end
    listing: bool  # an Id listing is still due ahead of the window's records
    full: bool
    notes: tuple[str, ...] = ()
    path: Path | None = None  # None until a COUNT() chose it


@dataclass(frozen=True, slots=True)
class SalesforceState:
    window: Window | None = None  # the window being read; None between reads
    reconciled_at: datetime | None = None  # the last Id listing
    formulas_at: datetime | None = None  # the last full pass for formula fields

    @classmethod
    def from_state(cls, state: Mapping[str, Any], *, connection: str, object: str) -> SalesforceState:
        """Version 0 or 1 of the saved state; anything else is a ``CursorStateError`` naming the stream."""
        state_version(state, supported=VERSION, connection=connection, object=object)
        check_keys(state, _TOP, connection=connection, object=object)
        read = _Reader(connection, object)
        win = state.get("win")
        return cls(window=read.window(win) if win else None,
                   reconciled_at=read.instant(state, "reconciled_at"), formulas_at=read.instant(state, "formulas_at"))

    def to_state(self) -> dict[str, Any]:
        out: dict[str, Any] = {"v": VERSION}
        if self.reconciled_at is not None:
            out["reconciled_at"] = self.reconciled_at.isoformat()
        if self.formulas_at is not None:
            out["formulas_at"] = self.formulas_at.isoformat()
        if self.window is not None:
            out["win"] = _window_state(self.window)
        return out


def _window_state(win: Window) -> dict[str, Any]:
    out: dict[str, Any] = {
        "hi": win.hi.isoformat(), "lo": _iso(win.lo), "all": win.query_all, "dlo": _iso(win.deleted_from),
        "list": win.listing, "full": win.full, "notes": list(win.notes)}
    match win.path:
        case RestPath(count, after):
            out.update(mode="rest", count=count)
            if after is not None:
                out["after"] = list(after)
        case BulkPath(count, why, job, locator, done):
            out.update(mode="bulk", count=count, why=why, job=job, locator=locator, bulk_done=done)
        case NoRecords():
            out.update(mode="none", count=0)
    return out


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


class _Reader(StateReader):
    """The nested window and its path, read with the shared typed readers."""

    def window(self, win: object) -> Window:
        if not isinstance(win, Mapping):
            raise self.error("win", win, "an object")
        mode = win.get("mode")
        if mode is not None and mode not in _PATH:
            raise self.error("win.mode", mode, f"one of {', '.join(_PATH)}")
        check_keys(win, (*_WINDOW, *(_PATH[mode] if mode else ())), connection=self.connection, object=self.object)
        hi = self.instant(win, "hi", "win.")
        if hi is None:
            raise self.error("win.hi", None, "an ISO 8601 instant")
        notes = win.get("notes") or []
        if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
            raise self.error("win.notes", notes, "a list of strings")
        return Window(hi=hi, lo=self.instant(win, "lo", "win."), query_all=self.flag(win, "all", "win."),
                      deleted_from=self.instant(win, "dlo", "win."), listing=self.flag(win, "list", "win."),
                      full=self.flag(win, "full", "win."), notes=tuple(notes), path=self.path(mode, win))

    def path(self, mode: str | None, win: Mapping[str, Any]) -> Path | None:
        if mode is None:
            return None
        count = win.get("count", 0)
        if isinstance(count, bool) or not isinstance(count, int):
            raise self.error("win.count", count, "an integer")
        if mode == "none":
            return NoRecords()
        if mode == "rest":
            after = win.get("after")
            if after is None:
                return RestPath(count)
            if not (isinstance(after, list) and len(after) == 2 and all(isinstance(a, str) for a in after)):
                raise self.error("win.after", after, "[SystemModstamp, Id]")
            return RestPath(count, (after[0], after[1]))
        return BulkPath(count, self.text(win, "why", "win.") or "", job=self.text(win, "job", "win."),
                        locator=self.text(win, "locator", "win."), done=self.flag(win, "bulk_done", "win."))
