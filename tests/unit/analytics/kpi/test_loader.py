"""The KPI loader on small folders: a valid registry resolves; every broken file is named with what is expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.kpi.loader import load_definitions
from analytics.kpi.registry import KpiRegistryError, UnknownCode
from tests.unit.analytics.kpi.kpi_files import computed, needs_data, not_computable, write


def _problems(folder: Path) -> str:
    with pytest.raises(KpiRegistryError) as caught:
        load_definitions(folder, place="defs")
    return str(caught.value)


def test_a_valid_folder_resolves_kpis_modules_and_object_models(tmp_path: Path) -> None:
    registry = load_definitions(write(tmp_path, computed(), needs_data(), not_computable()))
    assert list(registry.kpis) == ["DEMO_TO_CLOSE_RATE", "NET_PROMOTER_SCORE", "WIN_RATE"]
    inside = registry.module("inside_sales")
    assert inside.kpi_codes == ["DEMO_TO_CLOSE_RATE", "NET_PROMOTER_SCORE", "WIN_RATE"]
    assert inside.name == "Inside Sales" and "SALES_REPRESENTATIVE" in [m.code for m in inside.object_models]
    assert registry.module("BUS_DEV").kpi_codes == ["WIN_RATE"]
    assert registry.module_counts()["CUST_SUCCESS"] == 1 and registry.module_counts()["SALES_STRATEGY"] == 0
    assert registry.memberships() == 2 + 1 + 3
    assert [k.code for k in registry.kpis_of_model("DEMO")] == ["DEMO_TO_CLOSE_RATE"]
    assert registry.object_model("Sales Rep").code == "SALES_REPRESENTATIVE"  # names and aliases, as models show


def test_the_census_counts_memberships_and_distinct_kpis(tmp_path: Path) -> None:
    census = load_definitions(write(tmp_path, computed(), needs_data(), not_computable())).census()
    inside = census.modules["INSIDE_SALES"]
    assert (inside.computed, inside.needs_data, inside.not_computable, inside.total) == (1, 1, 1, 3)
    assert census.modules["BUS_DEV"].computed_share == 1.0 and census.modules["SALES_DEV"].computed_share is None
    assert census.distinct.as_dict() == {"computed": 1, "needs_data": 1, "not_computable": 1, "total": 3,
                                         "computed_share": pytest.approx(1 / 3)}
    assert (census.memberships.computed, census.memberships.not_computable, census.memberships.total) == (2, 3, 6)


def test_an_unknown_code_is_a_key_error_naming_close_matches(tmp_path: Path) -> None:
    registry = load_definitions(write(tmp_path, computed(), needs_data()))
    with pytest.raises(KeyError) as caught:
        registry.kpi("WIN_RATES")
    assert str(caught.value) == "no KPI 'WIN_RATES' (did you mean WIN_RATE?); `crmhub kpi list` lists the 2 KPIs"
    with pytest.raises(UnknownCode, match=r"no module 'INSIDE_SALE' \(did you mean INSIDE_SALES"):
        registry.module("INSIDE_SALE")
    with pytest.raises(UnknownCode, match="no object model 'CUSTOMERS'"):
        registry.object_model("CUSTOMERS")


def test_a_file_named_after_another_code_and_a_duplicate_code_are_named(tmp_path: Path) -> None:
    for name in ("win.yaml", "win_rate.yaml", "win_rate_copy.yaml"):
        write(tmp_path, computed(), names={"WIN_RATE": name})
    text = _problems(tmp_path)
    assert "defs/win.yaml: holds WIN_RATE; name the file win_rate.yaml" in text
    assert "WIN_RATE is defined by 3 files: defs/win.yaml, defs/win_rate.yaml, defs/win_rate_copy.yaml" in text


def test_unknown_modules_object_models_and_needed_models_are_named_with_close_matches(tmp_path: Path) -> None:
    text = _problems(write(tmp_path, computed(modules=["BUS_DEVS", "BUS_DEV", "BUS_DEV"], object_models=["OPORTUNITY"]),
                           needs_data(needs={"model": "DEMOS", "fill": "a Demo custom object, mapped"})))
    assert "defs/win_rate.yaml: modules: no module 'BUS_DEVS' (did you mean BUS_DEV?)" in text
    assert "defs/win_rate.yaml: modules: BUS_DEV is listed twice" in text
    assert "defs/win_rate.yaml: object_models: no object model 'OPORTUNITY' (did you mean OPPORTUNITY" in text
    assert "defs/demo_to_close_rate.yaml: needs.model: no object model 'DEMOS' (did you mean DEMO" in text
    assert text.startswith("the KPI registry is invalid (4 problems):")


def test_a_schema_error_names_the_file_and_the_field(tmp_path: Path) -> None:
    text = _problems(write(tmp_path, computed(denominator=None), needs_data(needs=None, status="needs_data"),
                           not_computable(unit="parsecs")))
    assert "defs/win_rate.yaml: a computed ratio KPI needs denominator" in text
    assert "defs/demo_to_close_rate.yaml: a needs_data KPI names the model and the CRM field" in text
    assert "defs/net_promoter_score.yaml: unit: Input should be 'currency', 'count'" in text


def test_duplicate_keys_broken_yaml_and_a_non_mapping_are_refused(tmp_path: Path) -> None:
    (tmp_path / "win_rate.yaml").write_text("code: WIN_RATE\nname: Win rate\ncode: WIN_RATE_2\n")
    (tmp_path / "broken.yaml").write_text("code: [WIN\n")
    (tmp_path / "listed.yaml").write_text("- code: LISTED\n")
    (tmp_path / "notes.txt").write_text("not a KPI file: ignored")
    text = _problems(tmp_path)
    assert "defs/win_rate.yaml: duplicate key 'code' at line 3 (first at line 1); the last one would win" in text
    assert "defs/broken.yaml: not valid YAML at line 2, column 1" in text
    assert "defs/listed.yaml: a KPI file is a mapping (code: ..., name: ..., ...), not list" in text
    assert "notes.txt" not in text


def test_the_shipped_folder_loads() -> None:
    registry = load_definitions()
    assert set(registry.modules) == {"BUS_DEV", "CHANNEL_SALES", "CUST_RETENTION", "CUST_SUCCESS", "INSIDE_SALES",
                                     "KEY_ACCT_MGMT", "OUTSIDE_SALES", "SALES_DEV", "SALES_ENABLEMENT",
                                     "SALES_OPERATIONS", "SALES_PERFORMANCE", "SALES_STRATEGY",
                                     "SALES_TRAINING_COACHING"}
    assert len(registry.object_models) == 82
    assert all(file.endswith(f"/{code.lower()}.yaml") for code, file in registry.files.items())


def test_a_computed_kpi_whose_measures_do_not_resolve_is_named(tmp_path: Path) -> None:
    text = _problems(write(tmp_path, computed(numerator="opportunity.won_cnt"),
                           computed("AVG_TIER", type="simple", numerator=None, denominator=None, scale=1,
                                    measure={"entity": "account", "agg": "avg", "expr": "tier_score"}),
                           needs_data(measure="demo.count")))  # needs_data: may name what the store lacks
    assert "defs/win_rate.yaml: KPI WIN_RATE (numerator): no shared measure 'opportunity.won_cnt'" in text
    assert "defs/avg_tier.yaml: KPI AVG_TIER (measure): account has no column 'tier_score'" in text
    assert "demo_to_close_rate" not in text
