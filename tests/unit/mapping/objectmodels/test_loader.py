"""A broken object-model file is an error that names the file and says what is expected; every problem is listed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mapping.objectmodels import ObjectModelError, load_registry

NONE = {"kind": "none"}
SOURCES = {"salesforce": {"kind": "standard", "object": "Opportunity"}, "hubspot": {"kind": "standard",
           "object": "deals"}, "dynamics": {"kind": "standard", "object": "opportunities"}, "marketo": NONE}


def _sale(**changes: Any) -> dict[str, Any]:
    return {"code": "SALE", "name": "Sale", "aliases": ["Purchase"], "description": "A won deal.",
            "held_as": "entity", "entity": "opportunity", "where": {"is_won": True}, "required": ["amount"],
            "relations": [{"name": "account", "target": "ACCOUNT", "cardinality": "many_to_one", "via": "account_id"}],
            "sources": SOURCES, **changes}


def _account(**changes: Any) -> dict[str, Any]:
    return {"code": "ACCOUNT", "name": "Account", "description": "An organisation.", "held_as": "entity",
            "entity": "account", "sources": {k: NONE for k in SOURCES}, **changes}


def _forecast(**changes: Any) -> dict[str, Any]:
    return {"code": "REVENUE_FORECAST", "name": "Revenue Forecast", "description": "Expected revenue.",
            "held_as": "computed", "computed_by": {"engine": "analytics.kpi", "output": "kpi_value", "status":
                                                   "planned", "issue": 18},
            "fields": [{"name": "expected", "type": "number", "required": True}], **changes}


def _write(root: Path, models: list[dict[str, Any]], modules: list[dict[str, Any]] | None = None,
           names: dict[str, str] | None = None) -> Path:
    (root / "models").mkdir(parents=True, exist_ok=True)
    for model in models:
        name = (names or {}).get(model["code"], f"{model['code'].lower()}.yaml")
        (root / "models" / name).write_text(yaml.safe_dump(model))
    modules = modules or [{"code": "BUS_DEV", "name": "Business Development", "description": "The baseline.",
                           "models": [m["code"] for m in models]}]
    (root / "modules.yaml").write_text(yaml.safe_dump({"modules": modules}))
    return root


def _problems(root: Path) -> str:
    with pytest.raises(ObjectModelError) as caught:
        load_registry(root)
    return str(caught.value)


def test_a_valid_small_registry_loads(tmp_path: Path) -> None:
    registry = load_registry(_write(tmp_path, [_sale(), _account(), _forecast()]))
    sale = registry.object_model("purchase")
    assert sale.code == "SALE" and sale.modules == ("BUS_DEV",) and sale.field("amount").required
    assert registry.module("bus_dev").model_codes == ["SALE", "ACCOUNT", "REVENUE_FORECAST"]


@pytest.mark.parametrize(("sale", "expected"), [
    (_sale(entity="deal"), "sale.yaml: entity 'deal' is not a canonical entity"),
    (_sale(where={"won": True}), "sale.yaml: where: 'won' is not a field of opportunity"),
    (_sale(where={"is_won": "yes"}), "sale.yaml: where.is_won: 'yes' is not a boolean"),
    (_sale(entity="activity", where={"type": "phone"}), "where.type: 'phone' is not one of call, email_sent"),
    (_sale(required=["amount_usd"]), "required: 'amount_usd' is not a field of opportunity"),
    (_sale(relations=[{"name": "x", "target": "NOPE", "cardinality": "many_to_one"}]), "relation 'x': no model 'NOPE'"),
    (_sale(relations=[{"name": "x", "target": "ACCOUNT", "cardinality": "many_to_one", "via": "amount"}]),
     "via 'amount' is not a ref field of SALE"),
    (_sale(aliases=["Account"]), "sale.yaml: the name 'Account' is already ACCOUNT's"),
    (_sale(code="SALES"), "code 'SALES' is not its name in UPPER_SNAKE ('SALE')"),
    (_sale(sources={"salesforce": SOURCES["salesforce"]}), "sources names every CRM"),
    (_sale(sources={**SOURCES, "marketo": {"kind": "standard"}}), "names the CRM object that keeps the model"),
    (_sale(fields=[{"name": "x", "type": "string"}]), "held_as entity takes no 'fields'"),
    (_sale(colour="blue"), "sale.yaml: colour: Extra inputs are not permitted"),
])
def test_a_model_file_problem_names_the_file(tmp_path: Path, sale: dict[str, Any], expected: str) -> None:
    message = _problems(_write(tmp_path, [sale, _account(), _forecast()], names={sale["code"]: "sale.yaml"}))
    assert "mapping/objectmodels/models/sale.yaml" in message and expected in message


@pytest.mark.parametrize(("forecast", "expected"), [
    (_forecast(computed_by={"engine": "analytics.kpi", "output": "x", "status": "planned"}),
     "a planned engine names the issue that builds it"),
    (_forecast(computed_by=None), "held_as computed names its engine"),
    (_forecast(fields=[]), "held_as computed declares its fields"),
    (_forecast(entity="opportunity"), "held_as computed takes no 'entity'"),
    (_forecast(computed_by={"engine": "forecast", "output": "x"}), "computed_by.engine: String should match"),
])
def test_a_computed_model_needs_its_engine_and_fields(tmp_path: Path, forecast: dict[str, Any], expected: str) -> None:
    message = _problems(_write(tmp_path, [_sale(), _account(), forecast]))
    assert "revenue_forecast.yaml" in message and expected in message


def test_module_problems_name_modules_yaml(tmp_path: Path) -> None:
    modules = [{"code": "BUS_DEV", "name": "Business Development", "description": "d",
                "models": ["SALE", "SALE", "DEAL"]}]
    message = _problems(_write(tmp_path, [_sale(), _account()], modules))
    assert "mapping/objectmodels/modules.yaml: BUS_DEV lists SALE twice" in message
    assert "modules.yaml: BUS_DEV lists DEAL, which no models/*.yaml defines" in message
    assert "models/account.yaml: no module lists ACCOUNT" in message  # every problem, not the first one


def test_a_file_is_named_for_its_code(tmp_path: Path) -> None:
    message = _problems(_write(tmp_path, [_sale(), _account()], names={"SALE": "won_deal.yaml"}))
    assert "models/won_deal.yaml: holds SALE; name the file sale.yaml" in message


def test_unknown_codes_say_what_exists() -> None:
    from mapping.objectmodels import get_module, get_object_model

    with pytest.raises(ObjectModelError, match=r"no object model 'SALES_REPRESENTATIV' \(did you mean "
                                               r"SALES_REPRESENTATIVE"):
        get_object_model("SALES_REPRESENTATIV")
    with pytest.raises(ObjectModelError, match=r"no module 'INSIDE'.*modules: BUS_DEV, CHANNEL_SALES"):
        get_module("INSIDE")
