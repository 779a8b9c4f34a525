"""The object models the KPI refresh holds (``computed_by: analytics.kpi.refresh``, rows of kpi_value) are what their
KPIs make: each is listed by computed KPIs; the models no engine builds (waiting for data, or planned for a later
issue) are read only by KPIs that need data."""

from __future__ import annotations

import pytest

from analytics.kpi.loader import shipped_kpi_registry
from mapping.objectmodels import ObjectModel, shipped_registry

REFRESH = "analytics.kpi.refresh"
HELD = [m for m in shipped_registry() if m.computed_by is not None and m.computed_by.engine == REFRESH]
PLANNED_KPI = [m for m in shipped_registry() if m.computed_by is not None
               and m.computed_by.engine.startswith("analytics.kpi.") and m.computed_by.status != "available"]


def test_the_kpi_engines_models_are_split_as_documented() -> None:
    assert sorted(m.code for m in HELD) == ["ACCOUNT_PENETRATION", "ACCOUNT_RISK", "MARKET_SEGMENT",
                                            "PERFORMANCE_SCORECARD", "PRODUCT_ADOPTION", "REVENUE"]
    assert sorted(m.code for m in PLANNED_KPI) == ["CHURN_EVENT", "CUSTOMER_PROFITABILITY_ANALYSIS",
                                                   "CUSTOMER_SEGMENT"]
    assert all(m.computed_by is not None and m.computed_by.output == "kpi_value" for m in HELD)


@pytest.mark.parametrize("model", HELD, ids=[m.code for m in HELD])
def test_a_model_held_in_kpi_value_is_made_by_computed_kpis(model: ObjectModel) -> None:
    computed = [k.code for k in shipped_kpi_registry().kpis_of_model(model.code) if k.status == "computed"]
    assert computed, f"{model.code} is held as kpi_value rows, but no computed KPI lists it in object_models"


@pytest.mark.parametrize("model", PLANNED_KPI, ids=[m.code for m in PLANNED_KPI])
def test_a_model_no_engine_builds_yet_feeds_no_computed_kpi(model: ObjectModel) -> None:
    computed = [k.code for k in shipped_kpi_registry().kpis_of_model(model.code) if k.status == "computed"]
    assert computed == [], f"computed KPIs list {model.code}, which nothing builds yet: {computed}"
