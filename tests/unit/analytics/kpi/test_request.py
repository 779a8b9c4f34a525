"""Reading a request: grains, filters and the ``kpi:`` settings refuse what they cannot mean, saying what would do."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from analytics.kpi.catalog import Catalog
from analytics.kpi.errors import KpiRequestError
from analytics.kpi.present import csv_text, parse_filters
from analytics.kpi.query import KpiRequest, compile_request, parse_grain
from config.models.kpi import KpiSettings
from tests.support.kpi_golden import kpi_file


def test_grains() -> None:
    assert parse_grain("rep,month") == (("rep",), "month")
    assert parse_grain(" team , fiscal_quarter ") == (("team",), "fiscal_quarter")
    assert parse_grain("") == ((), None) and parse_grain("total") == ((), None)
    with pytest.raises(KpiRequestError, match="at most one period"):
        parse_grain("month,quarter")
    with pytest.raises(KpiRequestError, match="'reps' is neither a dimension"):
        parse_grain("reps")


def test_filters() -> None:
    assert parse_filters(["team=east,west", "rep=u1", "team=north"]) == {"team": ("east", "west", "north"),
                                                                          "rep": ("u1",)}
    for bad in ("team", "product=x", "team="):
        with pytest.raises(KpiRequestError, match="expected DIMENSION=MEMBER"):
            parse_filters([bad])


def test_an_empty_range_and_a_mismatched_code_are_refused() -> None:
    kpi = kpi_file("WON_AMOUNT")
    with pytest.raises(KpiRequestError, match=r"the range \[2025-02-01, 2025-01-01\) is empty"):
        compile_request(kpi, KpiRequest("WON_AMOUNT", start=date(2025, 2, 1), end=date(2025, 1, 1)),
                        dialect="sqlite", catalog=Catalog.load(), settings=KpiSettings())
    with pytest.raises(KpiRequestError, match="the request is for KPI WON_DEALS"):
        compile_request(kpi, KpiRequest("WON_DEALS"), dialect="sqlite", catalog=Catalog.load(),
                        settings=KpiSettings())


def test_settings_check_the_zone_the_month_and_the_rates() -> None:
    assert KpiSettings().time_zone == "UTC" and KpiSettings().currency == "USD"
    with pytest.raises(ValidationError, match="unknown time zone 'Europe/Pariss'"):
        KpiSettings(time_zone="Europe/Pariss")
    with pytest.raises(ValidationError, match="less than or equal to 12"):
        KpiSettings(fiscal_year_start_month=13)
    with pytest.raises(ValidationError, match="three-letter ISO 4217 code"):
        KpiSettings(currency="usd")
    rate = {"iso_code": "EUR", "start_date": "2025-01-01", "rate": 0.9}
    with pytest.raises(ValidationError, match="EUR already has a rate from 2025-01-01"):
        KpiSettings.model_validate({"rates": [rate, rate]})
    with pytest.raises(ValidationError, match="USD is the reporting currency"):
        KpiSettings.model_validate({"rates": [{**rate, "iso_code": "USD"}]})


def test_csv_leaves_missing_values_empty() -> None:
    rows = [{"rep": "u1", "value": 2.0, "numerator": None, "denominator": None}]
    assert csv_text(rows, ["rep", "value", "numerator", "denominator"]) == \
        "rep,value,numerator,denominator\nu1,2.0,,\n"
