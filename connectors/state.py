"""Versioned cursor state: what every CRM's typed state (``connectors/<crm>/state.py``) shares.

A cursor's ``state`` is saved in the store as JSON and read back by a later release. Each CRM keeps it as a frozen
dataclass with ``from_state()``/``to_state()``; the saved mapping carries ``"v"`` (absent: version 0, the string-keyed
dicts saved before the state had a schema). Reading checks the version and every key, so a renamed or misspelt key is
an error naming the connection and object, never a silently reset cursor that re-reads a whole CRM.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from connectors.errors import ConfigError
from connectors.instants import parse_instant

VERSION_KEY = "v"


class CursorStateError(ConfigError):
    """A saved cursor this release cannot read: a person resets the stream (``crmhub state reset``) or upgrades."""


def state_version(state: Mapping[str, Any], *, supported: int, connection: str, object: str) -> int:
    """The saved state's version (0 when unversioned); an unknown one is an error naming the stream."""
    version = state.get(VERSION_KEY, 0)
    if isinstance(version, bool) or not isinstance(version, int) or not 0 <= version <= supported:
        raise CursorStateError(
            f"saved cursor state has version {version!r}; this crmhub reads versions 0 to {supported}: upgrade "
            f"crmhub, or run `crmhub state reset {connection} {object}` to read the stream again from the start",
            connection=connection, object=object)
    return version


def check_keys(state: Mapping[str, Any], known: Iterable[str], *, connection: str, object: str) -> None:
    """Every key of the saved state is one the state type reads (``"v"`` always is)."""
    allowed = {VERSION_KEY, *known}
    unknown = sorted(k for k in state if k not in allowed)
    if unknown:
        raise CursorStateError(
            f"saved cursor state has key(s) {', '.join(map(repr, unknown))} this crmhub does not read (it reads "
            f"{', '.join(sorted(allowed))}): run `crmhub state show {connection} {object}` to see it, "
            f"`crmhub state reset {connection} {object}` to read the stream again",
            connection=connection, object=object)


class StateReader:
    """Typed values out of a saved state mapping; a wrong one is a ``CursorStateError`` naming the stream, the key
    (with ``prefix`` for a nested mapping, e.g. ``"win."``), the value found and what was expected."""

    def __init__(self, connection: str, object: str) -> None:
        self.connection, self.object = connection, object

    def error(self, key: str, value: object, expected: str) -> CursorStateError:
        return CursorStateError(
            f"saved cursor state key {key!r} is {value!r}, expected {expected}: run `crmhub state show "
            f"{self.connection} {self.object}` to see it, `crmhub state reset {self.connection} {self.object}` "
            "to read the stream again", connection=self.connection, object=self.object)

    def text(self, state: Mapping[str, Any], key: str, prefix: str = "") -> str | None:
        value = state.get(key)
        if value is not None and not isinstance(value, str):
            raise self.error(prefix + key, value, "a string")
        return value

    def flag(self, state: Mapping[str, Any], key: str, prefix: str = "") -> bool:
        value = state.get(key, False)
        if not isinstance(value, bool):
            raise self.error(prefix + key, value, "true or false")
        return value

    def integer(self, state: Mapping[str, Any], key: str, prefix: str = "") -> int | None:
        value = state.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise self.error(prefix + key, value, "an integer")
        return value

    def instant(self, state: Mapping[str, Any], key: str, prefix: str = "") -> datetime | None:
        value = state.get(key)
        if value is None:
            return None
        try:
            return parse_instant(value)
        except (TypeError, ValueError):
            raise self.error(prefix + key, value, "an ISO 8601 instant with an offset") from None
