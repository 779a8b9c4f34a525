"""CRM search: request validation, index-backed candidate selection, eventual consistency and ordering.

- Consistency: search sees each record as it was ``search_lag_ms`` ago (``Rec.prev`` holds the version it still
  shows); a record created since is not found. Archived and merged-away records are never found.
- Candidates: a group filtering the modified date is a range scan of ``(modified, id)``; one filtering
  ``hs_object_id`` a range of live ids; otherwise every live record. Records changed within the lag are added
  so their earlier version is judged too.
- Order: by id when unsorted; under the one allowed sort, ties are broken by a hash of the id (a scrambled order a
  client must not rely on); records without a value come last in either direction.
- The ordered ids of a query are cached while the table is unchanged and nothing is within the lag, so paging
  through a large result costs one scan, not one per page.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sandbox.hubspot.errors import ApiError
from sandbox.hubspot.records import Rec, Table, Values
from sandbox.hubspot.schema import ObjectSchema
from sandbox.hubspot.search_filters import Filter, Predicate, compile_filter, key_of, parse_filter
from sandbox.hubspot.store import Store

MAX_GROUPS, MAX_PER_GROUP, MAX_FILTERS = 5, 10, 25
MAX_LIMIT, RESULT_CAP = 200, 10_000
CACHE_ENTRIES = 8
_MASK = (1 << 64) - 1
TEXT_PROPS = {"contacts": ("firstname", "lastname", "email", "phone", "company"),
              "companies": ("name", "domain", "phone"), "deals": ("dealname",), "products": ("name", "hs_sku"),
              "line_items": ("name",)}


def scramble(rid: int) -> int:
    """splitmix64 of the id: a deterministic order unrelated to id order."""
    z = (rid + 0x9E3779B97F4A7C15) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


@dataclass(frozen=True, slots=True)
class Query:
    groups: tuple[tuple[Filter, ...], ...]
    sort: tuple[str, bool] | None  # (property, descending)
    text: str | None
    properties: tuple[str, ...] | None
    limit: int
    after: int
    fingerprint: str


def parse_query(schema: ObjectSchema, body: dict[str, Any]) -> Query:
    raw_groups = body.get("filterGroups") or []
    if not isinstance(raw_groups, list):
        raise ApiError(400, "filterGroups must be a list")
    if len(raw_groups) > MAX_GROUPS:
        raise ApiError(400, f"Too many filter groups: {len(raw_groups)}; at most {MAX_GROUPS} filterGroups are "
                            "allowed")
    groups: list[tuple[Filter, ...]] = []
    for g, group in enumerate(raw_groups):
        filters = group.get("filters") if isinstance(group, dict) else None
        if not isinstance(filters, list):
            raise ApiError(400, f"filterGroups[{g}] must be an object with a 'filters' list")
        if len(filters) > MAX_PER_GROUP:
            raise ApiError(400, f"Too many filters in filterGroups[{g}]: {len(filters)}; at most {MAX_PER_GROUP} "
                                "filters are allowed per filter group")
        groups.append(tuple(parse_filter(schema, f, f"filterGroups[{g}].filters[{i}]")
                            for i, f in enumerate(filters)))
    total = sum(len(g) for g in groups)
    if total > MAX_FILTERS:
        raise ApiError(400, f"Too many filters: {total} in all; at most {MAX_FILTERS} filters are allowed across "
                            "all filter groups")
    limit, after = _limit(body.get("limit")), _after(body.get("after"))
    if after + limit > RESULT_CAP:
        raise ApiError(400, f"Search results are capped at {RESULT_CAP}: after ({after}) + limit ({limit}) goes past "
                            f"result {RESULT_CAP}. Narrow the filters (e.g. a smaller modified-date window) to read "
                            "further.")
    props = body.get("properties")
    if props is not None and not (isinstance(props, list) and all(isinstance(p, str) for p in props)):
        raise ApiError(400, "properties must be a list of property names")
    text = body.get("query")
    fingerprint = json.dumps([raw_groups, body.get("sorts"), text], sort_keys=True, default=str)
    return Query(tuple(groups), _sort(schema, body.get("sorts")), str(text) if text else None,
                 tuple(props) if props is not None else None, limit, after, fingerprint)


def _limit(raw: object) -> int:
    if raw is None:
        return 10
    if isinstance(raw, str) and raw.isdigit():
        raw = int(raw)
    if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0:
        raise ApiError(400, f"limit must be a non-negative integer, got {raw!r}")
    if raw > MAX_LIMIT:
        raise ApiError(400, f"limit must be at most {MAX_LIMIT}, got {raw}")
    return raw


def _after(raw: object) -> int:
    if raw is None or raw == "":
        return 0
    text = str(raw)
    if not text.isdigit():
        raise ApiError(400, f"after must be the numeric offset a previous page returned, got {raw!r}")
    return int(text)


def _sort(schema: ObjectSchema, raw: object) -> tuple[str, bool] | None:
    if not raw:
        return None
    if not isinstance(raw, list):
        raise ApiError(400, "sorts must be a list")
    if len(raw) > 1:
        raise ApiError(400, f"Only one sort is supported per search request; {len(raw)} were given")
    item = raw[0]
    if not isinstance(item, dict) or item.get("propertyName") not in schema.props:
        raise ApiError(400, f"sorts[0] must name an existing property of {schema.name}: {item!r}")
    direction = item.get("direction", "ASCENDING")
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ApiError(400, f"sorts[0].direction must be ASCENDING or DESCENDING, got {direction!r}")
    return str(item["propertyName"]), direction == "DESCENDING"


def visible(rec: Rec, horizon: int) -> tuple[Values, int] | None:
    """The version of ``rec`` search shows when its view of the data ends at ``horizon``."""
    if rec.modified <= horizon:
        return rec.values, rec.modified
    if rec.prev is not None and rec.prev[1] <= horizon:
        return rec.prev
    return None


class SearchEngine:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._cache: OrderedDict[tuple[str, str], tuple[int, list[int]]] = OrderedDict()

    def run(self, otype: str, q: Query) -> tuple[int, list[tuple[Rec, Values, int]]]:
        table = self.store.tables[otype]
        horizon = self.store.now_ms() - self.store.lag_ms
        settled = horizon >= table.max_modified
        key = (otype, q.fingerprint)
        cached = self._cache.get(key)
        if cached is not None and cached[0] == table.version and settled:
            self._cache.move_to_end(key)
            ordered = cached[1]
        else:
            ordered = self._ordered(table, q, horizon)
            if settled:
                self._cache[key] = (table.version, ordered)
                while len(self._cache) > CACHE_ENTRIES:
                    self._cache.popitem(last=False)
        page: list[tuple[Rec, Values, int]] = []
        for rid in ordered[q.after:q.after + q.limit]:
            rec = table.recs[rid]
            version = visible(rec, horizon)
            if version is not None:
                page.append((rec, *version))
        return len(ordered), page

    def _ordered(self, table: Table, q: Query, horizon: int) -> list[int]:
        schema = table.schema
        groups = q.groups or ((),)
        matched: set[int] = set()
        text_test = self._text_test(schema, q.text)
        for group in groups:
            predicates: list[Predicate] = [compile_filter(schema, f) for f in group]
            if text_test is not None:
                predicates.append(text_test)
            recs = table.recs
            for rid in self._candidates(table, group, horizon):
                rec = recs[rid]
                version = visible(rec, horizon)
                if version is not None and all(p(rec, *version) for p in predicates):
                    matched.add(rid)
        if q.sort is None:
            return sorted(matched)
        key = key_of(schema, schema.props[q.sort[0]])
        valued: list[tuple[Any, int, int]] = []
        missing: list[int] = []
        for rid in matched:
            rec = table.recs[rid]
            version = visible(rec, horizon)
            k = key(rec, *version) if version is not None else None
            if k is None:
                missing.append(rid)
            else:
                valued.append((k, scramble(rid), rid))
        valued.sort(reverse=q.sort[1])
        missing.sort(key=scramble)
        return [rid for _, _, rid in valued] + missing

    @staticmethod
    def _candidates(table: Table, group: tuple[Filter, ...], horizon: int) -> Iterable[int]:
        by_kind: dict[str, tuple[Any, Any]] = {}
        for f in group:
            bounds = f.key_range() if f.prop.kind in ("modified", "id") else None
            if bounds is not None:
                lo, hi = by_kind.get(f.prop.kind, (None, None))
                lo = bounds[0] if lo is None or (bounds[0] is not None and bounds[0] > lo) else lo
                hi = bounds[1] if hi is None or (bounds[1] is not None and bounds[1] < hi) else hi
                by_kind[f.prop.kind] = (lo, hi)
        pending: list[int] = []
        if horizon < table.max_modified:  # changed within the lag: their earlier version may match
            pending = [rid for _, rid in table.by_modified.irange((horizon + 1, -1), None)]
        if "modified" in by_kind:
            lo, hi = by_kind["modified"]
            scan = table.by_modified.irange(None if lo is None else (lo, -1), None if hi is None else (hi, 1 << 62))
            return [rid for _, rid in scan] + pending
        if "id" in by_kind:
            lo, hi = by_kind["id"]
            return list(table.live.irange(lo, hi)) + pending
        return table.live

    def _text_test(self, schema: ObjectSchema, text: str | None) -> Predicate | None:
        if not text:
            return None
        names = TEXT_PROPS.get(schema.name) or tuple(n for n, p in schema.props.items()
                                                     if p.type == "string" and p.kind == "column")
        getters = [schema.getters[n] for n in names]
        terms = text.lower().split()

        def test(rec: Rec, values: Values, modified: int) -> bool:
            words = " ".join((g(rec, values, modified) or "") for g in getters).lower().replace("@", " ").split()
            return all(any(w.startswith(t) for w in words) for t in terms)

        return test
