"""A read-and-patch view of the seeded tables for the generators that run after the core seed (tickets, quotes,
goals, survey responses, custom objects, the deal/call/company extras): they derive what they add from the records
already loaded, each from its own random stream, so the core seed stays exactly as it was."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from sandbox.hubspot.associations import link_ids
from sandbox.hubspot.records import Link, Rec
from sandbox.hubspot.store import Store


class SeedView:
    def __init__(self, store: Store, end: int) -> None:
        self.store = store
        self.end = end  # where the seeded data ends (ms)
        self.active_owners = [o for o in store.owners if not o.archived]

    def live(self, otype: str) -> list[Rec]:
        table = self.store.tables[otype]
        return [table.recs[i] for i in table.live]

    def get(self, otype: str, rec: Rec, prop: str) -> str | None:
        return rec.get(self.store.schemas[otype].columns[prop])

    def patch(self, otype: str, rec: Rec, props: Mapping[str, str | None]) -> None:
        """Set seeded values in place (before any request: no version, no modified date moves)."""
        columns = self.store.schemas[otype].columns
        values = list(rec.values) + [None] * (len(columns) - len(rec.values))
        for name, value in props.items():
            values[columns[name]] = value
        rec.values = tuple(values)

    def aligned(self, otype: str, props: Mapping[str, str | None]) -> tuple[str | None, ...]:
        columns = self.store.schemas[otype].columns
        values: list[str | None] = [None] * len(columns)
        for name, value in props.items():
            values[columns[name]] = value
        return tuple(values)

    def contacts_by_company(self) -> dict[int, list[Rec]]:
        out: dict[int, list[Rec]] = defaultdict(list)
        for rec in self.live("contacts"):
            for company in link_ids(rec.links[0] if rec.links else 0):
                out[company].append(rec)
        return out

    def deal_parts(self, rec: Rec) -> tuple[int, tuple[int, ...]]:
        """A seeded deal's (company id, contact ids)."""
        company, contacts = (*rec.links, 0, 0)[:2]
        return _first(company), link_ids(contacts)

    def ticket_parts(self, rec: Rec) -> tuple[int, int]:
        """A seeded ticket's (contact id, company id), 0 where it has none."""
        contact, company = (*rec.links, 0, 0)[:2]
        return _first(contact), _first(company)


def _first(link: Link) -> int:
    ids = link_ids(link)
    return ids[0] if ids else 0
