"""``crmhub config check`` catches, with no network, what used to pass it and fail (or silently do nothing) in a
sync: unknown objects, canonical fields, transforms, excludes, quality rules; literal secrets; a cron that never
fires. Each problem is at its key path with what was expected and the nearest valid name."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from config import ConfigFileError, ConfigProblem, parse_config
from connectors.dynamics.objects import OBJECTS as DYNAMICS_OBJECTS
from connectors.hubspot.objects import OBJECTS as HUBSPOT_OBJECTS
from connectors.marketo.objects import OBJECTS as MARKETO_OBJECTS
from connectors.salesforce.objects import OBJECTS as SALESFORCE_OBJECTS
from hub.cli import app
from sync.config_check import check_config_file, load_checked_config, shipped_catalogue

ENV = {"HUBSPOT_TOKEN": "pat-na1-0000"}
BASE: dict[str, Any] = {
    "version": 1,
    "connections": {
        "hubspot_main": {
            "kind": "hubspot",
            "auth": {"flow": "private_app", "token": "${HUBSPOT_TOKEN}"},
            "objects": ["contacts", "companies"],
        }
    },
}


def _write(tmp_path: Path, document: dict[str, Any]) -> Path:
    path = tmp_path / "crmhub.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def _check(tmp_path: Path, document: dict[str, Any]) -> list[ConfigProblem]:
    return check_config_file(_write(tmp_path, document), env=ENV)


def _doc(**hubspot: Any) -> dict[str, Any]:
    document = copy.deepcopy(BASE)
    document["connections"]["hubspot_main"].update(hubspot)
    return document


def _errors(problems: list[ConfigProblem]) -> list[str]:
    return [str(p) for p in problems if p.is_error]


def test_the_base_document_has_no_problem(tmp_path: Path) -> None:
    assert _check(tmp_path, _doc()) == []


def test_an_object_without_a_mapping_is_a_warning_at_its_index(tmp_path: Path) -> None:
    # A custom object only the CRM knows, or a typo: the sync keeps the one as a raw table and refuses the other.
    problems = _check(tmp_path, _doc(objects=["contacts", "contcts"]))
    assert len(problems) == 1 and problems[0].severity == "warning"
    assert problems[0].path == "connections.hubspot_main.objects[1]"
    assert problems[0].message.startswith("'contcts' has no mapping for hubspot; "
                                          "did you mean 'contacts'? (mapped objects: contacts, companies, deals")


def test_exclude_of_a_field_no_mapping_reads_is_an_error(tmp_path: Path) -> None:
    problems = _check(tmp_path, _doc(mapping={"contacts": {"exclude": ["city", "cty"]}}))
    assert _errors(problems) == [
        "connections.hubspot_main.mapping.contacts.exclude[1]: 'cty' is neither a CRM field the mapping of contacts "
        "reads nor a canonical field it fills, so excluding it changes nothing; did you mean 'city'?"
    ]


def test_unknown_canonical_field_and_transform_and_unread_transform_source(tmp_path: Path) -> None:
    problems = _check(tmp_path, _doc(mapping={"contacts": {
        "fields": {"jobtitle": "titel", "favourite_colour": "custom.colour"},
        "transforms": {"city": "emial", "firstnam": "string"},
    }}))
    errors = _errors(problems)
    assert errors[0].startswith("connections.hubspot_main.mapping.contacts.fields.jobtitle: 'titel' is not a field "
                                "of canonical contact; did you mean 'title'? (expected one of account_id, city")
    assert errors[1].startswith("connections.hubspot_main.mapping.contacts.transforms.city: unknown transform "
                                "'emial'; did you mean 'email'? (expected one of boolean, const, country")
    assert errors[2].startswith("connections.hubspot_main.mapping.contacts.transforms.firstnam: no mapped field of "
                                "contacts reads 'firstnam'; did you mean 'firstname'?")
    assert len(errors) == 3  # the custom field favourite_colour is legitimate: only sync can ask the CRM


def test_a_value_map_needs_a_field_mapped_as_text_or_by_values(tmp_path: Path) -> None:
    problems = _check(tmp_path, _doc(mapping={"companies": {"values": {
        "hs_ideal_customer_profile": {"tier_1": "key"}, "hs_ideal_customer_profil": {"tier_1": "key"},
        "numberofemployees": {"1": "one"}}}}))
    errors = _errors(problems)
    assert errors[0].startswith("connections.hubspot_main.mapping.companies.values.hs_ideal_customer_profil: no "
                                "field of companies mapped as text or by values reads 'hs_ideal_customer_profil'; "
                                "did you mean 'hs_ideal_customer_profile'?")
    assert errors[1].startswith("connections.hubspot_main.mapping.companies.values.numberofemployees: no field")
    assert len(errors) == 2


def test_a_value_map_with_a_transform_or_on_an_excluded_field_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigFileError) as caught:
        load_checked_config(_write(tmp_path, _doc(mapping={"companies": {
            "exclude": ["name"], "transforms": {"domain": "string"},
            "values": {"name": {"a": "b"}, "domain": {"a": "b"}}}})), env=ENV)
    text = str(caught.value)
    assert "'name' is excluded but has a value map" in text
    assert "'domain' has both a transform and a value map" in text


def test_a_crm_field_one_typo_from_a_known_one_is_a_warning(tmp_path: Path) -> None:
    problems = _check(tmp_path, _doc(mapping={"contacts": {"fields": {"emial": "email"}}}))
    assert [(p.severity, p.path) for p in problems] == [
        ("warning", "connections.hubspot_main.mapping.contacts.fields.emial")
    ]
    assert "did you mean 'email'?" in problems[0].message


def test_a_literal_secret_is_a_warning_that_never_shows_the_value(tmp_path: Path) -> None:
    document = _doc(auth={"flow": "private_app", "token": "pat-na1-sentinel-9f8e7d"})
    document["store"] = {"url": "postgresql://crm:pw-sentinel-1234@db.example.com/crm"}
    problems = _check(tmp_path, document)
    assert [(p.severity, p.path) for p in problems] == [
        ("warning", "connections.hubspot_main.auth.token"), ("warning", "store.url")
    ]
    assert "write ${HUBSPOT_MAIN_TOKEN} here" in problems[0].message
    assert not any("sentinel" in str(p) for p in problems)
    # A warning does not stop the config from loading.
    assert load_checked_config(_write(tmp_path, document), env=ENV).connections["hubspot_main"]


def test_a_cron_that_never_fires_is_an_error(tmp_path: Path) -> None:
    problems = _check(tmp_path, _doc(schedule={"cron": "0 0 31 2 *"}, objects=["contacts", "contcts"]))
    assert [p.path for p in problems] == ["connections.hubspot_main.schedule.cron",
                                          "connections.hubspot_main.objects[1]"]  # reported together
    assert problems[0].message.startswith("this cron expression never fires")


def test_leap_day_cron_fires() -> None:
    document = _doc(schedule={"cron": "0 0 29 2 *"})
    assert parse_config(yaml.safe_dump(document), env=ENV).connections["hubspot_main"].schedule is not None


def test_load_checked_config_refuses_what_check_reports(tmp_path: Path) -> None:
    with pytest.raises(ConfigFileError) as caught:
        load_checked_config(_write(tmp_path, _doc(mapping={"contacts": {"exclude": ["cty"]}})), env=ENV)
    assert [p.path for p in caught.value.problems] == ["connections.hubspot_main.mapping.contacts.exclude[0]"]


def test_catalogue_objects_are_the_objects_the_connectors_read() -> None:
    catalogue = shipped_catalogue()
    for kind, objects in (("hubspot", HUBSPOT_OBJECTS), ("salesforce", SALESFORCE_OBJECTS),
                          ("dynamics", DYNAMICS_OBJECTS), ("marketo", MARKETO_OBJECTS)):
        # A standard object no canonical entity holds (entity "": Marketo's Design Studio files, Dataverse's
        # knowledge articles) has no shipped mapping: it lands in a typed raw table, like an unmapped custom object.
        assert set(catalogue.objects[kind]) == {spec.name for spec in objects if spec.entity}, kind
    assert [spec.name for spec in MARKETO_OBJECTS if not spec.entity] == ["files"]
    assert [spec.name for spec in DYNAMICS_OBJECTS if not spec.entity] == ["knowledgearticles", "transactioncurrencies",
                                                                           "organizations"]
    assert [spec.name for spec in SALESFORCE_OBJECTS if not spec.entity] == ["CurrencyType", "DatedConversionRate"]


def test_cli_exit_codes_and_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUBSPOT_TOKEN", ENV["HUBSPOT_TOKEN"])
    runner = CliRunner()
    bad = _write(tmp_path, _doc(mapping={"contacts": {"exclude": ["cty"]}}))
    result = runner.invoke(app, ["config", "check", "--json", "--config", str(bad)])
    assert result.exit_code == 2
    payload = json.loads(result.stdout)
    assert payload["ok"] is False and payload["warnings"] == []
    assert [p["path"] for p in payload["problems"]] == ["connections.hubspot_main.mapping.contacts.exclude[0]"]

    warned = _write(tmp_path, _doc(auth={"flow": "private_app", "token": "pat-na1-literal"}))
    result = runner.invoke(app, ["config", "check", "--json", "--config", str(warned)])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["ok"] is True and payload["problems"] == []
    assert [w["path"] for w in payload["warnings"]] == ["connections.hubspot_main.auth.token"]
    assert "pat-na1-literal" not in result.output
