"""Run a collection query: filter, order, keyset paging through the cookie, and the capped ``$count``.

Three plans, picked from the query's shape so a page costs milliseconds at a million rows where it can:

* no ``$orderby``: walk the primary-key index (SQL Server GUID order) — the platform's default order;
* ``$orderby=modifiedon asc,<pk> asc`` (the incremental-sync query): walk the (modifiedon, key) index from the
  filter's lower bound or the cookie, stopping at the filter's upper bound;
* anything else: filter everything and sort. As in Dataverse, an order that omits the primary key leaves ties in
  no particular order while the cookie still resumes after (last values, last id): pages can then repeat or skip
  rows, exactly the hazard the platform documents for nondeterministic orders.

The index plans keep ties in primary-key order, so ``$orderby=modifiedon asc`` alone (no key) takes the general plan
and shows the hazard: add the primary key to the order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sandbox.dynamics import errors
from sandbox.dynamics.guids import sql_key
from sandbox.dynamics.odata_bind import Getter, compile_filter, fold
from sandbox.dynamics.odata_filter import Compare, Literal, Logical, Path, parse_filter
from sandbox.dynamics.paging import Cursor
from sandbox.dynamics.schema import Attr, Table, type_column
from sandbox.dynamics.store import SHIFT, Store, TableState, id_of

COUNT_CAP = 5000


class RecordResolver:
    """Properties of a table's rows (and of a lookup's target, one navigation step away) for ``$filter``."""

    def __init__(self, table: Table, store: Store) -> None:
        self.table = table
        self.store = store
        self.type_name = table.type_name

    def resolve(self, segments: tuple[str, ...]) -> tuple[str, Getter]:
        first = segments[0]
        attr = self.table.by_prop.get(first)
        if attr is not None and len(segments) == 1:
            i = self.table.col[attr.name]
            return attr.edm, lambda row: row[i]
        nav = self.table.navs.get(first)
        if nav is None:
            raise errors.no_property(self.table.type_name, first)
        lookup, target_logical = nav
        target = self.store.catalog[target_logical]
        if len(segments) == 1:
            return target.type_name, lambda row: None
        target_attr = target.by_prop.get(segments[1])
        if target_attr is None or len(segments) > 2:
            raise errors.no_property(target.type_name, segments[1])
        i, t = self.table.col[lookup.name], self.table.col[type_column(lookup.name)]
        j = target.col[target_attr.name]
        state = self.store.state(target_logical)

        def through(row: list[Any]) -> Any:
            if row[i] is None or row[t] != target_logical:
                return None
            other = state.rows.get(row[i])
            return None if other is None else other[j]

        return target_attr.edm, through


@dataclass
class Page:
    rows: list[list[Any]]
    cursor: Cursor | None  # where the next page starts; None on the last page
    count: int | None = None


@dataclass
class Plan:
    table: Table
    state: TableState
    predicate: Callable[[list[Any]], bool] | None
    order: list[tuple[Attr, bool]]
    filter_text: str | None

    @property
    def columns(self) -> list[str]:
        return [a.prop for a, _ in self.order] + [self.table.primary_id]


def plan(store: Store, table: Table, filter_text: str | None, orderby: list[tuple[str, bool]]) -> Plan:
    predicate = compile_filter(filter_text, RecordResolver(table, store)) if filter_text else None
    order: list[tuple[Attr, bool]] = []
    for prop, desc in orderby:
        attr = table.by_prop.get(prop)
        if attr is None:
            raise errors.no_property(table.type_name, prop)
        order.append((attr, desc))
    return Plan(table, store.state(table.logical), predicate, order, filter_text)


def run(store: Store, p: Plan, *, size: int, cursor: Cursor | None, count: bool) -> Page:
    pk = p.table.primary_id
    names = [(a.name, d) for a, d in p.order]
    if not names or names == [(pk, False)]:
        rows = _take(_by_key(p, cursor), size + 1)
    elif names == [("modifiedon", False), (pk, False)]:
        rows = _take(_by_modified(p, cursor), size + 1)
    else:
        rows = _sorted_page(store, p, cursor, size + 1)
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        page = cursor.page + 1 if cursor else 2
        next_cursor = Cursor(page, p.columns, [*_sort_values(store, p, last), last[p.state.i_pk]],
                             first_id=rows[0][p.state.i_pk])
    total = _count(p) if count else None
    return Page(rows, next_cursor, total)


def _take(rows: Iterator[list[Any]], limit: int) -> list[list[Any]]:
    out = []
    for row in rows:
        out.append(row)
        if len(out) >= limit:
            break
    return out


def _matching(p: Plan, keys: Iterator[int]) -> Iterator[list[Any]]:
    rows = p.state.rows
    for key in keys:
        row = rows[id_of(key)]
        if p.predicate is None or p.predicate(row):
            yield row


def _by_key(p: Plan, cursor: Cursor | None) -> Iterator[list[Any]]:
    pk = p.state.pk
    start = pk.bisect_right(sql_key(cursor.last[-1])) if cursor else 0
    return _matching(p, pk.islice(start))


def _bounds(filter_text: str | None) -> tuple[float | None, float | None]:
    """The modifiedon range a top-level ``and`` of the filter pins down (None: open)."""
    if not filter_text:
        return None, None
    lo: float | None = None
    hi: float | None = None
    stack = [parse_filter(filter_text)]
    while stack:
        node = stack.pop()
        if isinstance(node, Logical) and node.op == "and":
            stack += [node.left, node.right]
        elif (isinstance(node, Compare) and isinstance(node.left, Path) and node.left.segments == ("modifiedon",)
              and isinstance(node.right, Literal) and node.right.edm == "Edm.DateTimeOffset"):
            value = node.right.value
            if node.op in ("ge", "gt", "eq"):
                lo = value if lo is None else max(lo, value)
            if node.op in ("le", "lt", "eq"):
                hi = value if hi is None else min(hi, value)
    return lo, hi


def _by_modified(p: Plan, cursor: Cursor | None) -> Iterator[list[Any]]:
    index = p.state.by_modified
    lo, hi = _bounds(p.filter_text)
    start = (int(lo) << SHIFT) if lo is not None else 0
    if cursor:
        start = max(start, ((int(cursor.last[0]) << SHIFT) | sql_key(cursor.last[-1])) + 1)
    stop = ((int(hi) + 1) << SHIFT) if hi is not None else None
    keys = index.irange(minimum=start, maximum=stop, inclusive=(True, False))
    return _matching(p, keys)


def _sort_value(store: Store, table: Table, attr: Attr, row: list[Any]) -> Any:
    value = row[table.col[attr.name]]
    if value is None:
        return None
    if attr.is_lookup:  # lookups order by the related row's primary name
        target = row[table.col[type_column(attr.name)]]
        other = store.state(target).rows.get(value)
        target_table = store.catalog[target]
        name = None if other is None else other[target_table.col[target_table.primary_name]]
        return fold(name) if name else None
    if attr.kind == "guid":
        return sql_key(value)
    if isinstance(value, str):
        return fold(value)
    return value


def _sort_values(store: Store, p: Plan, row: list[Any]) -> list[Any]:
    return [_sort_value(store, p.table, a, row) for a, _ in p.order]


def _compare_values(a: Any, b: Any, desc: bool) -> int:
    if a == b:
        return 0
    if a is None:  # SQL Server puts NULL first when ascending
        result = -1
    elif b is None:
        result = 1
    else:
        result = -1 if a < b else 1
    return -result if desc else result


def _nulls_first(i: int) -> Callable[[tuple[list[Any], list[Any]]], tuple[int, Any]]:
    """The sort key of an entry's i-th order value: NULL below every value."""
    return lambda e: (0, 0) if e[0][i] is None else (1, e[0][i])


def _sorted_page(store: Store, p: Plan, cursor: Cursor | None, limit: int) -> list[list[Any]]:
    flags = [d for _, d in p.order]
    i_pk = p.state.i_pk
    entries = [(_sort_values(store, p, row), row) for row in p.state.rows.values()
               if p.predicate is None or p.predicate(row)]
    if cursor:
        last_values, last_key = cursor.last[:-1], sql_key(cursor.last[-1])

        def after(entry: tuple[list[Any], list[Any]]) -> bool:
            for a, b, desc in zip(entry[0], last_values, flags, strict=True):
                c = _compare_values(a, b, desc)
                if c:
                    return c > 0
            return sql_key(entry[1][i_pk]) > last_key

        entries = [e for e in entries if after(e)]
    # An order without the primary key leaves ties in storage order, which is not the key order the cookie
    # resumes by (here: the id's text, unlike SQL Server's GUID order), so tied rows can repeat or go missing.
    # Stable sorts from the last column to the first; reverse=True keeps ties stable and puts NULLs last.
    entries.sort(key=lambda e: e[1][i_pk])
    for i in reversed(range(len(flags))):
        entries.sort(key=_nulls_first(i), reverse=flags[i])
    return [row for _, row in entries[:limit]]


def _count(p: Plan) -> int:
    n = 0
    for row in p.state.rows.values():
        if p.predicate is None or p.predicate(row):
            n += 1
            if n >= COUNT_CAP:
                break
    return n
