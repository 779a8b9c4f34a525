"""Versioned cursor state: what every CRM's typed state (``connectors/<crm>/state.py``) shares.

A cursor's ``state`` is saved in the store as JSON and read back by a later release. Each CRM keeps it as a frozen
dataclass with ``from_state()``/``to_state()``; the saved mapping carries ``"v"`` (absent: version 0, the string-keyed
dicts saved before the state had a schema). Reading checks the version and every key, so a renamed or misspelt key is
an error naming the connection and object, never a silently reset cursor that re-reads a whole CRM.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from connectors.errors import ConfigError

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
