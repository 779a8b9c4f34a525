"""KPIs and measures in plain words: aggregation, filters, anchor, currency, as-of; how each KPI type combines."""

from __future__ import annotations

from typing import Any

import pytest

from analytics.kpi.describe import combination_words, measure_words, status_words
from analytics.kpi.schema import KpiFile, MeasureSpec
from tests.unit.analytics.kpi.kpi_files import computed, needs_data, not_computable


def _spec(**fields: object) -> MeasureSpec:
    return MeasureSpec.model_validate(fields)


def test_a_measure_says_what_it_aggregates_over_which_rows_and_when() -> None:
    won = _spec(entity="opportunity", agg="sum", expr="amount", currency=True,
                where=[{"column": "is_won", "value": True}, {"column": "stage", "op": "in", "value": ["a", "b"]}])
    assert measure_words(won, "close_date") == ("sum of amount over opportunity where is_won = true and stage in "
                                                "(a, b), by close_date, converted to the reporting currency at "
                                                "each row's date")
    calls = _spec(entity="activity", agg="count", where=[{"column": "lead_id", "op": "not_null"}])
    assert measure_words(calls, "activity_date") == "number of activity rows where lead_id is set, by activity_date"
    open_deals = _spec(entity="opportunity", agg="p90", expr="amount", as_of=True,
                       where=[{"column": "is_closed", "op": "ne", "value": True}])
    assert measure_words(open_deals, "close_date") == ("90th percentile of amount over opportunity where is_closed "
                                                       "≠ true, as they stood at each period's end (by close_date)")


@pytest.mark.parametrize(("changes", "words"), [
    ({}, "numerator ÷ denominator, times 100, each aggregated at the grain first (never an average of ratios); "
         "no value where the denominator is 0"),
    ({"type": "simple", "measure": "opportunity.won_amount", "numerator": None, "denominator": None, "scale": 1},
     "the measure at the grain"),
    ({"type": "cumulative", "measure": "opportunity.won_amount", "numerator": None, "denominator": None,
      "reset": "fiscal_year", "scale": 1},
     "the measure summed from the start of each fiscal year to each period's end"),
    ({"type": "cumulative", "measure": "opportunity.won_amount", "numerator": None, "denominator": None, "scale": 1},
     "the measure summed from the start of the range to each period's end"),
    ({"type": "derived", "formula": "won / (won + lost)", "inputs": {"won": "opportunity.won_count",
      "lost": "opportunity.lost_count"}, "numerator": None, "denominator": None},
     "won / (won + lost), times 100, each input aggregated at the grain first; no value on a division by 0"),
])
def test_each_kpi_type_says_how_it_combines_its_measures(changes: dict[str, Any], words: str) -> None:
    assert combination_words(KpiFile.model_validate(computed(**changes))) == words


def test_the_status_says_what_would_fill_it_or_why_nothing_can() -> None:
    assert status_words(KpiFile.model_validate(needs_data())) == (
        "needs data: the DEMO object model, filled by a Demo custom object mapped to the DEMO model")
    assert status_words(KpiFile.model_validate(not_computable())) == "not computable: survey answers no CRM keeps"
