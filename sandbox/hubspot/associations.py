"""Associations between records, with HubSpot's association type ids (v4) and type names (v3).

Each association is stored once, on its owning side: a contact holds its company, a deal its company and contacts,
an engagement its contact, company and deal (``Rec.links``, aligned with ``ObjectSchema.link_targets``). The other
direction comes from a reverse index built when first asked for and dropped whenever links of that type change.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.hubspot.records import Link, Rec, Table

# (from, to) -> HUBSPOT_DEFINED type id of the plain (unlabeled) association.
TYPE_IDS: dict[tuple[str, str], int] = {
    ("contacts", "companies"): 279, ("companies", "contacts"): 280,
    ("deals", "contacts"): 3, ("contacts", "deals"): 4,
    ("deals", "companies"): 341, ("companies", "deals"): 342,
    ("line_items", "deals"): 20, ("deals", "line_items"): 19,
}
_ENGAGEMENT_BASE = {  # (company→x, x→company, contact→x, x→contact, deal→x, x→deal)
    "calls": (181, 182, 193, 194, 205, 206), "emails": (185, 186, 197, 198, 209, 210),
    "meetings": (187, 188, 199, 200, 211, 212), "notes": (189, 190, 201, 202, 213, 214),
    "tasks": (191, 192, 203, 204, 215, 216),
}
for _kind, (_co_x, _x_co, _ct_x, _x_ct, _d_x, _x_d) in _ENGAGEMENT_BASE.items():
    TYPE_IDS.update({("companies", _kind): _co_x, (_kind, "companies"): _x_co, ("contacts", _kind): _ct_x,
                     (_kind, "contacts"): _x_ct, ("deals", _kind): _d_x, (_kind, "deals"): _x_d})
# Pairs with a "Primary" label: a record's single company is its primary company.
PRIMARY_TYPE_IDS = {("contacts", "companies"): 1, ("companies", "contacts"): 2, ("deals", "companies"): 5,
                    ("companies", "deals"): 6}


@dataclass(frozen=True, slots=True)
class Associated:
    to_id: int
    primary: bool


def v4_types(from_type: str, to_type: str, primary: bool) -> list[dict[str, object]]:
    types: list[dict[str, object]] = []
    if primary and (from_type, to_type) in PRIMARY_TYPE_IDS:
        types.append({"category": "HUBSPOT_DEFINED", "typeId": PRIMARY_TYPE_IDS[from_type, to_type],
                      "label": "Primary"})
    types.append({"category": "HUBSPOT_DEFINED", "typeId": TYPE_IDS[from_type, to_type], "label": None})
    return types


def v3_names(from_name: str, to_name: str, pair: tuple[str, str], primary: bool) -> list[str]:
    base = f"{from_name}_to_{to_name}"
    if pair in PRIMARY_TYPE_IDS:
        return [base, f"{base}_unlabeled"] if primary else [f"{base}_unlabeled"]
    return [base]


def link_ids(link: Link) -> tuple[int, ...]:
    if isinstance(link, tuple):
        return link
    return (link,) if link else ()


class Associations:
    def __init__(self, tables: dict[str, Table]) -> None:
        self.tables = tables
        self._reverse: dict[tuple[str, str], dict[int, list[int]]] = {}

    def supported(self, from_type: str, to_type: str) -> bool:
        return (from_type, to_type) in TYPE_IDS

    def lookup(self, from_type: str, rec: Rec, to_type: str) -> list[Associated]:
        """Live records of ``to_type`` associated with ``rec``, in id order."""
        primary_pair = (from_type, to_type) in PRIMARY_TYPE_IDS
        owned = self.tables[from_type].schema.link_targets
        if to_type in owned:
            ids = link_ids(rec.links[owned.index(to_type)]) if rec.links else ()
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
                out.append(Associated(to_id, primary_pair))
        return out

    def owners_of(self, owner_type: str, target_type: str, target_id: int) -> list[int]:
        """Ids of ``owner_type`` records whose links point at ``target_id`` (live or not)."""
        return list(self._reverse_index(owner_type, target_type).get(target_id, ()))

    def changed(self, owner_type: str) -> None:
        """Links of ``owner_type`` records changed: their reverse indexes are stale."""
        for key in [k for k in self._reverse if k[0] == owner_type]:
            del self._reverse[key]

    def _reverse_index(self, owner_type: str, target_type: str) -> dict[int, list[int]]:
        key = (owner_type, target_type)
        index = self._reverse.get(key)
        if index is None:
            at = self.tables[owner_type].schema.link_targets.index(target_type)
            index = {}
            for rec in self.tables[owner_type].recs.values():
                if rec.links:
                    for to_id in link_ids(rec.links[at]):
                        index.setdefault(to_id, []).append(rec.id)
            self._reverse[key] = index
        return index
