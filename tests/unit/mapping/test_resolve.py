"""mapping.spec.resolve: a connection's mappings, whether shipped, overridden or written whole in config."""

from __future__ import annotations

from typing import Any

import pytest

from mapping.spec import FieldRule, MappingError, load_spec, resolve

TRAINING: dict[str, Any] = {
    "entity": "training_program",
    "fields": {
        "name": "Name",
        "program_type": {"from": "Type__c", "transform": "map", "values": {"Onboarding": "onboarding"},
                         "default": "$same"},
        "owner_id": {"from": "OwnerId", "ref": "User"},
        "duration_hours": "Hours__c",
        "updated_at": "LastModifiedDate",
    },
    "custom": ["Level__c", {"cohort": "Cohort__c"}],
}


def test_a_whole_mapping_in_config_defines_a_custom_object() -> None:
    mappings = resolve("salesforce", ["Account", "Training_Program__c"], {"Training_Program__c": TRAINING},
                       connection="sf")
    assert mappings["Account"] == load_spec("salesforce")["Account"]
    om = mappings["Training_Program__c"]
    assert (om.object, om.entity) == ("Training_Program__c", "training_program")
    rules = {r.target: r for r in om.rules}
    assert rules["name"] == FieldRule("name", "Name", "string", {})
    assert rules["duration_hours"].transform == "number"  # the canonical type's default transform
    assert rules["owner_id"] == FieldRule("owner_id", "OwnerId", "ref", {"object": "User"})
    assert rules["program_type"].args == {"values": {"Onboarding": "onboarding"}, "default": "$same"}
    assert om.custom == (("Level__c", "Level__c"), ("Cohort__c", "cohort"))
    assert om.source_fields() == sorted(["Name", "Type__c", "OwnerId", "Hours__c", "LastModifiedDate", "Level__c",
                                         "Cohort__c"])


def test_overrides_still_change_the_shipped_mapping() -> None:
    mappings = resolve("hubspot", ["contacts"], {"contacts": {"fields": {"nickname": "custom.nick"},
                                                              "exclude": ["phone"]}}, connection="hs")
    contacts = mappings["contacts"]
    assert ("nickname", "nick") in contacts.custom
    assert "phone" not in {r.target for r in contacts.rules}


def test_a_whole_mapping_replaces_a_shipped_one() -> None:
    mappings = resolve("hubspot", ["tickets_copy", "contacts"],
                       {"contacts": {"entity": "contact", "fields": {"email": "email"}}}, connection="hs")
    assert [r.target for r in mappings["contacts"].rules] == ["email"]
    assert "tickets_copy" not in mappings  # neither shipped nor defined: the caller decides what that means


def test_datasets_resolve_against_their_own_specs() -> None:
    shipped = load_spec("hubspot")
    mappings = resolve("x_education", ["contacts"], {}, connection="x_education", shipped=shipped)
    assert mappings == {"contacts": shipped["contacts"]}


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ({**TRAINING, "entity": "training"},
         r"^connections\.sf\.mapping\.Training_Program__c\.entity: expected one of account, .*got 'training'"),
        ({"entity": "training_program", "fields": {"title": "Name"}},
         r"^connections\.sf\.mapping\.Training_Program__c\.fields: 'title' is not a field of canonical "
         r"training_program; fields: name, program_type"),
        ({"entity": "training_program", "fields": {"owner_id": "OwnerId"}},
         r"^connections\.sf\.mapping\.Training_Program__c\.fields\.owner_id: a reference needs 'ref: <object>'"),
        ({"entity": "training_program", "fields": {"duration_hours": {"from": "Hours__c", "transform": "hours"}}},
         r"^connections\.sf\.mapping\.Training_Program__c\.fields\.duration_hours: unknown transform 'hours'"),
    ],
)
def test_errors_name_the_path_in_the_config(definition: dict[str, Any], message: str) -> None:
    with pytest.raises(MappingError, match=message) as caught:
        resolve("salesforce", ["Training_Program__c"], {"Training_Program__c": definition}, connection="sf")
    assert caught.value.where.startswith("connections.sf.mapping.Training_Program__c.")


def test_an_object_name_with_dots_is_quoted_in_the_path() -> None:
    with pytest.raises(MappingError) as caught:
        resolve("dynamics", ["new.odd"], {"new.odd": {"entity": "qbr", "fields": {"nope": "x"}}}, connection="d")
    assert caught.value.where == 'connections.d.mapping["new.odd"].fields'
