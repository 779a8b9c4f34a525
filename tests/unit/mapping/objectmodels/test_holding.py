"""How each model is held is true: entities exist, engines import (or are honestly planned), sources match the
shipped mappings."""

from __future__ import annotations

import importlib
import importlib.util

import pytest
from sqlalchemy import Boolean, Date, Float, Integer, String, Text

from analytics.kpi.loader import shipped_kpi_registry
from mapping.model import ENTITIES
from mapping.objectmodels import ObjectModel, shipped_registry
from mapping.objectmodels.schema import CRM_KINDS, CrmKind
from mapping.objectmodels.sources import shipped_mappings
from store.tables import metadata

MODELS = list(shipped_registry())
PLANNED_ISSUES = {19, 20, 21, 22}  # the console, pipeline, attribution (segments), territories/coaching


def _ids(models: list[ObjectModel]) -> list[str]:
    return [m.code for m in models]


ENTITY_HELD = [m for m in MODELS if m.held_as == "entity"]
COMPUTED = [m for m in MODELS if m.held_as == "computed"]
AVAILABLE = [m for m in COMPUTED if m.computed_by and m.computed_by.status == "available"]
PLANNED = [m for m in COMPUTED if m.computed_by and m.computed_by.status == "planned"]
WAITING = [m for m in COMPUTED if m.computed_by and m.computed_by.status == "needs_data"]


def test_every_way_of_holding_is_used() -> None:
    assert {m.held_as for m in MODELS} == {"entity", "computed", "custom_object"}
    assert any(m.where for m in ENTITY_HELD) and AVAILABLE and PLANNED


@pytest.mark.parametrize("model", ENTITY_HELD, ids=_ids(ENTITY_HELD))
def test_an_entity_held_model_is_its_entitys_fields(model: ObjectModel) -> None:
    assert model.entity is not None and model.entity in ENTITIES, f"{model.code}: no entity {model.entity!r}"
    fields = ENTITIES[model.entity]
    assert [(f.name, f.type) for f in model.fields] == list(fields.items())
    assert set(model.where) <= set(fields)


def test_entity_filters_select_what_their_names_say() -> None:
    registry = shipped_registry()
    assert registry.object_model("SALE").where == {"is_won": True}
    assert registry.object_model("LOST_SALE").where == {"is_closed": True, "is_won": False}
    assert registry.object_model("SALES_CALL").where == {"type": "call"}
    assert registry.object_model("DEAL").entity == registry.object_model("OPPORTUNITY").entity == "opportunity"
    assert registry.object_model("CUSTOMER").entity == registry.object_model("ACCOUNT").entity == "account"


@pytest.mark.parametrize("model", AVAILABLE, ids=_ids(AVAILABLE))
def test_an_available_engine_imports_and_writes_the_declared_fields(model: ObjectModel) -> None:
    assert model.computed_by is not None
    importlib.import_module(model.computed_by.engine)
    table = metadata.tables.get(model.computed_by.output)
    assert table is not None, f"{model.code}: {model.computed_by.output!r} is not a store table"
    kinds = {"string": (String, Text), "text": (String, Text), "ref": (String,), "number": (Float, Integer),
             "integer": (Integer,), "boolean": (Boolean,), "date": (Date,)}
    for field in model.fields:
        assert field.name in table.columns, f"{model.code}.{field.name} is not a column of {table.name}"
        column = table.columns[field.name]
        if field.type in kinds and field.name != "failed":  # failed: the JSON list of rule names, shown as text
            assert isinstance(column.type, kinds[field.type]), f"{model.code}.{field.name}: {column.type!r}"
        assert field.required == (not column.nullable), f"{model.code}.{field.name}: required vs nullable"


@pytest.mark.parametrize("model", PLANNED, ids=_ids(PLANNED))
def test_a_planned_engine_names_its_issue_and_does_not_exist_yet(model: ObjectModel) -> None:
    assert model.computed_by is not None and model.computed_by.issue in PLANNED_ISSUES
    try:
        spec = importlib.util.find_spec(model.computed_by.engine)
    except ModuleNotFoundError:  # its parent package does not exist either
        spec = None
    assert spec is None, (f"{model.computed_by.engine} exists now: mark {model.code}'s engine available and "
                          f"declare the fields it writes")


@pytest.mark.parametrize("model", WAITING, ids=_ids(WAITING))
def test_an_engine_waiting_for_data_does_not_pretend_and_its_kpis_say_so(model: ObjectModel) -> None:
    """No engine module computes a model from data the store does not hold; the KPIs over it are needs_data."""
    assert model.computed_by is not None and model.computed_by.issue is None
    try:
        spec = importlib.util.find_spec(model.computed_by.engine)
    except ModuleNotFoundError:
        spec = None
    assert spec is None, f"{model.computed_by.engine} exists now: mark {model.code}'s engine available"
    kpis = shipped_kpi_registry().kpis_of_model(model.code)
    assert kpis and [k.code for k in kpis if k.status == "computed"] == [], model.code


def test_custom_object_models_declare_their_fields_and_every_crm() -> None:
    for model in MODELS:
        if model.held_as != "computed":
            assert set(model.sources) == set(CRM_KINDS), model.code
        if model.held_as == "custom_object":
            assert model.fields and model.entity is None and any(f.required for f in model.fields), model.code


@pytest.mark.parametrize("kind", CRM_KINDS)
def test_a_default_source_is_an_object_the_shipped_mapping_lands_in_the_entity(kind: CrmKind) -> None:
    """Where crmhub's mapping of a CRM can fill the model, the model's default source names one of the objects it
    fills it from: the registry cannot point at one object while the sync fills the model from another."""
    shipped = shipped_mappings(shipped_registry(), (kind,))
    wrong = []
    for model in ENTITY_HELD:
        mapped = shipped[model.code][kind]
        source = model.sources[kind]
        declared = source.kind in ("standard", "custom") and "<" not in (source.object or "")
        if mapped and declared and source.object not in mapped:
            wrong.append(f"{model.code}: {kind} default {source.object!r}, mapped: {mapped}")
    assert not wrong, "\n".join(wrong)
