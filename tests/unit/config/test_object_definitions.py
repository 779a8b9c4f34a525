"""``connections.<name>.mapping.<object>`` with ``entity:``: a custom object's whole mapping, checked by
``crmhub config check`` with the same parser a sync uses, each problem at the key the admin wrote."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from config import ConfigProblem, ObjectDefinition
from sync.config_check import check_config_file, load_checked_config

ENV = {"HUBSPOT_TOKEN": "pat-na1-0000"}
PARTNERS: dict[str, Any] = {
    "entity": "channel_partner",
    "fields": {
        "name": "partner_name",
        "tier": "partner_tier",
        "owner_id": {"from": "hubspot_owner_id", "ref": "owners"},
        "joined_on": {"from": "joined", "transform": "date"},
        "updated_at": "hs_lastmodifieddate",
    },
    "custom": ["region", {"deal_count": "num_partner_deals"}],
    "drift_policy": "freeze",
}


def _doc(definition: dict[str, Any] | None = None, *, obj: str = "2-9001") -> dict[str, Any]:
    hubspot: dict[str, Any] = {
        "kind": "hubspot",
        "auth": {"flow": "private_app", "token": "${HUBSPOT_TOKEN}"},
        "objects": ["contacts", obj],
    }
    if definition is not None:
        hubspot["mapping"] = {obj: definition}
    return {"version": 1, "connections": {"hs": hubspot}}


def _check(tmp_path: Path, document: dict[str, Any]) -> list[str]:
    path = tmp_path / "crmhub.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return [str(p) for p in check_config_file(path, env=ENV) if p.is_error]


def _with(**changes: Any) -> dict[str, Any]:
    definition = copy.deepcopy(PARTNERS)
    definition.update(changes)
    return definition


def test_a_custom_object_mapped_in_config_passes_the_check(tmp_path: Path) -> None:
    assert _check(tmp_path, _doc(PARTNERS)) == []
    path = tmp_path / "crmhub.yaml"
    cfg = load_checked_config(path, env=ENV)
    entry = cfg.connection("hs").mapping["2-9001"]
    assert isinstance(entry, ObjectDefinition)
    assert entry.drift_policy == "freeze"
    assert entry.as_spec()["fields"]["owner_id"] == {"from": "hubspot_owner_id", "ref": "owners"}


def test_an_object_with_no_mapping_anywhere_is_a_warning(tmp_path: Path) -> None:
    assert _check(tmp_path, _doc()) == []  # no error: a sync keeps it as a typed raw table
    path = tmp_path / "crmhub.yaml"
    [warning] = [str(p) for p in check_config_file(path, env=ENV) if not p.is_error]
    assert warning.startswith("connections.hs.objects[1]: '2-9001' has no mapping for hubspot")
    assert warning.endswith("a sync keeps its records in a typed raw table if the CRM has such an object; to fill "
                            "a canonical entity, map it in connections.hs.mapping.2-9001 with entity: and fields")


def test_mapping_problems_are_at_their_key_path(tmp_path: Path) -> None:
    [unknown_entity] = _check(tmp_path, _doc(_with(entity="partner")))
    assert unknown_entity.startswith("connections.hs.mapping.2-9001.entity: expected one of account, ")
    assert unknown_entity.endswith("got 'partner'")

    [unknown_field] = _check(tmp_path, _doc(_with(fields={"partner_level": "tier"})))
    assert unknown_field.startswith("connections.hs.mapping.2-9001.fields: 'partner_level' is not a field of "
                                    "canonical channel_partner; fields: name, account_id, tier")

    [bad_ref] = _check(tmp_path, _doc(_with(fields={"account_id": "company"})))
    assert bad_ref == ("connections.hs.mapping.2-9001.fields.account_id: a reference needs 'ref: <object>' naming "
                       "the referenced CRM object")


def test_shape_errors_point_inside_the_definition(tmp_path: Path) -> None:
    problems = _check(tmp_path, _doc(_with(fields={"name": {"form": "partner_name"}}, exclude=["region"])))
    assert problems == [
        "connections.hs.mapping.2-9001.fields.name.form: unknown key; did you mean 'from'?",
        # A whole mapping has no exclude: the field is simply left out of fields.
        "connections.hs.mapping.2-9001.exclude: unknown key (allowed here: entity, fields, custom, drift_policy)",
    ]


def test_problems_are_config_problems(tmp_path: Path) -> None:
    path = tmp_path / "crmhub.yaml"
    path.write_text(yaml.safe_dump(_doc(_with(fields={"name": "partner name"})), sort_keys=False))
    [problem] = [p for p in check_config_file(path, env=ENV) if p.is_error]
    assert isinstance(problem, ConfigProblem)
    assert problem.path == "connections.hs.mapping.2-9001.fields.name"
