"""KPIs and measures in plain words, for people (``crmhub kpi show``, the docs): what is counted or summed, over which
rows, placed in time by which date, and how a KPI combines its measures."""

from __future__ import annotations

from analytics.kpi.schema import Condition, KpiFile, MeasureSpec, Scalar

_AGGREGATIONS = {"sum": "sum of", "min": "smallest", "max": "largest", "avg": "average of", "median": "median of",
                 "p25": "25th percentile of", "p75": "75th percentile of", "p90": "90th percentile of",
                 "count_distinct": "number of distinct"}
_OPERATORS = {"eq": "=", "ne": "≠", "in": "in", "not_in": "not in", "gt": ">", "ge": "≥", "lt": "<", "le": "≤"}
_PERIODS = {"year": "calendar year", "fiscal_year": "fiscal year", "quarter": "calendar quarter",
            "fiscal_quarter": "fiscal quarter", "month": "month"}


def measure_words(spec: MeasureSpec, anchor: str) -> str:
    """``sum of amount over opportunity where is_won = true, by close_date, in the reporting currency``."""
    what = f"number of {spec.entity} rows" if spec.agg == "count" else f"{_AGGREGATIONS[spec.agg]} {spec.expr}" \
        f" over {spec.entity}"
    parts = [what + (f" where {' and '.join(map(condition_words, spec.where))}" if spec.where else "")]
    parts.append(f"as they stood at each period's end (by {anchor})" if spec.as_of else f"by {anchor}")
    if spec.currency:
        parts.append("converted to the reporting currency at each row's date")
    return ", ".join(parts)


def condition_words(condition: Condition) -> str:
    if condition.op == "is_null":
        return f"{condition.column} is empty"
    if condition.op == "not_null":
        return f"{condition.column} is set"
    return f"{condition.column} {_OPERATORS[condition.op]} {_value(condition.value)}"


def combination_words(kpi: KpiFile) -> str:
    """How the KPI makes one figure from its measures (each aggregated at the requested grain first)."""
    scale = f", times {kpi.scale:g}" if kpi.scale != 1 else ""
    if kpi.type in ("ratio", "conversion"):
        cohort = "; the numerator counts the part of the denominator's cohort that converted" \
            if kpi.type == "conversion" else ""
        return f"numerator ÷ denominator{scale}, each aggregated at the grain first (never an average of " \
               f"ratios){cohort}; no value where the denominator is 0"
    if kpi.type == "derived":
        return f"{kpi.formula}{scale}, each input aggregated at the grain first; no value on a division by 0"
    if kpi.type == "cumulative":
        since = f"the start of each {_PERIODS[kpi.reset]}" if kpi.reset else "the start of the range"
        return f"the measure summed from {since} to each period's end{scale}"
    if kpi.type == "as_of":
        return f"the measure as it stood at each period's end{scale}"
    return f"the measure at the grain{scale}"


def status_words(kpi: KpiFile) -> str:
    """Why the KPI has no value when it has none: what would fill it, or why nothing can."""
    if kpi.status == "needs_data" and kpi.needs is not None:
        return f"needs data: the {kpi.needs.model} object model, filled by {kpi.needs.fill}"
    if kpi.status == "not_computable":
        return f"not computable: {kpi.reason}"
    return "computed from the canonical store"


def _value(value: Scalar | list[Scalar] | None) -> str:
    if isinstance(value, list):
        return "(" + ", ".join(_value(v) for v in value) + ")"
    return str(value).lower() if isinstance(value, bool) else str(value)
