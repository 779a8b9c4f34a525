"""analytics/kpi/catalog.py: the shipped files load, and every wrong path is named with its file and measure."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.kpi.catalog import Catalog, path_error
from analytics.kpi.errors import KpiDefinitionError
from analytics.kpi.schema import InlineMeasure, KpiFile
from tests.support.kpi_golden import kpi_file

ENTITIES = """entities:
  opportunity: {anchors: {close_date: close_date, create_date: created_at}, default_anchor: close_date, rep: owner_id,
    account: account_id, currency: currency}
  line_item: {anchors: {close_date: opportunity.close_date}, default_anchor: close_date, rep: opportunity.owner_id}
"""


def _catalog(tmp_path: Path, measures: str, entities: str = ENTITIES, name: str = "opportunity") -> Catalog:
    (tmp_path / "entities.yaml").write_text(entities)
    (tmp_path / f"{name}.yaml").write_text(measures)
    return Catalog.from_paths(tmp_path / "entities.yaml", [tmp_path / f"{name}.yaml"])


def test_the_shipped_catalog_loads_and_every_measure_resolves() -> None:
    catalog = Catalog.load()
    assert len(catalog.measures) >= 49 and "opportunity.won_amount" in catalog.measures
    for name in catalog.measures:
        measure = catalog.measure(name, kpi="ANY", role="measure")
        assert measure.anchor in measure.facts.anchors


def test_a_duplicate_key_is_refused_with_its_line(tmp_path: Path) -> None:
    text = "entity: opportunity\nmeasures:\n  count: {entity: opportunity, agg: count}\n" \
           "  count: {entity: opportunity, agg: count}\n"
    expected = r"opportunity.yaml: duplicate key 'count' at line 4 \(first at line 3\)"
    with pytest.raises(KpiDefinitionError, match=expected):
        _catalog(tmp_path, text)


def test_a_wrong_column_names_the_file_the_measure_and_the_column(tmp_path: Path) -> None:
    text = ("entity: opportunity\nmeasures:\n"
            "  won: {entity: opportunity, agg: sum, expr: amount * probabilty, where: [{column: account.tire, "
            "value: gold}]}\n")
    with pytest.raises(KpiDefinitionError) as caught:
        _catalog(tmp_path, text)
    message = str(caught.value)
    assert "opportunity.yaml: measure opportunity.won: opportunity has no column 'probabilty'" in message
    assert "'account.tire': account has no column 'tire'" in message


def test_entity_facts_are_checked_too(tmp_path: Path) -> None:
    entities = ENTITIES.replace("rep: owner_id,", "rep: owner,")
    with pytest.raises(KpiDefinitionError, match="entity opportunity: opportunity has no column 'owner'"):
        _catalog(tmp_path, "entity: opportunity\nmeasures:\n  n: {entity: opportunity, agg: count}\n", entities)


def test_a_file_is_named_for_its_entity(tmp_path: Path) -> None:
    with pytest.raises(KpiDefinitionError, match="holds measures of 'opportunity'"):
        _catalog(tmp_path, "entity: opportunity\nmeasures:\n  n: {entity: opportunity, agg: count}\n",
                 name="deals")


def test_paths_join_through_ref_columns_only() -> None:
    assert path_error("line_item", "opportunity.is_won") is None
    assert path_error("coaching_session", "coach.team") is None  # coach_id -> user
    assert path_error("opportunity", "stage.name") == "'stage.name': opportunity has no ref column stage_id to " \
                                                      "join 'stage' through"
    assert path_error("opportunity", "id") is None


def test_resolving_names_the_kpi_and_the_role() -> None:
    catalog = Catalog.load()
    with pytest.raises(KpiDefinitionError,
                       match=r"KPI X \(numerator\): no shared measure 'opportunity\.wins'.*won_count"):
        catalog.measure("opportunity.wins", kpi="X", role="numerator")
    inline = InlineMeasure(entity="opportunity", agg="sum", expr="amount * 2")
    assert catalog.measure(inline, kpi="X", role="measure").name == "X.measure"
    with pytest.raises(KpiDefinitionError, match="KPI X \\(measure\\): opportunity has no column 'amont'"):
        catalog.measure(InlineMeasure(entity="opportunity", agg="sum", expr="amont"), kpi="X", role="measure")
    with pytest.raises(KpiDefinitionError, match="anchor 'held_on' is not one of opportunity's anchors"):
        catalog.measure("opportunity.won_count", kpi="X", role="measure", anchor="held_on")


def test_a_kpis_anchor_overrides_its_measures() -> None:
    kpi = kpi_file("WIN_RATE_CLOSED").model_dump()
    measures = Catalog.load().kpi_measures(KpiFile.model_validate({**kpi, "anchor": "create_date"}))
    assert {m.anchor_path for m in measures.values()} == {"created_at"}
