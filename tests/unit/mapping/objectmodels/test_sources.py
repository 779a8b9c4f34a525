"""What fills each model is derived from the config's resolved mappings and per-object tags, never declared."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from config import CrmhubConfig, ObjectSettings, parse_config
from mapping.catalogue import KINDS
from mapping.objectmodels import ObjectModelError, shipped_registry
from mapping.objectmodels.sources import Filler, fillers, shipped_mappings
from mapping.spec import ObjectMapping, parse_object

CONFIG = """
version: 1
connections:
  hs:
    kind: hubspot
    auth: {flow: private_app, token: not-a-secret-here}
    objects: {contacts: {}, companies: {}, deals: {}, calls: {}, meetings: {enabled: false}}
  sf:
    kind: salesforce
    auth: {flow: client_credentials, client_id: x, client_secret: y}
    objects: [Account, Opportunity, Task, Event]
"""


# The mappings these tests derive from, written here so that they hold whatever the shipped specs become.
SPECS: dict[str, dict[str, dict[str, Any]]] = {
    "hubspot": {
        "contacts": {"entity": "contact", "fields": {"email": "email"}},
        "companies": {"entity": "account", "fields": {"name": "name"}},
        "deals": {"entity": "opportunity", "fields": {"is_won": "hs_is_closed_won", "is_closed": "hs_is_closed"}},
        "calls": {"entity": "activity", "fields": {"type": {"const": "call"}}},
        "meetings": {"entity": "activity", "fields": {"type": {"const": "meeting"}}},
    },
    "salesforce": {
        "Account": {"entity": "account", "fields": {"name": "Name"}},
        "Opportunity": {"entity": "opportunity", "fields": {"is_won": "IsWon", "is_closed": "IsClosed"}},
        "Task": {"entity": "activity", "fields": {"type": {"from": "TaskSubtype", "transform": "map", "values":
                                                            {"Call": "call", "Email": "email_sent"},
                                                            "default": "other"}}},
        "Event": {"entity": "activity", "fields": {"type": {"const": "meeting"}}},
    },
}


def specs(kind: str) -> dict[str, ObjectMapping]:
    return {name: parse_object(name, body, where=f"test:{kind}") for name, body in SPECS[kind].items()}


class TaggedSettings(ObjectSettings):
    """Per-object settings with the ``model:`` tag another change adds to the config schema."""

    model: str | None = None


def _config(tmp_path: Path) -> CrmhubConfig:
    return parse_config(CONFIG, env={}, base_dir=tmp_path)


def _tagged(cfg: CrmhubConfig, connection: str, obj: str, code: str) -> CrmhubConfig:
    conn = cfg.connections[connection]
    objects = {**conn.objects, obj: TaggedSettings(model=code)}
    return cfg.model_copy(update={"connections": {**cfg.connections,
                                                  connection: conn.model_copy(update={"objects": objects})}})


def _where(found: list[Filler]) -> list[tuple[str, str, str]]:
    return [(f.connection, f.object, f.how) for f in found]


def test_objects_fill_the_models_of_the_entity_they_land_in(tmp_path: Path) -> None:
    found = fillers(_config(tmp_path), shipped_registry(), specs=specs)
    assert _where(found["CUSTOMER"]) == [("hs", "companies", "entity"), ("sf", "Account", "entity")]
    assert _where(found["SALE"]) == _where(found["DEAL"]) == [("hs", "deals", "entity"), ("sf", "Opportunity",
                                                                                          "entity")]
    # a HubSpot call is a call by constant, a Salesforce Task's type comes from a value table without meetings:
    # neither is ever a Demo; an Event is a meeting by constant
    assert _where(found["DEMO"]) == [("sf", "Event", "entity")]
    assert _where(found["SALES_CALL"]) == [("hs", "calls", "entity"), ("sf", "Task", "entity")]
    assert found["LEAD"] == []  # HubSpot contacts land in contact, and no Lead object is synced
    assert found["REVENUE_FORECAST"] == [] and found["ACCOUNT_PLAN"] == []  # an engine's, an untagged custom object
    assert set(found) == {m.code for m in shipped_registry()}


def test_a_disabled_object_fills_nothing(tmp_path: Path) -> None:
    found = fillers(_config(tmp_path), shipped_registry(), specs=specs)
    assert all(f.object != "meetings" for filled in found.values() for f in filled)


def test_a_tagged_object_fills_its_model(tmp_path: Path) -> None:
    cfg = _tagged(_config(tmp_path), "sf", "Account_Plan__c", "ACCOUNT_PLAN")
    found = fillers(cfg, shipped_registry(), specs=specs)
    assert found["ACCOUNT_PLAN"] == [Filler("sf", "salesforce", "Account_Plan__c", "tag", None)]
    tagged_twice = _tagged(cfg, "sf", "Account", "CUSTOMER")  # already a filler through its entity: listed once
    assert _where(fillers(tagged_twice, shipped_registry(), specs=specs)["CUSTOMER"]) == [("hs", "companies", "entity"),
                                                                            ("sf", "Account", "entity")]


def test_a_filter_on_a_field_the_mapping_never_fills_selects_nothing_unless_tagged(tmp_path: Path) -> None:
    cfg = _config(tmp_path)
    assert fillers(cfg, shipped_registry(), specs=specs)["KEY_ACCOUNT"] == []  # neither mapping fills account.tier
    tagged = fillers(_tagged(cfg, "sf", "Account", "KEY_ACCOUNT"), shipped_registry(), specs=specs)
    assert _where(tagged["KEY_ACCOUNT"]) == [("sf", "Account", "tag")]  # an admin's word for it


def test_a_tag_naming_no_model_is_an_error_with_its_key_path(tmp_path: Path) -> None:
    cfg = _tagged(_config(tmp_path), "sf", "Account_Plan__c", "ACCOUNT_PLANS")
    with pytest.raises(ObjectModelError, match=r"connections\.sf\.objects\.Account_Plan__c\.model: no object model "
                                               r"'ACCOUNT_PLANS' \(did you mean ACCOUNT_PLAN"):
        fillers(cfg, shipped_registry(), specs=specs)


def test_fillers_follow_the_mapping_not_a_declaration(tmp_path: Path) -> None:
    def moved(kind: str) -> dict[str, ObjectMapping]:  # companies re-pointed at the contact entity: no Customer now
        return {**specs(kind), **({"companies": parse_object("companies", {"entity": "contact"}, where="test")}
                                  if kind == "hubspot" else {})}

    found = fillers(_config(tmp_path), shipped_registry(), specs=moved)
    assert _where(found["CUSTOMER"]) == [("sf", "Account", "entity")]


def test_an_override_that_drops_the_filtered_field_drops_the_model(tmp_path: Path) -> None:
    objects = "objects: [Account, Opportunity, Task, Event]"
    text = CONFIG.replace(objects, objects + "\n    mapping: {Opportunity: {exclude: [IsWon]}}")
    found = fillers(parse_config(text, env={}, base_dir=tmp_path), shipped_registry(), specs=specs)
    assert _where(found["SALE"]) == [("hs", "deals", "entity")]  # is_won is no longer filled from Salesforce
    assert ("sf", "Opportunity", "entity") in _where(found["OPPORTUNITY"])


def test_shipped_mappings_name_each_crms_objects_for_the_entity() -> None:
    shipped = shipped_mappings(shipped_registry(), ("hubspot", "salesforce"), specs=specs)
    assert shipped["SALE"] == {"hubspot": ["deals"], "salesforce": ["Opportunity"]}
    assert shipped["SALES_ACTIVITY"] == {"hubspot": ["calls", "meetings"], "salesforce": ["Task", "Event"]}
    assert shipped["DEMO"] == {"hubspot": ["meetings"], "salesforce": ["Event"]}
    assert shipped["REVENUE_FORECAST"] == shipped["ACCOUNT_PLAN"] == {"hubspot": [], "salesforce": []}
    assert set(shipped_mappings(shipped_registry(), KINDS)["SALE"]) == set(KINDS)  # the shipped specs load


def test_a_custom_object_mapped_in_config_fills_the_models_of_its_entity(tmp_path: Path) -> None:
    objects = "objects: [Account, Opportunity, Task, Event]"
    text = CONFIG.replace(objects, """objects: [Account, Training_Program__c, Coaching_Session__c]
    mapping:
      Training_Program__c:
        entity: training_program
        fields:
          name: Name
          program_type: {from: Audience__c, transform: map, values: {Customers: customer, Reps: skills}}
      Coaching_Session__c:
        entity: coaching_session
        fields: {held_at: Held_At__c}""")
    found = fillers(parse_config(text, env={}, base_dir=tmp_path), shipped_registry(), specs=specs)
    assert _where(found["SALES_TRAINING_PROGRAM"]) == [("sf", "Training_Program__c", "entity")]
    assert _where(found["CUSTOMER_EDUCATION"]) == [("sf", "Training_Program__c", "entity")]
    assert _where(found["SALES_COACHING_SESSION"]) == [("sf", "Coaching_Session__c", "entity")]
