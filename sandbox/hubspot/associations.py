"""Associations between records, with HubSpot's association type ids (v4), labels and type names (v3).

Each association is stored once, on its owning side: a contact holds its company, a deal its company and contacts,
an engagement its contact, company and deal, a custom object record what its schema associates it with
(``Rec.links``, aligned with ``ObjectSchema.link_targets``; a record saved before its schema gained a target has a
shorter tuple). The other direction comes from a reverse index built when first asked for and dropped whenever
links of that type change. Labels (HubSpot's USER_DEFINED association labels, e.g. a deal's "Decision maker"
contact) are kept per pair on the owning side, in the owning direction; reading the other way gives their pair's id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sandbox.hubspot.records import Link, Rec, Table
from sandbox.hubspot.type_ids import PRIMARY_TYPE_IDS, TYPE_IDS

FIRST_CUSTOM_TYPE_ID = 2_001  # association types a portal defines (custom objects, labels): ids past HubSpot's own
Pair = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Associated:
    to_id: int
    primary: bool
    labels: tuple[int, ...] = ()  # USER_DEFINED label type ids, in the direction asked for


@dataclass(frozen=True, slots=True)
class LabelDef:
    type_id: int
    label: str
    inverse_id: int  # the same label read from the other side


@dataclass(slots=True)
class AssociationTypes:
    """Every association type of the portal: HubSpot's own (fixed ids) and those custom objects and labels add."""

    plain: dict[Pair, int] = field(default_factory=lambda: dict(TYPE_IDS))
    primary: dict[Pair, int] = field(default_factory=lambda: dict(PRIMARY_TYPE_IDS))
    user_defined: set[Pair] = field(default_factory=set)  # pairs whose plain type is a portal's, not HubSpot's
    labels: dict[Pair, list[LabelDef]] = field(default_factory=dict)
    next_id: int = FIRST_CUSTOM_TYPE_ID

    def define(self, from_type: str, to_type: str) -> tuple[int, int]:
        """A custom object's association with another type: (from→to id, to→from id), made once."""
        if (from_type, to_type) not in self.plain:
            for pair in ((from_type, to_type), (to_type, from_type)):
                self.plain[pair] = self._take()
                self.user_defined.add(pair)
        return self.plain[from_type, to_type], self.plain[to_type, from_type]

    def add_label(self, from_type: str, to_type: str, label: str) -> LabelDef:
        """A USER_DEFINED label on an existing pair (HubSpot pairs it: the reverse direction gets its own id)."""
        for existing in self.labels.get((from_type, to_type), []):
            if existing.label == label:
                return existing
        forward, backward = self._take(), self._take()
        made = LabelDef(forward, label, backward)
        self.labels.setdefault((from_type, to_type), []).append(made)
        self.labels.setdefault((to_type, from_type), []).append(LabelDef(backward, label, forward))
        return made

    def label_named(self, from_type: str, to_type: str, label: str) -> LabelDef | None:
        return next((d for d in self.labels.get((from_type, to_type), []) if d.label == label), None)

    def label_of(self, pair: Pair, type_id: int) -> LabelDef | None:
        return next((d for d in self.labels.get(pair, []) if d.type_id == type_id), None)

    def category(self, pair: Pair) -> str:
        return "USER_DEFINED" if pair in self.user_defined else "HUBSPOT_DEFINED"

    def by_id(self) -> dict[int, Pair]:
        """Type id → (from, to), for parsing ``associations`` on create (plain and primary types)."""
        out = {type_id: pair for pair, type_id in self.plain.items()}
        out.update({type_id: pair for pair, type_id in self.primary.items()})
        return out

    def v4(self, from_type: str, to_type: str, linked: Associated) -> list[dict[str, object]]:
        pair = (from_type, to_type)
        types: list[dict[str, object]] = []
        if linked.primary and pair in self.primary:
            types.append({"category": "HUBSPOT_DEFINED", "typeId": self.primary[pair], "label": "Primary"})
        types.append({"category": self.category(pair), "typeId": self.plain[pair], "label": None})
        for type_id in linked.labels:
            made = self.label_of(pair, type_id)
            if made is not None:
                types.append({"category": "USER_DEFINED", "typeId": type_id, "label": made.label})
        return types

    def _take(self) -> int:
        taken = self.next_id
        self.next_id += 1
        return taken


def v3_names(from_name: str, to_name: str, pair: tuple[str, str], primary: bool) -> list[str]:
    base = f"{from_name}_to_{to_name}"
    if pair in PRIMARY_TYPE_IDS:
        return [base, f"{base}_unlabeled"] if primary else [f"{base}_unlabeled"]
    return [base]


def link_ids(link: Link) -> tuple[int, ...]:
    if isinstance(link, tuple):
        return link
    return (link,) if link else ()


def link_at(rec: Rec, at: int) -> Link:
    """The record's link in slot ``at``; 0 (none) for a record saved before its schema gained that target."""
    return rec.links[at] if rec.links and at < len(rec.links) else 0


class Associations:
    def __init__(self, tables: dict[str, Table]) -> None:
        self.tables = tables
        self.types = AssociationTypes()
        # (owner type, owner id, target type, target id) -> label type ids, in the owner → target direction
        self.pair_labels: dict[tuple[str, int, str, int], tuple[int, ...]] = {}
        self._reverse: dict[tuple[str, str], dict[int, list[int]]] = {}

    def supported(self, from_type: str, to_type: str) -> bool:
        return (from_type, to_type) in self.types.plain

    def lookup(self, from_type: str, rec: Rec, to_type: str) -> list[Associated]:
        """Live records of ``to_type`` associated with ``rec``, in id order."""
        primary_pair = (from_type, to_type) in self.types.primary
        owned = self.tables[from_type].schema.link_targets
        owning = to_type in owned
        if owning:
            ids = link_ids(link_at(rec, owned.index(to_type)))
        elif from_type in self.tables[to_type].schema.link_targets:
            ids = tuple(self._reverse_index(to_type, from_type).get(rec.id, ()))
        else:
            ids = ()
        target = self.tables[to_type]
        seen: set[int] = set()
        out: list[Associated] = []
        for to_id in sorted(ids):
            other = target.recs.get(to_id)
            if other is not None and other.live and to_id not in seen:
                seen.add(to_id)
                out.append(Associated(to_id, primary_pair, self._labels(from_type, rec.id, to_type, to_id, owning)))
        return out

    def owners_of(self, owner_type: str, target_type: str, target_id: int) -> list[int]:
        """Ids of ``owner_type`` records whose links point at ``target_id`` (live or not)."""
        return list(self._reverse_index(owner_type, target_type).get(target_id, ()))

    def changed(self, owner_type: str) -> None:
        """Links of ``owner_type`` records changed: their reverse indexes are stale."""
        for key in [k for k in self._reverse if k[0] == owner_type]:
            del self._reverse[key]

    def _labels(self, from_type: str, from_id: int, to_type: str, to_id: int, owning: bool) -> tuple[int, ...]:
        if owning:
            return self.pair_labels.get((from_type, from_id, to_type, to_id), ())
        stored = self.pair_labels.get((to_type, to_id, from_type, from_id), ())
        pair = (to_type, from_type)
        return tuple(d.inverse_id for d in (self.types.label_of(pair, t) for t in stored) if d is not None)

    def _reverse_index(self, owner_type: str, target_type: str) -> dict[int, list[int]]:
        key = (owner_type, target_type)
        index = self._reverse.get(key)
        if index is None:
            at = self.tables[owner_type].schema.link_targets.index(target_type)
            index = {}
            for rec in self.tables[owner_type].recs.values():
                for to_id in link_ids(link_at(rec, at)):
                    index.setdefault(to_id, []).append(rec.id)
            self._reverse[key] = index
        return index
