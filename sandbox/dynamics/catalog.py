"""The organisation's tables: the stock ones, and the custom tables a maker created through the metadata API.

Every part of the sandbox that needs a table by logical name or entity set asks the catalogue, never the stock
``TABLES`` constant, so a custom table created at run time is served by the same Web API, admin routes and change
tracking as ``accounts``. A table definition is immutable: adding a column replaces the table with a new one.
"""

from __future__ import annotations

from collections.abc import Iterable

from sandbox.dynamics import errors
from sandbox.dynamics.schema import Table


class Catalog:
    def __init__(self, tables: Iterable[Table]) -> None:
        self._by_logical: dict[str, Table] = {}
        self._by_set: dict[str, Table] = {}
        for table in tables:
            self.put(table)

    def put(self, table: Table) -> None:
        """Add a table, or replace the definition of one with the same logical name (a column was added)."""
        old = self._by_logical.get(table.logical)
        if old is not None:
            del self._by_set[old.entity_set]
        self._by_logical[table.logical] = table
        self._by_set[table.entity_set] = table

    def __getitem__(self, logical: str) -> Table:
        return self._by_logical[logical]

    def __contains__(self, logical: object) -> bool:
        return logical in self._by_logical

    def get(self, logical: str) -> Table | None:
        return self._by_logical.get(logical)

    def by_set(self, entity_set: str) -> Table | None:
        return self._by_set.get(entity_set)

    def named(self, name: str) -> Table | None:
        """An entity set or a logical name (the admin routes accept both)."""
        return self._by_set.get(name) or self._by_logical.get(name)

    def entity_set(self, name: str) -> Table:
        """The table behind an entity set in a URL; an unknown one is the segment the OData layer cannot resolve."""
        table = self._by_set.get(name)
        if table is None:
            raise errors.segment_not_found(name)
        return table

    def tables(self) -> list[Table]:
        return list(self._by_logical.values())

    def sets(self) -> set[str]:
        return set(self._by_set)
