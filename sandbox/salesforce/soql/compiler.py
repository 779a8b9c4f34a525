"""Check a parsed statement against the org's schema and compile it: getters, a predicate, sort keys, a plan."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.salesforce.catalog import Catalog
from sandbox.salesforce.fields import ObjectDef
from sandbox.salesforce.paths import Path, PathError, Resolver
from sandbox.salesforce.soql.ast import BoolOp, Comparison, Condition, CountCall, FieldRef, FieldsCall, Not, Query
from sandbox.salesforce.soql.errors import SoqlError, located
from sandbox.salesforce.soql.filters import FilterBuilder, Predicate, Ranged, category, normalize_id
from sandbox.salesforce.soql.parser import parse

MAX_OFFSET = 2000
FIELDS_LIMIT = 200


@dataclass(frozen=True, slots=True)
class SortKey:
    get: Callable[[list[Any]], Any]
    descending: bool
    nulls_first: bool
    folded: bool


@dataclass(frozen=True, slots=True)
class Aggregate:
    alias: str
    path: Path | None  # COUNT(field) counts non-null values; None counts rows


@dataclass
class Plan:
    """How to find candidate rows cheaply: by Id, or by a SystemModstamp range of the index."""

    ids: set[str] | None = None
    lo: str | None = None
    lo_inclusive: bool = True
    hi: str | None = None
    hi_inclusive: bool = True
    index_order: bool = False  # ORDER BY SystemModstamp [, Id] ascending: the index's own order


@dataclass
class CompiledQuery:
    text: str
    obj: ObjectDef
    paths: list[Path]
    count_only: bool
    aggregates: list[Aggregate]
    predicate: Predicate | None
    order: list[SortKey]
    limit: int | None
    offset: int | None
    plan: Plan = field(default_factory=Plan)
    uses_fields_function: bool = False


class Compiler:
    def __init__(self, *, soql: str, catalog: Catalog, resolver: Resolver) -> None:
        self.soql = soql
        self.catalog = catalog
        self.resolver = resolver
        self.filters = FilterBuilder(soql=soql, today=resolver.today)

    def compile(self, query: Query) -> CompiledQuery:
        obj = self.catalog.get(query.obj)
        if obj is None:
            raise located("INVALID_TYPE", self.soql, query.obj_pos,
                          f"sObject type '{query.obj}' is not supported. If you are attempting to use a custom object, "
                          "be sure to append the '__c' after the entity name. Please reference your WSDL or the "
                          "describe call for the appropriate names.")
        self.obj, self.alias = obj, query.alias
        if query.offset is not None and query.offset > MAX_OFFSET:
            raise SoqlError("NUMBER_OUTSIDE_VALID_RANGE", f"Maximum SOQL offset allowed is {MAX_OFFSET}")
        paths, aggregates, count_only, uses_fields = self._select(query)
        predicate = self._condition(query.where) if query.where is not None else None
        order = [self._sort_key(item.field, item.descending, item.nulls_first) for item in query.order]
        compiled = CompiledQuery(self.soql, obj, paths, count_only, aggregates, predicate, order, query.limit,
                                 query.offset, uses_fields_function=uses_fields)
        compiled.plan = self._plan(query)
        return compiled

    # ---- SELECT ---------------------------------------------------------------------------------------------
    def _path(self, ref: FieldRef) -> Path:
        text = ref.path
        if self.alias and text.lower().startswith(self.alias.lower() + "."):
            text = text[len(self.alias) + 1:]
        try:
            return self.resolver.resolve(self.obj, text)
        except PathError as exc:
            raise located(exc.code, self.soql, ref.pos, str(exc)) from exc

    def _select(self, query: Query) -> tuple[list[Path], list[Aggregate], bool, bool]:
        paths: list[Path] = []
        aggregates: list[Aggregate] = []
        seen: set[str] = set()
        count_only = uses_fields = False
        for item in query.select:
            if isinstance(item, CountCall):
                if item.field is None:
                    if len(query.select) > 1:
                        raise located("MALFORMED_QUERY", self.soql, item.pos,
                                      "COUNT() must be the only element in the SELECT list")
                    count_only = True
                    continue
                path = self._path(item.field)
                aggregates.append(Aggregate(item.alias or f"expr{len(aggregates)}", path))
                continue
            if isinstance(item, FieldsCall):
                uses_fields = True
                if item.kind != "STANDARD" and (query.limit is None or query.limit > FIELDS_LIMIT):
                    raise located("MALFORMED_QUERY", self.soql, item.pos,
                                  f"The SOQL FIELDS function must have a LIMIT of at most {FIELDS_LIMIT}")
                for f in self.obj.api_fields:
                    if item.kind == "ALL" or (item.kind == "CUSTOM") == f.custom:
                        self._add(paths, seen, self.resolver.resolve(self.obj, f.name), f.name, item.pos)
                continue
            self._add(paths, seen, self._path(item), item.path, item.pos)
        if aggregates and paths:
            raise located("MALFORMED_QUERY", self.soql, query.select[0].pos,
                          f"Field must be grouped or aggregated: {paths[0].dotted}")
        return paths, aggregates, count_only, uses_fields

    def _add(self, paths: list[Path], seen: set[str], path: Path, written: str, pos: int) -> None:
        key = path.dotted.lower()
        if key in seen:
            raise located("MALFORMED_QUERY", self.soql, pos, f"duplicate field selected: {written}")
        seen.add(key)
        paths.append(path)

    # ---- WHERE ----------------------------------------------------------------------------------------------
    def _condition(self, cond: Condition) -> Predicate:
        if isinstance(cond, Comparison):
            return self.filters.build(self._path(cond.field), cond)
        if isinstance(cond, Not):
            inner = self._condition(cond.item)
            return lambda row: not inner(row)
        parts = [self._condition(c) for c in cond.items]
        if cond.op == "AND":
            return lambda row: all(p(row) for p in parts)
        return lambda row: any(p(row) for p in parts)

    # ---- ORDER BY -------------------------------------------------------------------------------------------
    def _sort_key(self, ref: FieldRef, descending: bool, nulls_first: bool | None) -> SortKey:
        path = self._path(ref)
        if not path.field.filterable:
            raise located("INVALID_FIELD", self.soql, ref.pos,
                          f"field '{path.dotted}' can not be sorted in a query call")
        first = (not descending) if nulls_first is None else nulls_first
        return SortKey(path.get, descending, first, category(path.field) == "string")

    # ---- plan -----------------------------------------------------------------------------------------------
    def _plan(self, query: Query) -> Plan:
        plan = Plan()
        where = query.where
        conjuncts = list(where.items) if isinstance(where, BoolOp) and where.op == "AND" else [where] if where else []
        for c in conjuncts:
            if not isinstance(c, Comparison):
                continue
            name = self._path(c.field).dotted
            if name == "Id" and c.op in ("=", "IN"):
                ids = {normalize_id(v.text) for v in c.values if v.kind == "string"}
                ids.discard(None)
                plan.ids = ids if plan.ids is None else plan.ids & ids  # type: ignore[assignment]
            elif name == "SystemModstamp" and c.op in ("=", "<", "<=", ">", ">="):
                self._narrow(plan, c)
        order = query.order
        plan.index_order = bool(order) and len(order) <= 2 and all(not o.descending and o.nulls_first is not False
                                                                 for o in order) \
            and self._path(order[0].field).dotted == "SystemModstamp" \
            and (len(order) == 1 or self._path(order[1].field).dotted == "Id")
        return plan

    def _narrow(self, plan: Plan, c: Comparison) -> None:
        value = self.filters.value(self._path(c.field), c.values[0])
        if value is None:
            return
        bounds: dict[str, tuple[str | None, bool, str | None, bool]]
        if isinstance(value, Ranged):
            lo, hi = value.lo, value.hi
            bounds = {"=": (lo, True, hi, False), ">": (hi, True, None, True), ">=": (lo, True, None, True),
                      "<": (None, True, lo, False), "<=": (None, True, hi, False)}
        else:
            bounds = {"=": (value, True, value, True), ">": (value, False, None, True),
                      ">=": (value, True, None, True), "<": (None, True, value, False),
                      "<=": (None, True, value, True)}
        new_lo, new_lo_inc, new_hi, new_hi_inc = bounds[c.op]
        if new_lo is not None and (plan.lo is None or new_lo > plan.lo or (new_lo == plan.lo and not new_lo_inc)):
            plan.lo, plan.lo_inclusive = new_lo, new_lo_inc
        if new_hi is not None and (plan.hi is None or new_hi < plan.hi or (new_hi == plan.hi and not new_hi_inc)):
            plan.hi, plan.hi_inclusive = new_hi, new_hi_inc


def compile_soql(soql: str, *, catalog: Catalog, resolver: Resolver) -> CompiledQuery:
    return Compiler(soql=soql, catalog=catalog, resolver=resolver).compile(parse(soql))
