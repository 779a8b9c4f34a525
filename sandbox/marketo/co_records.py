"""Custom object records: one store per approved type, with the lookups Marketo's query and sync use.

A record is named by its ``marketoGUID`` and keyed by its dedupe fields (one record per dedupe key); its link field
holds the linked lead's id (or email). ``updatedAt`` moves when a value changes, and the bulk export's ``updatedAt``
filter reads it. Deleting a lead deletes the records linked to it (they could no longer be exported: the bulk
extract serves records linked to a lead), which leaves no trace but their absence: Marketo logs no activity for
custom object records.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sortedcontainers import SortedList

from sandbox.marketo.co_schema import CoField, CoVersion
from sandbox.marketo.envelope import reason
from sandbox.marketo.fields import FieldValueError, LeadField, coerce, render, render_csv

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SYSTEM = ("marketoGUID", "createdAt", "updatedAt")


def _as_lead_field(f: CoField) -> LeadField:
    kind = "string" if f.value_type in ("date", "text") else f.value_type
    return LeadField(0, f.name, f.display_name, kind, None if f.value_type == "text" else 255)


def coerce_value(f: CoField, value: Any) -> Any:
    """The stored form of a value for ``f`` (dates as ``YYYY-MM-DD``, datetimes as epoch seconds)."""
    stored = coerce(_as_lead_field(f), value)
    if f.value_type == "date" and stored is not None and not _DATE.match(str(stored)):
        raise FieldValueError(f"Invalid value for field '{f.name}': expected date (YYYY-MM-DD)")
    return stored


def render_value(f: CoField, stored: Any, *, csv: bool = False) -> Any:
    lead_field = _as_lead_field(f)
    return render_csv(lead_field, stored) if csv else render(lead_field, stored)


@dataclass
class CoRecord:
    guid: str
    values: dict[str, Any]
    created: int
    updated: int

    def get(self, version: CoVersion, name: str) -> Any:
        if name == "marketoGUID":
            return self.guid
        if name in ("createdAt", "updatedAt"):
            return self.created if name == "createdAt" else self.updated
        return self.values.get(name) if version.field(name) is not None else None

    def render(self, version: CoVersion, names: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {"marketoGUID": self.guid}
        for name in names:
            f = version.field(name)
            value = self.get(version, name)
            if f is not None and value is not None and name != "marketoGUID":
                out[name] = render_value(f, value)
        return out


@dataclass
class CoRecords:
    """The records of one type."""

    live: dict[str, CoRecord] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)  # marketoGUID -> when
    by_updated: SortedList = field(default_factory=SortedList)  # (updated, guid)
    _by_key: dict[tuple[Any, ...], str] = field(default_factory=dict)
    _by_link: dict[Any, set[str]] = field(default_factory=dict)

    def key_of(self, version: CoVersion, values: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(_fold(values.get(name)) for name in version.dedupe_fields())

    def by_key(self, version: CoVersion, values: dict[str, Any]) -> CoRecord | None:
        guid = self._by_key.get(self.key_of(version, values))
        return self.live.get(guid) if guid else None

    def linked(self, value: Any) -> set[str]:
        return set(self._by_link.get(_fold(value), ()))

    def find(self, version: CoVersion, name: str, value: Any) -> list[str]:
        """Live GUIDs whose ``name`` (a searchable field) equals ``value``."""
        if name == "marketoGUID":
            return [value] if value in self.live else []
        links = [f.name for f in version.links()]
        if name in links:
            return sorted(self.linked(value))
        guid = self._by_key.get((_fold(value),))
        return [guid] if guid else []

    def add(self, version: CoVersion, values: dict[str, Any], *, now: int, guid: str | None = None) -> CoRecord:
        record = CoRecord(guid or str(uuid.uuid4()), dict(values), now, now)
        self.live[record.guid] = record
        self._index(version, record)
        self.by_updated.add((record.updated, record.guid))
        return record

    def change(self, version: CoVersion, record: CoRecord, changes: dict[str, Any], *, now: int) -> bool:
        done = {k: v for k, v in changes.items() if record.values.get(k) != v}
        if not done:
            return False
        self._unindex(version, record)
        record.values.update(done)
        self._index(version, record)
        self.by_updated.discard((record.updated, record.guid))
        record.updated = max(now, record.updated)
        self.by_updated.add((record.updated, record.guid))
        return True

    def delete(self, version: CoVersion, guid: str, *, now: int) -> bool:
        record = self.live.pop(guid, None)
        if record is None:
            return False
        self._unindex(version, record)
        self.by_updated.discard((record.updated, record.guid))
        self.deleted[guid] = now
        return True

    def updated_between(self, start: int, end: int) -> Iterator[CoRecord]:
        """Records whose ``updatedAt`` lies in ``[start, end]`` (both inclusive, as Marketo's filters)."""
        for _, guid in self.by_updated.irange((start, ""), (end, "\uffff")):
            yield self.live[guid]

    def _index(self, version: CoVersion, record: CoRecord) -> None:
        self._by_key[self.key_of(version, record.values)] = record.guid
        for link in version.links():
            self._by_link.setdefault(_fold(record.values.get(link.name)), set()).add(record.guid)

    def _unindex(self, version: CoVersion, record: CoRecord) -> None:
        self._by_key.pop(self.key_of(version, record.values), None)
        for link in version.links():
            self._by_link.get(_fold(record.values.get(link.name)), set()).discard(record.guid)


def _fold(value: Any) -> Any:
    """Keys match as Marketo's dedupe does: text ignores case and surrounding spaces."""
    return value.strip().lower() if isinstance(value, str) else value


def typed_values(version: CoVersion, raw: dict[str, Any], *, allow_guid: bool) -> dict[str, Any] | dict[str, str]:
    """``{"_skip": code, "_message": ...}`` when a value is refused, else the stored values of ``raw``."""
    out: dict[str, Any] = {}
    for name, value in raw.items():
        if name == "marketoGUID" and allow_guid:
            continue
        if name in SYSTEM:
            return {"_skip": "1003", "_message": f"Field '{name}' is not updateable"}
        f = version.field(name)
        if f is None:
            return {"_skip": "1006", "_message": f"Field '{name}' not found"}
        try:
            out[name] = coerce_value(f, value)
        except FieldValueError as exc:
            return {"_skip": "1003", "_message": str(exc)}
    return out


def skipped(seq: int, code: str, message: str) -> dict[str, Any]:
    return {"seq": seq, "status": "skipped", "reasons": [reason(code, message)]}


LeadExists = Callable[[str, str, Any], bool]  # (linked object, its field, value) -> whether it exists
