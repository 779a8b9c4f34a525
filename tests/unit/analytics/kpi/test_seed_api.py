"""The seed's API on a small folder of KPIs: Module, Kpi and ObjectModel relate both ways, as the store holds them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from analytics.kpi.loader import load_definitions
from analytics.kpi.seed import SeedApi
from tests.unit.analytics.kpi.kpi_files import computed, needs_data, not_computable, write


@pytest.fixture
def api(tmp_path: Path) -> SeedApi:
    folder = write(tmp_path / "defs", computed(), needs_data(), not_computable(),
                   computed("CUSTOMER_LIFETIME_VALUE_CLV", name="Customer Lifetime Value (CLV)",
                            modules=["CUST_RETENTION", "INSIDE_SALES", "SALES_DEV"], object_models=["CUSTOMER"]))
    return SeedApi(lambda: load_definitions(folder))


def test_modules_kpis_and_object_models_relate_both_ways(api: SeedApi) -> None:
    engine = api.setup_all_relationships()
    assert isinstance(engine, Engine)
    inside = api.get_module("INSIDE_SALES")
    assert inside.name == "Inside Sales" and inside.metadata_["value_chains"]
    assert [k.code for k in inside.kpis] == ["CUSTOMER_LIFETIME_VALUE_CLV", "DEMO_TO_CLOSE_RATE",
                                             "NET_PROMOTER_SCORE", "WIN_RATE"]
    assert len(inside.object_models) == 16 and inside.object_models[-1].name == "Lost Sale"
    clv = api.get_kpi("customer_lifetime_value_clv")
    assert clv.name == "Customer Lifetime Value (CLV)" and clv.status == "computed" and clv.kpi_type == "ratio"
    assert clv.metadata_["modules"] == ["CUST_RETENTION", "INSIDE_SALES", "SALES_DEV"]
    assert clv.metadata_["object_models"] == ["CUSTOMER"] and clv.metadata_["unit"] == "percent"
    assert [m.code for m in clv.modules] == ["CUST_RETENTION", "INSIDE_SALES", "SALES_DEV"]
    assert all(clv in m.kpis for m in clv.modules)
    customer = api.get_object_model("CUSTOMER")
    assert len(customer.metadata_["modules"]) == 12 and customer.metadata_["kpis"] == ["CUSTOMER_LIFETIME_VALUE_CLV",
                                                                           "NET_PROMOTER_SCORE"]
    assert [m.code for m in customer.modules] == sorted(customer.metadata_["modules"])
    assert api.get_kpi("NET_PROMOTER_SCORE").metadata_["reason"] == "survey answers no CRM keeps"
    assert api.get_kpi("DEMO_TO_CLOSE_RATE").metadata_["needs"]["model"] == "DEMO"


def test_the_first_lookup_sets_up_the_default_store(api: SeedApi) -> None:
    assert api.get_kpi("WIN_RATE").modules[0].code == "BUS_DEV"


def test_an_unknown_kpi_names_close_codes(api: SeedApi) -> None:
    with pytest.raises(KeyError) as caught:
        api.get_kpi("CUSTOMER_LIFETIME_VALUE")
    assert str(caught.value) == ("no KPI 'CUSTOMER_LIFETIME_VALUE' (did you mean CUSTOMER_LIFETIME_VALUE_CLV?); "
                                 "`crmhub kpi list` lists the 4 KPIs")
