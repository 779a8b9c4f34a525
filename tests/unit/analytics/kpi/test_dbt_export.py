"""The dbt Semantic Layer export: what each KPI type becomes, what is skipped and why, and that dbt-semantic-interfaces
accepts the files, for a small registry and for the shipped one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from analytics.kpi.catalog import Catalog
from analytics.kpi.dbt_export import export_dbt, validate_dbt
from analytics.kpi.dbt_sql import measure_expr
from analytics.kpi.loader import load_definitions, shipped_kpi_registry
from analytics.kpi.schema import MeasureSpec
from tests.unit.analytics.kpi.kpi_files import computed, needs_data, not_computable, write

SIMPLE = {"numerator": None, "denominator": None, "scale": 1}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write(tmp_path_factory.mktemp("defs"), computed(), needs_data(), not_computable(),
                   computed("WON_REVENUE", type="simple", measure="opportunity.won_amount", **SIMPLE),
                   computed("WON_YTD", type="cumulative", reset="year", measure="opportunity.won_amount", **SIMPLE),
                   computed("WON_FYTD", type="cumulative", reset="fiscal_year", measure="opportunity.won_amount",
                            **SIMPLE),
                   computed("AVG_WON", type="derived", formula="amount / won", inputs={
                       "amount": "opportunity.won_amount", "won": "opportunity.won_count"}, **SIMPLE),
                   computed("LEAD_CONVERSION", type="conversion", numerator="lead.converted_count",
                            denominator="lead.count", scale=1),
                   computed("WON_BY_CREATE", type="simple", anchor="create_date", measure="opportunity.won_count",
                            **SIMPLE),
                   computed("OPEN_PIPELINE", type="as_of", measure="opportunity.open_amount_as_of", **SIMPLE),
                   computed("PRODUCT_REVENUE", type="simple", measure="line_item.won_revenue", **SIMPLE),
                   computed("KEY_WON", type="simple", **SIMPLE, measure={
                       "entity": "opportunity", "agg": "sum", "expr": "amount", "where": [
                           {"column": "is_won", "value": True},
                           {"column": "account.tier", "op": "in", "value": ["key", "strategic"]}]}),
                   computed("BIG_WON", type="simple", **SIMPLE, measure={
                       "entity": "opportunity", "agg": "count", "where": [
                           {"column": "account.annual_revenue", "op": "gt", "value": 1000000}]}))
    out = tmp_path_factory.mktemp("dbt")
    export_dbt(load_definitions(folder), out)
    return out


def _metrics(out: Path) -> dict[str, dict[str, Any]]:
    return {m["name"]: m for m in yaml.safe_load((out / "metrics" / "kpis.yml").read_text())["metrics"]}


def test_the_export_is_valid_for_dbt_semantic_interfaces(exported: Path) -> None:
    assert validate_dbt(exported) == []
    assert sorted(p.name for p in (exported / "semantic_models").iterdir()) == [
        "account.yml", "contact.yml", "crm_user.yml", "lead.yml", "opportunity.yml"]
    assert (exported / "metricflow_time_spine.sql").is_file() and (exported / "time_spine.yml").is_file()


def test_each_kpi_type_becomes_its_dbt_metric(exported: Path) -> None:
    metrics = _metrics(exported)
    assert metrics["won_revenue"]["type_params"] == {"measure": "opportunity_won_amount"}
    assert metrics["won_ytd"]["type_params"] == {"measure": "opportunity_won_amount", "grain_to_date": "year"}
    assert metrics["lead_conversion"]["type"] == "ratio" and metrics["lead_conversion"]["type_params"] == {
        "numerator": {"name": "lead_converted_count"}, "denominator": {"name": "lead_count"}}
    win = metrics["win_rate"]  # a percent: scale 100, a derived metric dividing NULL on zero
    assert win["type"] == "derived" and win["label"] == "Win Rate"
    assert win["type_params"] == {"expr": "100.0 * (numerator / CAST(nullif(denominator, 0) AS FLOAT))",
                                  "metrics": [{"name": "opportunity_won_count", "alias": "numerator"},
                                              {"name": "opportunity_closed_count", "alias": "denominator"}]}
    assert metrics["avg_won"]["type_params"]["expr"] == "amount / CAST(nullif(won, 0) AS FLOAT)"
    assert metrics["won_by_create"]["type_params"] == {"measure": "opportunity_won_count_by_create_date"}


def test_a_filter_on_a_joined_column_moves_onto_the_metric(exported: Path) -> None:
    assert _metrics(exported)["key_won"]["type_params"] == {"measure": {
        "name": "key_won_measure_base", "filter": "{{ Dimension('account__tier') }} IN ('key', 'strategic')"}}
    model = yaml.safe_load((exported / "semantic_models" / "opportunity.yml").read_text())["semantic_models"][0]
    base = next(m for m in model["measures"] if m["name"] == "key_won_measure_base")
    assert base["expr"] == "CASE WHEN (is_won = true) THEN amount END"  # the deal's own filter stays in the measure


def test_measures_keep_their_grain_filters_and_anchor(exported: Path) -> None:
    model = yaml.safe_load((exported / "semantic_models" / "opportunity.yml").read_text())["semantic_models"][0]
    assert model["model"] == "ref('opportunity')" and model["defaults"] == {"agg_time_dimension": "close_date"}
    assert {"name": "account", "type": "foreign", "expr": "account_id"} in model["entities"]
    measures = {m["name"]: m for m in model["measures"]}
    assert measures["opportunity_won_count"] == {
        "name": "opportunity_won_count", "agg": "sum", "expr": "CASE WHEN (is_won = true) THEN 1 ELSE 0 END",
        "agg_time_dimension": "close_date", "description": "deals won", "create_metric": True}
    assert measures["opportunity_won_count_by_create_date"]["agg_time_dimension"] == "create_date"
    assert "own currency" in measures["opportunity_won_amount"]["description"]
    assert {"name": "create_date", "type": "time", "expr": "created_at",
            "type_params": {"time_granularity": "day"}} in model["dimensions"]
    user = yaml.safe_load((exported / "semantic_models" / "crm_user.yml").read_text())["semantic_models"][0]
    names = [d["name"] for d in user["dimensions"]]
    assert "title" in names and "team" not in names  # crm_user.team is a name; dbt's `team` is the team entity


def test_what_dbt_cannot_say_is_skipped_with_the_reason(exported: Path) -> None:
    skipped = yaml.safe_load((exported / "skipped.yml").read_text())
    reasons = {k["code"]: k["reason"] for k in skipped["kpis"]}
    assert reasons["OPEN_PIPELINE"].startswith("as_of: ")
    assert reasons["WON_FYTD"].startswith("resets at each fiscal year: dbt needs a custom granularity")
    assert reasons["PRODUCT_REVENUE"].startswith("its anchor close_date is opportunity.close_date, through a join")
    assert reasons["DEMO_TO_CLOSE_RATE"].startswith("needs data: the DEMO object model")
    assert reasons["NET_PROMOTER_SCORE"] == "not computable: survey answers no CRM keeps"
    assert reasons["BIG_WON"] == "filters on account.annual_revenue, which is no dimension of the account model"
    assert set(_metrics(exported)).isdisjoint(code.lower() for code in reasons)


def test_a_broken_export_is_reported_with_its_file(exported: Path, tmp_path: Path) -> None:
    for path in exported.rglob("*"):
        target = tmp_path / path.relative_to(exported)
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.is_file():
            target.write_bytes(path.read_bytes())
    metrics = tmp_path / "metrics" / "kpis.yml"
    metrics.write_text(metrics.read_text().replace("measure: opportunity_won_amount\n", "measure: no_such_measure\n"))
    issues = validate_dbt(tmp_path)
    assert issues and any("no_such_measure" in issue for issue in issues)


@pytest.mark.parametrize(("spec", "sql"), [
    ({"entity": "case", "agg": "median", "expr": "hours_between(opened_at, closed_at)",
      "where": [{"column": "is_closed", "value": True}]},
     "CASE WHEN (is_closed = true) THEN CAST(EXTRACT(epoch FROM closed_at - opened_at) AS FLOAT) / "
     "CAST(3600 AS NUMERIC) END"),
    ({"entity": "activity", "agg": "count_distinct", "expr": "account_id",
      "where": [{"column": "type", "op": "in", "value": ["call", "meeting"]}]},
     "CASE WHEN (type IN ('call', 'meeting')) THEN account_id END"),
    ({"entity": "opportunity", "agg": "count", "where": [{"column": "loss_reason", "op": "is_null"}]},
     "CASE WHEN (loss_reason IS NULL) THEN 1 ELSE 0 END"),
])
def test_a_measure_is_the_engines_sql_on_one_table(spec: dict[str, Any], sql: str) -> None:
    assert measure_expr(MeasureSpec.model_validate(spec)) == sql


def test_the_shipped_registry_exports_and_validates(tmp_path: Path) -> None:
    registry = shipped_kpi_registry()
    report = export_dbt(registry, tmp_path)
    assert validate_dbt(tmp_path) == []
    assert report.metrics + len(report.skipped_kpis) == len(registry.kpis)
    not_computed = {code for code, kpi in registry.kpis.items() if kpi.status != "computed"}
    assert not_computed <= set(report.skipped_kpis)
    assert isinstance(registry.catalog, Catalog)
