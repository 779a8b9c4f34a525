"""``${NAME}`` references: resolved before validation, missing ones reported by path, ``$${`` escapes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml

from config import ConfigProblem, parse_config

Problems = Callable[..., list[ConfigProblem]]


def test_missing_variable_is_a_problem_at_its_key_path(
    minimal: dict[str, Any], problems_of: Problems
) -> None:
    assert [str(p) for p in problems_of(minimal, env={})] == [
        "connections.hubspot_main.auth.token: environment variable HUBSPOT_TOKEN is not set"
    ]


def test_every_missing_variable_is_reported_with_other_problems(
    minimal: dict[str, Any], problems_of: Problems
) -> None:
    minimal["store"] = {"url": "postgresql://crmhub:${PGPASSWORD}@127.0.0.1:5432/crmhub"}
    minimal["connections"]["hubspot_main"]["objects"] = ["${FIRST_OBJECT}", "deals"]
    minimal["connections"]["hubspot_main"]["page_size"] = 0
    assert [str(p) for p in problems_of(minimal, env={})] == [
        "connections.hubspot_main.auth.token: environment variable HUBSPOT_TOKEN is not set",
        "connections.hubspot_main.objects[0]: environment variable FIRST_OBJECT is not set",
        "store.url: environment variable PGPASSWORD is not set",
        "connections.hubspot_main.page_size: must be greater than 0",
    ]


def test_references_are_replaced_anywhere_in_a_string(minimal: dict[str, Any]) -> None:
    minimal["store"] = {"url": "postgresql://crmhub:${PGPASSWORD}@${PGHOST}:5432/crmhub"}
    minimal["connections"]["hubspot_main"]["settle_lag_seconds"] = "${LAG}"
    env = {"HUBSPOT_TOKEN": "pat-1", "PGPASSWORD": "pw", "PGHOST": "127.0.0.1", "LAG": "30"}
    config = parse_config(yaml.safe_dump(minimal), env=env)
    assert config.store.url == "postgresql://crmhub:pw@127.0.0.1:5432/crmhub"
    assert config.connection("hubspot_main").settle_lag_seconds == 30


def test_double_dollar_escapes_a_reference(minimal: dict[str, Any]) -> None:
    minimal["connections"]["hubspot_main"]["auth"]["token"] = "pat-$${NOT_A_VAR}-${HUBSPOT_TOKEN}"
    config = parse_config(yaml.safe_dump(minimal), env={"HUBSPOT_TOKEN": "x", "NOT_A_VAR": "wrong"})
    assert config.connection("hubspot_main").auth.token.get_secret_value() == "pat-${NOT_A_VAR}-x"


def test_malformed_reference_is_a_problem(minimal: dict[str, Any], problems_of: Problems) -> None:
    minimal["connections"]["hubspot_main"]["auth"]["token"] = "${HUBSPOT-TOKEN}"
    assert [str(p) for p in problems_of(minimal)] == [
        "connections.hubspot_main.auth.token: malformed ${...} reference; write ${NAME} with letters, digits "
        "and '_' (or $${ for a literal ${)"
    ]


def test_environment_defaults_to_os_environ(minimal: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUBSPOT_TOKEN", "from-os-environ")
    config = parse_config(yaml.safe_dump(minimal))
    assert config.connection("hubspot_main").auth.token.get_secret_value() == "from-os-environ"


def test_keys_and_non_strings_are_left_alone(minimal: dict[str, Any], env: dict[str, str]) -> None:
    minimal["connections"]["hubspot_main"]["objects"] = {"${NOT_RESOLVED}": {"enabled": False}, "deals": None}
    config = parse_config(yaml.safe_dump(minimal), env=env)
    objects = config.connection("hubspot_main").objects
    assert list(objects) == ["${NOT_RESOLVED}", "deals"]
    assert objects["deals"].enabled is True
