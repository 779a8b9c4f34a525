"""Problems are reported all at once, each at its key path, with expected types and did-you-mean hints."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from config import ConfigFileError, ConfigProblem, parse_config

Problems = Callable[..., list[ConfigProblem]]


def _lines(problems: list[ConfigProblem]) -> list[str]:
    return [str(problem) for problem in problems]


def test_unknown_top_level_key_suggests_the_allowed_one(
    minimal: dict[str, Any], problems_of: Problems
) -> None:
    minimal["conections"] = {}
    assert _lines(problems_of(minimal)) == ["conections: unknown key; did you mean 'connections'?"]


def test_unknown_nested_key_suggests_the_allowed_one(minimal: dict[str, Any], problems_of: Problems) -> None:
    minimal["connections"]["hubspot_main"]["setle_lag_seconds"] = 60
    assert _lines(problems_of(minimal)) == [
        "connections.hubspot_main.setle_lag_seconds: unknown key; did you mean 'settle_lag_seconds'?"
    ]


def test_unknown_key_deep_in_a_union_member(minimal: dict[str, Any], problems_of: Problems) -> None:
    minimal["connections"]["hubspot_main"]["auth"]["tokn"] = "x"
    minimal["connections"]["hubspot_main"]["objects"] = {"contacts": {"schedule": {"interval_minute": 5}}}
    assert _lines(problems_of(minimal)) == [
        "connections.hubspot_main.objects.contacts.schedule.interval_minute: unknown key; "
        "did you mean 'interval_minutes'?",
        "connections.hubspot_main.auth.tokn: unknown key; did you mean 'token'?",
    ]


def test_unknown_connection_in_a_list_suggests_a_known_one(
    minimal: dict[str, Any], problems_of: Problems
) -> None:
    minimal["identity"] = {"source_priority": {"email": ["hubspot_main", "hubspot_mian"]}}
    assert _lines(problems_of(minimal)) == [
        "identity.source_priority.email[1]: unknown connection 'hubspot_mian'; did you mean 'hubspot_main'?"
    ]


def test_unknown_key_without_a_close_match_lists_the_allowed_keys(
    minimal: dict[str, Any], problems_of: Problems
) -> None:
    minimal["connections"]["hubspot_main"]["budget"] = {"zzz": 1}
    assert _lines(problems_of(minimal)) == [
        "connections.hubspot_main.budget.zzz: unknown key (allowed here: max_daily_share)"
    ]


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("settle_lag_seconds", "soon", "expected an integer, got a string"),
        ("settle_lag_seconds", 1.5, "expected an integer, got a decimal number"),
        ("page_size", [50], "expected an integer, got a list"),
        ("timeout_seconds", {"s": 1}, "expected a number, got a mapping"),
        ("budget", 0.5, "expected a mapping, got a decimal number"),
        ("objects", "contacts", "expected a mapping, got a string"),
        ("mapping", {"contacts": {"exclude": "email"}}, "expected a list, got a string"),
    ],
)
def test_wrong_types_say_what_was_expected_at_the_key_path(
    minimal: dict[str, Any], problems_of: Problems, key: str, value: Any, expected: str
) -> None:
    minimal["connections"]["hubspot_main"][key] = value
    path = "connections.hubspot_main." + ("mapping.contacts.exclude" if key == "mapping" else key)
    assert _lines(problems_of(minimal)) == [f"{path}: {expected}"]


def test_wrong_type_inside_a_list_is_reported_at_its_index(
    minimal: dict[str, Any], problems_of: Problems
) -> None:
    minimal["connections"]["hubspot_main"]["objects"] = ["contacts", 7, "contacts"]
    assert _lines(problems_of(minimal)) == [
        "connections.hubspot_main.objects[1]: expected an object name; "
        "use a mapping (name: {settings}) for per-object settings",
        "connections.hubspot_main.objects[2]: 'contacts' is listed twice",
    ]


def test_several_problems_are_reported_at_once(minimal: dict[str, Any], problems_of: Problems) -> None:
    minimal["version"] = 2
    minimal["scheduler"] = {"executor": "celry"}
    minimal["connections"]["hubspot_main"].update(
        {
            "settle_lag_seconds": 100_000,
            "drift_policy": "evolv",
            "page_size": 500,
            "base_url": "api.hubapi.com",
        }
    )
    minimal["connections"]["Sales"] = {"kind": "salesforse"}
    minimal["connections"]["dyn"] = {"kind": "dynamics", "objects": [], "auth": {"flow": "password"}}
    assert sorted(_lines(problems_of(minimal))) == sorted(
        [
            "version: expected 1",
            "scheduler.executor: expected 'local' or 'celery'; did you mean 'celery'?",
            "connections.hubspot_main.settle_lag_seconds: must be at most 86400",
            "connections.hubspot_main.page_size: HubSpot accepts page sizes from 1 to 100",
            "connections.hubspot_main.drift_policy: expected 'evolve', 'freeze' or 'discard'; "
            "did you mean 'evolve'?",
            "connections.hubspot_main.base_url: expected an http(s) URL such as https://api.example.com",
            "connections.Sales: invalid name: connection names must match ^[a-z][a-z0-9_]{0,62}$: lower-case "
            "letters, digits and '_', starting with a letter, at most 63 characters",
            "connections.Sales: unknown kind 'salesforse'; "
            "expected one of 'salesforce', 'hubspot', 'dynamics', "
            "'marketo'; did you mean 'salesforce'?",
            "connections.dyn.objects: list at least one object, e.g. [contacts, companies]",
            "connections.dyn.base_url: required key is missing",
            "connections.dyn.auth.flow: expected 'client_credentials'",
            "connections.dyn.auth.tenant_id: required key is missing",
            "connections.dyn.auth.client_id: required key is missing",
            "connections.dyn.auth.client_secret: required key is missing",
        ]
    )


def test_missing_kind_and_unknown_flow(minimal: dict[str, Any], problems_of: Problems) -> None:
    minimal["connections"]["other"] = {"objects": ["x"]}
    minimal["connections"]["hubspot_main"]["auth"] = {"flow": "oauth", "token": "t"}
    assert _lines(problems_of(minimal)) == [
        "connections.hubspot_main.auth: unknown flow 'oauth'; expected one of 'private_app', 'oauth_refresh'",
        "connections.other: required key 'kind' is missing",
    ]


def test_cross_field_rules(minimal: dict[str, Any], problems_of: Problems) -> None:
    hubspot = minimal["connections"]["hubspot_main"]
    hubspot["mapping"] = {"contcts": {"fields": {"hs_x": "custom.x"}}}
    hubspot["writeback"] = {"enabled": True}
    assert _lines(problems_of(minimal)) == [
        "connections.hubspot_main.writeback.fields: write-back is enabled but lists no fields",
    ]
    hubspot["writeback"] = {"enabled": True, "fields": {"lead_score": "crmhub_lead_score"}}
    assert _lines(problems_of(minimal)) == [
        "connections.hubspot_main.mapping.contcts: not one of this connection's objects; "
        "did you mean 'contacts'?",
    ]


def test_mapping_override_shapes(minimal: dict[str, Any], problems_of: Problems) -> None:
    minimal["connections"]["hubspot_main"]["mapping"] = {
        "contacts": {
            "fields": {"email": "Email Address", "a": "custom.a"},
            "exclude": ["a", "b", "b"],
            "transforms": {"phone": "Phone-E164"},
        },
    }
    assert _lines(problems_of(minimal)) == [
        "connections.hubspot_main.mapping.contacts.fields.email: "
        "expected a canonical field name (e.g. 'email') "
        "or 'custom.<name>' for a custom field",
        "connections.hubspot_main.mapping.contacts.transforms.phone: expected a lower-case name of letters, "
        "digits and '_', starting with a letter",
    ]
    minimal["connections"]["hubspot_main"]["mapping"]["contacts"]["fields"]["email"] = "email"
    minimal["connections"]["hubspot_main"]["mapping"]["contacts"]["transforms"]["phone"] = "phone_e164"
    assert _lines(problems_of(minimal)) == [
        "connections.hubspot_main.mapping.contacts.exclude[0]: 'a' is both mapped (in fields) and excluded",
        "connections.hubspot_main.mapping.contacts.exclude[2]: 'b' is listed twice",
    ]


def test_jwt_bearer_needs_exactly_one_key(minimal: dict[str, Any], problems_of: Problems) -> None:
    minimal["connections"]["sf"] = {
        "kind": "salesforce",
        "objects": ["Lead"],
        "api_version": "v62",
        "auth": {"flow": "jwt_bearer", "client_id": "c", "username": "u"},
    }
    assert _lines(problems_of(minimal)) == [
        "connections.sf.auth: set exactly one of private_key_file or private_key",
        'connections.sf.api_version: expected a version such as "62.0"',
    ]


def test_identity_and_scoring_shapes(minimal: dict[str, Any], problems_of: Problems) -> None:
    minimal["identity"] = {"source_priority": {"email": "hubspot_main"}, "match_threshold": 1.5}
    minimal["scoring"] = {"grades": {"hot": 70, "warm": 70, "Cold": 10, "cool": 101}}
    assert _lines(problems_of(minimal)) == [
        "identity.source_priority.email: expected a list, got a string",
        "identity.match_threshold: must be at most 1",
        "scoring.grades.Cold: invalid name: "
        "expected a lower-case name of letters, digits and '_', starting with "
        "a letter",
        "scoring.grades.cool: must be at most 100",
    ]
    minimal["identity"] = {"source_priority": {"email": ["hubspot_main", "hubspot_main"]}}
    minimal["scoring"] = {"grades": {"hot": 70, "warm": 70}}
    assert _lines(problems_of(minimal)) == [
        "identity.source_priority.email[1]: 'hubspot_main' is already listed earlier",
        "scoring.grades.warm: same threshold as 'hot'; each grade needs its own",
    ]


def test_config_error_prints_one_problem_per_line() -> None:
    with pytest.raises(ConfigFileError) as caught:
        parse_config("version: 1\nstore: {url: 'mysql://x'}\nconnections: {a: {kind: hubspot}}\n", env={})
    error = caught.value
    assert str(error).splitlines() == [str(problem) for problem in error.problems]
    assert str(error).splitlines() == [
        "store.url: expected sqlite:///path/to/file.db or postgresql://user@host:5432/database",
        "connections.a.objects: required key is missing",
        "connections.a.auth: required key is missing",
    ]
    assert error.source == "crmhub.yaml"


def test_config_error_survives_pickling() -> None:
    error = ConfigFileError(
        [ConfigProblem("version", "expected 1"), ConfigProblem("", "whole file")], source="x.yaml"
    )
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.problems, copy.source, str(copy)) == (
        error.problems,
        "x.yaml",
        "version: expected 1\nwhole file",
    )


def test_connection_lookup_names_the_known_ones(minimal: dict[str, Any], env: dict[str, str]) -> None:
    config = parse_config(yaml.safe_dump(minimal), env=env)
    with pytest.raises(ConfigFileError) as caught:
        config.connection("hubspot")
    assert str(caught.value) == (
        "connections: no connection named 'hubspot' (known: hubspot_main); did you mean 'hubspot_main'?"
    )
    with pytest.raises(ConfigFileError) as caught:
        config.effective_schedule("hubspot_main", "contact")
    assert str(caught.value) == (
        "connections.hubspot_main.objects: connection 'hubspot_main' has no object 'contact'; "
        "did you mean 'contacts'?"
    )


def test_a_raw_objects_settings_are_checked_where_written(minimal: dict[str, Any], problems_of: Problems) -> None:
    minimal["connections"]["hubspot_main"]["objects"] = {
        "contacts": None,
        "2-1234567": {"fields": ["name", "tier", "name"], "types": {"score": "decimal", "region": "text"},
                      "model": "channel_partner"},
    }
    assert _lines(problems_of(minimal)) == [
        "connections.hubspot_main.objects.2-1234567.types.score: expected 'string', 'text', 'integer', "
        "'number', 'boolean', 'date' or 'datetime'",
        "connections.hubspot_main.objects.2-1234567.model: expected an object model code in UPPER_SNAKE case, e.g. "
        "TRAINING_PROGRAM (upper-case letters, digits and single '_' between words, starting with a letter)",
    ]
    minimal["connections"]["hubspot_main"]["objects"]["2-1234567"] = {
        "fields": ["name", "tier", "name"], "types": {"region": "text"}, "model": "CHANNEL_PARTNER"}
    assert _lines(problems_of(minimal)) == [
        "connections.hubspot_main.objects.2-1234567.fields[2]: 'name' is listed twice",
        "connections.hubspot_main.objects.2-1234567.types.region: 'region' is typed but not in fields, so it is "
        "never read",
    ]


def test_a_raw_objects_settings_parse(minimal: dict[str, Any], env: dict[str, str]) -> None:
    minimal["connections"]["hubspot_main"]["objects"] = {
        "2-1234567": {"fields": ["name", "tier"], "types": {"tier": "string"}, "model": "CHANNEL_PARTNER"}}
    settings = parse_config(yaml.safe_dump(minimal), env=env).connection("hubspot_main").objects["2-1234567"]
    assert (settings.fields, settings.types, settings.model) == (["name", "tier"], {"tier": "string"},
                                                                 "CHANNEL_PARTNER")
