"""The rows a measure reads: its entity's live rows, with each ref it names joined many-to-one.

Every join here is on the joined table's primary key (``<x>_id = x.id``), or a lookup of one row by a unique key
(``join_one``: the exchange rate in force on a row's day), so it can never multiply a row: the
measure's own rows stay one each however many children or duplicates the store holds. A joined row that is deleted
is joined as absent (NULLs), never as a live value. A base row whose ``deleted_at`` is set never counts.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from sqlalchemy import Boolean, Date, Float, Integer, and_, cast
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Alias, FromClause, Join

from analytics.kpi.expr import Kind, Typed
from analytics.kpi.schema import REF_TARGETS
from mapping.model import TABLE_OF
from store.tables import canonical_tables
from store.types import UtcDateTime


def table_alias(entity: str, name: str) -> Alias:
    return canonical_tables[TABLE_OF[entity]].alias(name)  # type: ignore[return-value]  # an Alias at runtime


def kind_of(column: ColumnElement[Any]) -> Kind:
    """What a store column holds, for the expression checks: number, date, datetime, boolean or text."""
    kind = column.type
    if isinstance(kind, UtcDateTime):
        return "datetime"
    if isinstance(kind, Date):
        return "date"
    if isinstance(kind, Boolean):
        return "boolean"
    if isinstance(kind, Integer | Float):
        return "number"
    return "text"


class Source:
    """An entity's table (alias ``base``) and the many-to-one joins added as paths and dimensions ask for them."""

    def __init__(self, entity: str, base: FromClause | None = None) -> None:
        self.entity = entity
        self.base: FromClause = base if base is not None else table_alias(entity, "base")
        self._joins: dict[str, tuple[FromClause, ColumnElement[bool]]] = {}

    def column(self, path: str) -> ColumnElement[Any]:
        """The SQL of a column path (the catalog has checked it)."""
        if "." not in path:
            return self.base.c[path]
        ref, column = path.split(".", 1)
        return self.ref(ref).c[column]

    def typed(self, path: str) -> Typed:
        """A column path as an expression operand: integers cast to float so division is never integral."""
        column = self.column(path)
        kind = kind_of(column)
        return (cast(column, Float) if isinstance(column.type, Integer) else column), kind

    def ref(self, ref: str) -> Alias:
        """The entity ``<ref>_id`` points to, joined once (alias ``ref_<ref>``)."""
        target = table_alias(REF_TARGETS.get(ref, ref), f"ref_{ref}")
        return self.join_on_id(target, self.base.c[f"{ref}_id"])

    def join_on_id(self, table: Alias, key: ColumnElement[Any]) -> Alias:
        """``table`` LEFT JOINed on ``table.id = key``, live rows only; once per alias name."""
        if table.name not in self._joins:
            self._joins[table.name] = (table, and_(table.c.id == key, table.c.deleted_at.is_(None)))
        joined = self._joins[table.name][0]
        assert isinstance(joined, Alias)
        return joined

    def join_one(self, make: Callable[[str], FromClause], on: Callable[[FromClause], ColumnElement[bool]],
                 name: str) -> FromClause:
        """A table LEFT JOINed where at most one of its rows can match each row (the caller's guarantee: a lookup
        on a unique key, as a rate in force on a day), once per (name, condition): ``make`` builds it under an alias
        name, ``on`` says the condition on it. The same name with another condition gets a name of its own."""
        for n in itertools.count():
            alias = name if n == 0 else f"{name}_{n}"
            table = self._joins[alias][0] if alias in self._joins else make(alias)
            condition = on(table)
            if alias not in self._joins:
                self._joins[alias] = (table, condition)
                return table
            if self._joins[alias][1].compare(condition):
                return table
        raise AssertionError("unreachable")  # itertools.count never ends

    def from_clause(self) -> FromClause | Join:
        joined: FromClause | Join = self.base
        for table, on in self._joins.values():
            joined = joined.outerjoin(table, on)
        return joined

    def live(self) -> ColumnElement[bool]:
        return self.base.c.deleted_at.is_(None)
