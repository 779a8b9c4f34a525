"""Object types by every name HubSpot's API answers to.

Standard objects: ``contacts``, ``contact``, ``CONTACT`` or ``0-1``. Custom objects: their objectTypeId (``2-7301``),
their fully qualified name (``p24681357_channel_partner``) or the short form ``p_channel_partner`` — never their bare
name, which HubSpot stopped accepting in June 2025. The sandbox keys a custom object by its fully qualified name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TypeEntry:
    name: str  # the sandbox's key: "contacts", "p24681357_channel_partner"
    singular: str
    type_id: str  # "0-1", "2-7301"
    custom: bool = False


class ObjectTypes:
    def __init__(self) -> None:
        self._entries: dict[str, TypeEntry] = {}
        self._aliases: dict[str, str] = {}

    def add(self, entry: TypeEntry, aliases: Iterable[str]) -> None:
        self._entries[entry.name] = entry
        for alias in (entry.name, entry.type_id, *aliases):
            self._aliases[alias.lower()] = entry.name

    def remove(self, name: str) -> None:
        """A deleted custom object: no name resolves to it any more."""
        self._entries.pop(name, None)
        self._aliases = {alias: key for alias, key in self._aliases.items() if key != name}

    def resolve(self, raw: str) -> str | None:
        """The sandbox key of ``raw``, or None when HubSpot could not infer an object type from it."""
        return self._aliases.get(raw.strip().lower())

    def entry(self, name: str) -> TypeEntry:
        return self._entries[name]

    @property
    def names(self) -> list[str]:
        return list(self._entries)

    def custom_names(self) -> list[str]:
        return [e.name for e in self._entries.values() if e.custom]

    def by_type_id(self, type_id: str) -> str | None:
        return next((e.name for e in self._entries.values() if e.type_id == type_id), None)
