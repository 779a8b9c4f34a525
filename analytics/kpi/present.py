"""A KpiResult as records a person or a script reads: one dict per row, the period labelled, and as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from analytics.kpi.calendar import label
from analytics.kpi.errors import KpiRequestError
from analytics.kpi.query import KpiResult
from analytics.kpi.schema import DIMENSIONS, Dimension, Period

_DIMENSION_OF: dict[str, Dimension] = {d: d for d in DIMENSIONS}


def parse_filters(items: Iterable[str]) -> dict[Dimension, tuple[str, ...]]:
    """``["team=east,west", "rep=u1"]`` -> {"team": ("east", "west"), "rep": ("u1",)}."""
    found: dict[Dimension, tuple[str, ...]] = {}
    for item in items:
        key, sep, members = item.partition("=")
        dim = _DIMENSION_OF.get(key.strip())
        if not sep or dim is None or not members.strip():
            raise KpiRequestError(f"filter {item!r}: expected DIMENSION=MEMBER[,MEMBER...] with a dimension of "
                                  f"{', '.join(DIMENSIONS)}")
        found[dim] = (*found.get(dim, ()), *(m.strip() for m in members.split(",") if m.strip()))
    return found


def records(result: KpiResult, period: Period | None, fiscal_start: int = 1) -> list[dict[str, Any]]:
    """Each row as {<dimension>: member, period_start, period, value, numerator, denominator}."""
    rows: list[dict[str, Any]] = []
    for row in result.rows:
        shown: dict[str, Any] = dict(row.members)
        if period is not None and row.period_start is not None:
            shown["period_start"] = row.period_start.isoformat()
            shown["period"] = label(row.period_start, period, fiscal_start)
        shown.update(value=row.value, numerator=row.numerator, denominator=row.denominator)
        rows.append(shown)
    return rows


def columns(dimensions: Sequence[str], period: Period | None) -> list[str]:
    return [*dimensions, *(["period_start", "period"] if period else []), "value", "numerator", "denominator"]


def csv_text(rows: list[dict[str, Any]], header: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: ("" if v is None else v) for k, v in row.items()} for row in rows)
    return out.getvalue()
