"""A pandas reference implementation of the KPI engine, written independently of its SQL: the differential tests
compare the two on the same store.

It reads whole tables into DataFrames and follows the documented semantics step by step: live rows only; refs
looked up by id (a deleted target is absent); a row without an anchor never counts; the range [start, end) on the
anchor's LOCAL date; periods from calendar.bucket (the Python twin); dimensions, scope and territories by their
rules in dims.py and scope.py; aggregates with pandas (quantiles linear, as percentile_cont); ratio, derived,
conversion and cumulative combined per key.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select

from analytics.kpi import expr
from analytics.kpi.calendar import bucket
from analytics.kpi.catalog import Catalog, Measure
from analytics.kpi.dims import UNKNOWN
from analytics.kpi.query import KpiRequest
from analytics.kpi.schema import REF_TARGETS, KpiFile
from analytics.kpi.scope import MANAGER_TITLE_WORDS
from analytics.kpi.zone import to_local
from config.models.kpi import KpiSettings
from mapping.model import TABLE_OF
from store.tables import canonical_tables

Key = tuple[Any, ...]
# Written out, not imported from compile.py: the reference states the rule it checks (over no rows a count, distinct
# count or sum is 0; an average, median, min or max has no value).
ZERO_OVER_NO_ROWS = frozenset({"sum", "count", "count_distinct"})
_QUANTILE = {"median": 0.5, "p25": 0.25, "p75": 0.75, "p90": 0.9}


class Tables:
    """Every entity table as records (dicts by id), read once."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._cache: dict[str, dict[str, dict[str, Any]]] = {}

    def rows(self, entity: str) -> dict[str, dict[str, Any]]:
        if entity not in self._cache:
            table = canonical_tables[TABLE_OF[entity]]
            with self._engine.connect() as conn:
                self._cache[entity] = {r.id: dict(r._mapping) for r in conn.execute(select(table))}
        return self._cache[entity]

    def live(self, entity: str, row_id: Any) -> dict[str, Any] | None:
        row = self.rows(entity).get(row_id) if row_id is not None else None
        return row if row is not None and row["deleted_at"] is None else None


def reference(engine: Engine, kpi: KpiFile, request: KpiRequest, catalog: Catalog, settings: KpiSettings
              ) -> dict[Key, tuple[float | None, float | None, float | None]]:
    """(members..., period_start) -> (value, numerator, denominator), as compute() would return them."""
    tables = Tables(engine)
    measures = catalog.kpi_measures(kpi)
    parts = {role: _measure(tables, m, request, settings) for role, m in measures.items()}
    keys = sorted(set().union(*parts.values()), key=lambda k: tuple(str(x) for x in k))

    def part(role: str, key: Key) -> float | None:
        found = parts[role].get(key)
        return (0.0 if found is None else found) if measures[role].spec.agg in ZERO_OVER_NO_ROWS else found

    result: dict[Key, tuple[float | None, float | None, float | None]] = {}
    if kpi.type in ("ratio", "conversion"):
        for key in keys:
            num, den = part("numerator", key), part("denominator", key)
            value = None if num is None or not den else kpi.scale * num / den
            result[key] = (value, num, den)
    elif kpi.type == "derived":
        for key in keys:
            value = _formula(str(kpi.formula), {role: part(role, key) for role in measures})
            result[key] = (None if value is None else kpi.scale * value, None, None)
    elif kpi.type == "cumulative" and request.period is not None:
        running: dict[Key, float] = {}
        for key in sorted(keys, key=lambda k: k[-1]):
            members, start = key[:-1], key[-1]
            reset = bucket(start, kpi.reset, settings.fiscal_year_start_month) if kpi.reset else None
            group = (*members, reset)
            running[group] = running.get(group, 0.0) + (part("measure", key) or 0.0)
            result[key] = (kpi.scale * running[group], None, None)
    else:
        for key in keys:
            value = part("measure", key)
            result[key] = (None if value is None else kpi.scale * value, None, None)
    return result


def _measure(tables: Tables, measure: Measure, request: KpiRequest, settings: KpiSettings) -> dict[Key, float | None]:
    spec, facts = measure.spec, measure.facts
    zone = settings.time_zone
    groups: dict[Key, list[Any]] = {}
    for row in tables.rows(spec.entity).values():
        if row["deleted_at"] is not None:
            continue
        get = _getter(tables, spec.entity, row)
        anchor = get(measure.anchor_path)
        if anchor is None or not all(_passes(get(c.column), c.op, c.value) for c in spec.where):
            continue
        day = to_local(anchor, zone).date() if isinstance(anchor, datetime) else anchor
        if (request.start and day < request.start) or (request.end and day >= request.end):
            continue
        rep = get(facts.rep) if facts.rep else None
        if request.as_user is not None and rep not in _visible(tables, request.as_user):
            continue
        members = {d: _member(tables, get, facts, d, day) for d in {*request.dimensions, *request.filters}}
        if any(members[d] not in list(ms) for d, ms in request.filters.items()):
            continue
        key: Key = tuple(members[d] for d in request.dimensions)
        if request.period:
            key = (*key, bucket(anchor, request.period, settings.fiscal_year_start_month, zone))
        value = 1.0 if spec.expr is None else _evaluate(spec.expr, get, zone)
        groups.setdefault(key, []).append(value)
    if not request.dimensions and not request.period:
        groups.setdefault((), [])
    return {key: _aggregate(spec.agg, found) for key, found in groups.items()}


def _getter(tables: Tables, entity: str, row: dict[str, Any]) -> Callable[[str], Any]:
    def get(path: str) -> Any:
        if "." not in path:
            return row[path]
        ref, column = path.split(".", 1)
        target = tables.live(REF_TARGETS.get(ref, ref), row[f"{ref}_id"])
        return None if target is None else target[column]
    return get


def _passes(value: Any, op: str, wanted: Any) -> bool:
    if op == "is_null":
        return value is None
    if op == "not_null":
        return value is not None
    if value is None:
        return False  # SQL's three-valued logic: NULL passes no comparison
    checks: dict[str, Callable[[], bool]] = {
        "eq": lambda: value == wanted, "ne": lambda: value != wanted, "gt": lambda: value > wanted,
        "ge": lambda: value >= wanted, "lt": lambda: value < wanted, "le": lambda: value <= wanted,
        "in": lambda: value in wanted, "not_in": lambda: value not in wanted}
    return checks[op]()


def _visible(tables: Tables, user_id: str) -> set[str]:
    me = tables.live("user", user_id)
    if me is None:
        return set()
    title = (me["title"] or "").lower()
    if me["team"] is not None and any(word in title for word in MANAGER_TITLE_WORDS):
        return {u["id"] for u in tables.rows("user").values() if u["deleted_at"] is None and u["team"] == me["team"]}
    return {user_id}


def _member(tables: Tables, get: Callable[[str], Any], facts: Any, dim: str, day: date) -> str:
    found: Any = None
    if dim == "rep":
        found = get(facts.rep)
    elif dim == "team":
        user = tables.live("user", get(facts.rep))
        found = user["team"] if user else None
    elif dim == "company":
        found = get(facts.account)
    elif dim == "region":
        account = tables.live("account", get(facts.account))
        found = account["country"] if account else None
    else:
        found = (_territory(tables, "account_id", get(facts.account), day) if facts.account else None) or (
            _territory(tables, "user_id", get(facts.rep), day) if facts.rep else None)
    return UNKNOWN if found is None else str(found)


def _territory(tables: Tables, key: str, value: Any, day: date) -> str | None:
    candidates = [t for t in tables.rows("territory_assignment").values()
                  if t["deleted_at"] is None and t["territory_id"] is not None and value is not None
                  and t[key] == value and (t["effective_from"] is None or t["effective_from"] <= day)
                  and (t["effective_to"] is None or t["effective_to"] >= day)]
    if not candidates:
        return None
    latest = max((t["effective_from"] for t in candidates if t["effective_from"]), default=None)
    tied = [t for t in candidates if t["effective_from"] == latest]
    return str(min(tied, key=lambda t: t["id"])["territory_id"])


def _evaluate(text: str, get: Callable[[str], Any], zone: str) -> Any:
    def visit(node: ast.expr) -> Any:
        if isinstance(node, ast.Name | ast.Attribute):
            return get(ast.unparse(node))
        if isinstance(node, ast.Constant):
            assert isinstance(node.value, int | float)
            return float(node.value)
        if isinstance(node, ast.UnaryOp):
            inner = visit(node.operand)
            return None if inner is None else -inner
        if isinstance(node, ast.BinOp):
            return _arithmetic(node.op, visit(node.left), visit(node.right))
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        args = [visit(a) for a in node.args]
        name = node.func.id
        if name in expr.BETWEEN:
            return _between(expr.BETWEEN[name], args[0], args[1], zone)
        present = [a for a in args if a is not None]
        if name == "coalesce":
            return present[0] if present else None
        if name == "abs":
            return None if args[0] is None else abs(args[0])
        return (max if name == "greatest" else min)(present) if present else None

    return visit(expr.parse(text))


def _arithmetic(op: ast.operator, a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if isinstance(op, ast.Add):
        return float(a) + float(b)
    if isinstance(op, ast.Sub):
        return float(a) - float(b)
    if isinstance(op, ast.Mult):
        return float(a) * float(b)
    return None if b == 0 else float(a) / float(b)


def _between(unit: str, a: Any, b: Any, zone: str) -> float | None:
    if a is None or b is None:
        return None
    if isinstance(a, datetime) and isinstance(b, datetime):
        seconds = (b - a).total_seconds()
    else:
        def wall(v: Any) -> datetime:
            return to_local(v, zone) if isinstance(v, datetime) else datetime(v.year, v.month, v.day)
        seconds = (wall(b) - wall(a)).total_seconds()
    return seconds / {"days": 86400, "hours": 3600, "minutes": 60}[unit]


def _formula(text: str, values: dict[str, float | None]) -> float | None:
    return _evaluate(text, lambda name: values[name], "UTC")  # type: ignore[no-any-return]


def _aggregate(agg: str, found: list[Any]) -> float | None:
    present = [v for v in found if v is not None]
    if agg == "count":
        return float(len(found))
    if agg == "count_distinct":
        return float(len(set(present)))
    if agg == "sum":
        return float(sum(present))
    if not present:
        return None
    series = pd.Series(present, dtype="float64")
    if agg in _QUANTILE:
        return float(series.quantile(_QUANTILE[agg], interpolation="linear"))
    return float({"min": series.min, "max": series.max, "avg": series.mean}[agg]())


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


