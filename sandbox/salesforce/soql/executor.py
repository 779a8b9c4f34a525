"""Run a compiled query over committed rows, using the (SystemModstamp, Id) index when the query allows.

An incremental query (``WHERE SystemModstamp >= X ORDER BY SystemModstamp, Id LIMIT 2000``) walks the index from
X and stops after 2,000 matches: milliseconds even at a million rows. Anything else is a filtered scan.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sandbox.salesforce.soql.compiler import CompiledQuery, Plan, SortKey
from sandbox.salesforce.table import Table

_MAX_CHAR = "\U0010ffff"


@dataclass(frozen=True, slots=True)
class Matches:
    ids: list[str]  # in result order, OFFSET and LIMIT applied
    aggregates: dict[str, int]


def _candidates(plan: Plan, table: Table) -> tuple[Iterable[str], bool]:
    if plan.ids is not None:
        return sorted(i for i in plan.ids if i in table.rows), False
    if plan.lo is not None or plan.hi is not None or plan.index_order:
        lo = None if plan.lo is None else (plan.lo, "" if plan.lo_inclusive else _MAX_CHAR)
        hi = None if plan.hi is None else (plan.hi, _MAX_CHAR if plan.hi_inclusive else "")
        return (rid for _, rid in table.by_modstamp.irange(lo, hi)), True
    return list(table.rows), False


def _sort(ids: list[str], rows: dict[str, list[Any]], keys: list[SortKey]) -> None:
    for key in reversed(keys):  # stable sorts, least significant key first
        get, first, folded = key.get, key.nulls_first, key.folded
        null_key = (0,) if first != key.descending else (2,)

        def k(rid: str, get: Any = get, null_key: tuple[int] = null_key, folded: bool = folded) -> tuple[Any, ...]:
            v = get(rows[rid])
            if v is None:
                return null_key
            return (1, v.casefold() if folded else v)
        ids.sort(key=k, reverse=key.descending)


def execute(cq: CompiledQuery, table: Table, *, include_deleted: bool) -> Matches:
    candidates, from_index = _candidates(cq.plan, table)
    ordered_already = not cq.order or (from_index and cq.plan.index_order)
    stop_after = None
    if cq.limit is not None and ordered_already and not cq.aggregates:
        stop_after = (cq.offset or 0) + cq.limit
    rows, deleted_ix, predicate = table.rows, table.ix_deleted, cq.predicate
    matched: list[str] = []
    for rid in candidates:
        if stop_after is not None and len(matched) >= stop_after:
            break
        row = rows.get(rid)
        if row is None or (row[deleted_ix] and not include_deleted):
            continue
        if predicate is not None and not predicate(row):
            continue
        matched.append(rid)
    aggregates = {}
    for agg in cq.aggregates:
        if agg.path is None:
            aggregates[agg.alias] = len(matched)
        else:
            get = agg.path.get
            aggregates[agg.alias] = sum(1 for rid in matched if get(rows[rid]) is not None)
    if not ordered_already:
        _sort(matched, rows, cq.order)
    start = cq.offset or 0
    end = None if cq.limit is None else start + cq.limit
    return Matches(matched[start:end], aggregates)
