"""The lead database: live and deleted leads, the indexes lookups use, and modified-time orderings for exports."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sortedcontainers import SortedList

from sandbox.marketo.activity_model import FieldChange
from sandbox.marketo.fields import BY_NAME, INDEX, LEAD_FIELDS
from sandbox.marketo.lead_model import Lead

INDEXED = tuple(f.name for f in LEAD_FIELDS if f.searchable and f.name != "id")
_SHIFT = 32  # SortedList keys: (timestamp << 32) | id, cheaper than tuples at a million leads


def lookup_key(name: str, value: Any) -> Any:
    """How a value is matched: emails ignore case and surrounding spaces, as Marketo's dedupe does."""
    if name == "email" and isinstance(value, str):
        return value.strip().lower()
    return value


@dataclass
class DeletedLead:
    lead: Lead
    deleted_at: int
    purged: bool


class LeadStore:
    def __init__(self, leads: list[Lead], deleted: dict[int, int]) -> None:
        self.live: dict[int, Lead] = {}
        self.deleted: dict[int, DeletedLead] = {}
        self._index: dict[str, dict[Any, list[int]]] = {name: {} for name in INDEXED}
        created_keys: list[int] = []
        modified_keys: list[int] = []
        for lead in leads:
            if lead.id in deleted:
                self.deleted[lead.id] = DeletedLead(lead, deleted[lead.id], purged=False)
                continue
            self.live[lead.id] = lead
            self._add_to_index(lead)
            created_keys.append((lead.get("createdAt") << _SHIFT) | lead.id)
            modified_keys.append((lead.modified << _SHIFT) | lead.id)
        self.by_created = SortedList(created_keys)
        self.by_modified = SortedList(modified_keys)
        self.next_id = max((lead.id for lead in leads), default=1000) + 1

    # -- reads ---------------------------------------------------------------------------------------------
    def get(self, lead_id: int) -> Lead | None:
        return self.live.get(lead_id)

    def find(self, name: str, value: Any) -> list[int]:
        if name == "id":
            return [value] if value in self.live else []
        return list(self._index[name].get(lookup_key(name, value), ()))

    def contact_of(self, lead_id: int) -> tuple[str | None, str | None, str | None] | None:
        lead = self.live.get(lead_id)
        if lead is not None:
            return lead.contact()
        gone = self.deleted.get(lead_id)
        return gone.lead.contact() if gone else None

    def ids_between(self, order: SortedList, start: int, end: int) -> Iterator[int]:
        """Ids whose timestamp in ``order`` lies in ``[start, end]`` (both inclusive, as Marketo's filters)."""
        mask = (1 << _SHIFT) - 1
        for key in order.irange(start << _SHIFT, (end << _SHIFT) | mask):
            yield key & mask

    # -- writes --------------------------------------------------------------------------------------------
    def create(self, values: dict[str, Any], *, now: int, person_key: int | None = None) -> Lead:
        lead = Lead(self.next_id, Lead.blank_values(), person_key=person_key, modified=now)
        self.next_id += 1
        for name, value in values.items():
            lead.set(name, value)
        lead.set("createdAt", now)
        lead.set("updatedAt", now)
        lead.set("leadPartitionId", 1)
        self.live[lead.id] = lead
        self._add_to_index(lead)
        self.by_created.add((now << _SHIFT) | lead.id)
        self.by_modified.add((now << _SHIFT) | lead.id)
        return lead

    def update(self, lead: Lead, changes: dict[str, Any], *, now: int, force: bool = False) -> list[FieldChange]:
        """Apply stored values; return what actually changed. ``force`` bumps times even without a change."""
        done: list[FieldChange] = []
        for name, value in changes.items():
            old = lead.get(name)
            if old == value and type(old) is type(value):
                continue
            if name in INDEXED:
                self._unindex(lead, name)
            lead.set(name, value)
            if name in INDEXED:
                self._index_one(lead, name)
            done.append(FieldChange(BY_NAME[name].id, name, value, old))
        if done or force:
            self.touch(lead, now=now, standard=force or any(BY_NAME[c.name].standard for c in done))
        return done

    def touch(self, lead: Lead, *, now: int, standard: bool) -> None:
        self.by_modified.discard((lead.modified << _SHIFT) | lead.id)
        lead.modified = now
        self.by_modified.add((now << _SHIFT) | lead.id)
        if standard:
            lead.set("updatedAt", now)

    def delete(self, lead_id: int, *, now: int, purged: bool = False) -> Lead | None:
        lead = self.live.pop(lead_id, None)
        if lead is None:
            return None
        for name in INDEXED:
            self._unindex(lead, name)
        self.by_created.discard((lead.get("createdAt") << _SHIFT) | lead.id)
        self.by_modified.discard((lead.modified << _SHIFT) | lead.id)
        self.deleted[lead_id] = DeletedLead(lead, now, purged)
        return lead

    # -- indexes -------------------------------------------------------------------------------------------
    def _add_to_index(self, lead: Lead) -> None:
        for name in INDEXED:
            self._index_one(lead, name)

    def _index_one(self, lead: Lead, name: str) -> None:
        value = lead.values[INDEX[name]]
        if value is not None:
            self._index[name].setdefault(lookup_key(name, value), []).append(lead.id)

    def _unindex(self, lead: Lead, name: str) -> None:
        value = lead.values[INDEX[name]]
        if value is None:
            return
        key = lookup_key(name, value)
        ids = self._index[name].get(key)
        if ids and lead.id in ids:
            ids.remove(lead.id)
            if not ids:
                del self._index[name][key]
