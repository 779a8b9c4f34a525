"""The computed KPIs as dbt metrics over the semantic models' measures, and why each other KPI is left out.

- simple: a ``simple`` metric of its measure; ratio and conversion: a ``ratio`` of the two measures' metrics (a
  conversion KPI is a ratio over one cohort, both on the cohort's anchor, which a ratio says exactly); with a scale
  (100 for a percent), a ``derived`` metric ``scale * num / nullif(den, 0)``.
- derived: a ``derived`` metric whose inputs are aliased by the KPI's input names, divisions NULL on zero.
- cumulative: a ``cumulative`` metric, ``grain_to_date`` its reset (month, quarter, year). Without a reset it adds up
  from the first row, where crmhub starts at the queried range: the description says so.
- as_of and fiscal resets are skipped: dbt's semantic layer has no point-in-time read of a history table, and no
  fiscal calendar without a custom granularity in the time spine. KPIs not computed are skipped with their status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from analytics.kpi.catalog import Catalog
from analytics.kpi.dbt_semantic import MetricInput, SemanticModels
from analytics.kpi.dbt_sql import NotExpressible, formula_expr
from analytics.kpi.describe import status_words
from analytics.kpi.schema import KpiFile

_GRAIN_TO_DATE = {"month": "month", "quarter": "quarter", "year": "year"}


@dataclass
class Metrics:
    models: SemanticModels
    metrics: list[dict[str, Any]] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # KPI code -> why it is not exported

    def add(self, kpi: KpiFile) -> None:
        try:
            self.metrics.append(self._metric(kpi))
        except NotExpressible as exc:
            self.skipped[kpi.code] = str(exc)

    def _metric(self, kpi: KpiFile) -> dict[str, Any]:
        if kpi.status != "computed":
            raise NotExpressible(status_words(kpi))
        if kpi.type == "as_of":
            raise NotExpressible("as_of: its value at each period's end is read from the stage history; dbt's "
                                 "semantic layer has no point-in-time join")
        if kpi.type == "cumulative" and kpi.reset is not None and kpi.reset not in _GRAIN_TO_DATE:
            raise NotExpressible(f"resets at each {kpi.reset.replace('_', ' ')}: dbt needs a custom granularity "
                                 "in the time spine for a fiscal calendar")
        catalog: Catalog = self.models.catalog
        inputs = {role: self.models.measure(m) for role, m in catalog.kpi_measures(kpi).items()}
        head = {"name": kpi.code.lower(), "label": kpi.name, "description": _description(kpi)}
        if kpi.type in ("ratio", "conversion"):
            if kpi.scale == 1:
                return {**head, "type": "ratio", "type_params": {"numerator": inputs["numerator"].ref(),
                                                                 "denominator": inputs["denominator"].ref()}}
            return _derived(head, "numerator / denominator", kpi.scale, inputs)
        if kpi.type == "derived":
            assert kpi.formula is not None  # a computed derived KPI has one (schema.KpiFile)
            return _derived(head, kpi.formula, kpi.scale, inputs)
        if kpi.type == "cumulative":
            if kpi.scale != 1:
                raise NotExpressible("a scaled running total: a dbt derived metric cannot scale a cumulative one "
                                     "it does not also export")
            params: dict[str, Any] = {"measure": inputs["measure"].measure_ref()}
            if kpi.reset is not None:
                params["grain_to_date"] = _GRAIN_TO_DATE[kpi.reset]
            return {**head, "type": "cumulative", "type_params": params}
        if kpi.scale != 1:
            return _derived(head, "measure", kpi.scale, inputs)
        return {**head, "type": "simple", "type_params": {"measure": inputs["measure"].measure_ref()}}


def _derived(head: dict[str, Any], formula: str, scale: float, inputs: dict[str, MetricInput]) -> dict[str, Any]:
    return {**head, "type": "derived", "type_params": {
        "expr": formula_expr(formula, scale),
        "metrics": [metric.ref(alias=alias) for alias, metric in inputs.items()]}}


def _description(kpi: KpiFile) -> str:
    words = kpi.description
    if kpi.type == "cumulative" and kpi.reset is None:
        words += " (dbt adds up from the first row; crmhub from the start of the queried range)"
    if kpi.caveat:
        words += f" Caveat: {kpi.caveat}"
    return words
