"""A KPI's rows at a grain from its measures' values there (shared_scan.py): compile.py's rules, in Python.

The refresh reads each measure once per grain and builds every KPI from those values, instead of one query per
KPI and grain. The rules are compile.py's, and a test holds the two to the same rows for every computed KPI:

- simple and as_of: the measure's values, times ``scale``;
- ratio and conversion: on the union of the two measures' keys, value = scale · Σnum / Σden, none where Σden is 0
  or either has no value; a count or sum missing at a key is 0 there, any other aggregate has no value;
- derived: the formula over its inputs, with the same rule for missing inputs (expr.evaluate: x / 0 is no value);
- cumulative: the measure summed over periods per member, restarting at each ``reset`` period.

What compile.py refuses, this refuses with the same errors: dimensions the KPI or a measure cannot be cut by, a
conversion over two cohorts, a cumulative measure that does not add up or a grain that does not fit its reset.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from typing import Any

from analytics.kpi import expr
from analytics.kpi.calendar import bucket, nests
from analytics.kpi.catalog import Measure
from analytics.kpi.compile import same_cohort
from analytics.kpi.dims import require_dimension
from analytics.kpi.errors import KpiDefinitionError, KpiNotComputable, KpiRequestError
from analytics.kpi.measure_sql import Slice
from analytics.kpi.schema import ADDITIVE, KpiFile
from analytics.kpi.shared_scan import ZERO_OVER_NO_ROWS, Key, MeasureId, measure_id

Cell = tuple[Key, float | None, float | None, float | None]  # a row's key, value, numerator, denominator


def check(kpi: KpiFile, measures: Mapping[str, Measure], want: Slice, fiscal_start: int) -> None:
    """Raise what compiling ``kpi`` at ``want`` would raise before it ran (KpiRequestError: not at this grain)."""
    if kpi.status != "computed":
        why = kpi.reason or (f"it needs {kpi.needs.model}: {kpi.needs.fill}" if kpi.needs else kpi.status)
        raise KpiNotComputable(f"KPI {kpi.code} is {kpi.status}: {why}")
    lacking = [d for d in want.dimensions if d not in kpi.dimensions]
    if lacking:
        raise KpiRequestError(f"KPI {kpi.code} cannot be cut by {', '.join(lacking)} (its dimensions: "
                              f"{', '.join(kpi.dimensions) or 'none'})")
    if kpi.type == "conversion":
        same_cohort(kpi, measures["numerator"], measures["denominator"])
    for measure in measures.values():
        for dim in want.dimensions:
            require_dimension(measure, dim, kpi=kpi.code)
    if kpi.type == "cumulative":
        measure = measures["measure"]
        if measure.spec.agg not in ADDITIVE:
            raise KpiDefinitionError(f"KPI {kpi.code}: a cumulative KPI sums its measure over periods; measure "
                                     f"{measure.name} is a {measure.spec.agg}, which does not add up")
        if want.period is not None and kpi.reset is not None and not nests(want.period, kpi.reset, fiscal_start):
            raise KpiRequestError(f"KPI {kpi.code} restarts every {kpi.reset}: a {want.period} does not fit "
                                  f"inside one (ask for a grain of {kpi.reset} or finer)")
    if kpi.type == "derived":
        try:
            unknown = [n for n in expr.names(str(kpi.formula), functions=False) if n not in measures]
        except expr.ExprError as exc:
            raise KpiDefinitionError(f"KPI {kpi.code}: formula: {exc}") from None
        if unknown:
            raise KpiDefinitionError(f"KPI {kpi.code}: formula {kpi.formula!r} reads {unknown[0]!r}, which is not "
                                     f"one of its inputs ({', '.join(measures)})")


def kpi_rows(kpi: KpiFile, measures: Mapping[str, Measure], values: Mapping[MeasureId, Mapping[Key, Any]],
             want: Slice, fiscal_start: int) -> list[Cell]:
    """``kpi`` at ``want``'s grain, in key order (check() has passed)."""
    of = {role: values[measure_id(m)] for role, m in measures.items()}
    if kpi.type in ("simple", "as_of") or (kpi.type == "cumulative" and want.period is None):
        return _simple(of["measure"], kpi.scale)
    if kpi.type == "cumulative":
        return _cumulative(kpi, of["measure"], want, fiscal_start)
    keys = sorted(set().union(*(v.keys() for v in of.values())))
    if kpi.type in ("ratio", "conversion"):
        return _ratio(keys, of["numerator"], of["denominator"], measures, kpi.scale)
    inputs = {role: {key: _at(v, key, measures[role]) for key in keys} for role, v in of.items()}
    rows: list[Cell] = []
    tree = expr.parse(str(kpi.formula), functions=False)
    for key in keys:
        value = expr.evaluate(tree, {role: _float(v[key]) for role, v in inputs.items()})
        rows.append((key, _scaled(value, kpi.scale), None, None))
    return rows


def _simple(values: Mapping[Key, Any], scale: float) -> list[Cell]:
    """The measure's values times ``scale``: the refresh's most common rows, so without a call per row."""
    ordered = sorted(values.items())
    if scale == 1:
        return [(key, None if value is None else float(value), None, None) for key, value in ordered]
    return [(key, None if value is None else float(value) * scale, None, None) for key, value in ordered]


def _ratio(keys: list[Key], nums: Mapping[Key, Any], dens: Mapping[Key, Any], measures: Mapping[str, Measure],
           scale: float) -> list[Cell]:
    """scale · num / den at each key (the module docstring's rule); _at() and _scaled() inlined: many rows."""
    num_missing = 0 if measures["numerator"].spec.agg in ZERO_OVER_NO_ROWS else None
    den_missing = 0 if measures["denominator"].spec.agg in ZERO_OVER_NO_ROWS else None
    rows: list[Cell] = []
    append = rows.append
    for key in keys:
        num = nums.get(key, num_missing)
        den = dens.get(key, den_missing)
        n = None if num is None else float(num)
        d = None if den is None else float(den)
        if n is None or d is None or den == 0:
            append((key, None, n, d))
        else:
            value = n / d
            append((key, value if scale == 1 else value * scale, n, d))
    return rows


def _cumulative(kpi: KpiFile, values: Mapping[Key, Any], want: Slice, fiscal_start: int) -> list[Cell]:
    width = len(want.dimensions)
    running: dict[tuple[Any, ...], float] = defaultdict(float)
    rows: list[Cell] = []
    for key, value in sorted(values.items(), key=lambda kv: (kv[0][:width], kv[0][width])):
        start: date = key[width]
        part = (*key[:width], bucket(start, kpi.reset, fiscal_start) if kpi.reset else None)
        running[part] += float(value or 0)
        rows.append((key, _scaled(running[part], kpi.scale), None, None))
    return rows


def _at(values: Mapping[Key, Any], key: Key, measure: Measure) -> Any:
    if key in values:
        return values[key]
    return 0 if measure.spec.agg in ZERO_OVER_NO_ROWS else None


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _scaled(value: Any, scale: float) -> float | None:
    if value is None:
        return None
    return float(value) if scale == 1 else float(value) * scale
