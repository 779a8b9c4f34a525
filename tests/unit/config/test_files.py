"""Reading the file: missing, empty, broken YAML, duplicate keys, and files the config points at."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from config import ConfigFileError, ConfigProblem, check_config, load_config, parse_config

Problems = Callable[..., list[ConfigProblem]]


def _write(path: Path, document: dict[str, Any] | str) -> Path:
    path.write_text(document if isinstance(document, str) else yaml.safe_dump(document), encoding="utf-8")
    return path


def test_missing_file_says_to_run_init(tmp_path: Path) -> None:
    path = tmp_path / "crmhub.yaml"
    with pytest.raises(ConfigFileError) as caught:
        load_config(path, env={})
    assert str(caught.value) == f"{path} not found; run `crmhub init` to write a commented example there"


def test_a_directory_is_not_a_config(tmp_path: Path) -> None:
    assert [str(p) for p in check_config(tmp_path, env={})] == [
        f"{tmp_path} is a directory, not a config file"
    ]


@pytest.mark.parametrize("text", ["", "  \n\n", "# nothing but a comment\n"])
def test_empty_file_is_a_problem(tmp_path: Path, text: str) -> None:
    assert [str(p) for p in check_config(_write(tmp_path / "c.yaml", text), env={})] == [
        "the file is empty; `crmhub init` writes a commented example to start from"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "version: 1\nconnections:\n  hs: {kind: hubspot\n  other: 1\n",
            "YAML syntax error at line 4, column 8: expected ',' or '}', but got ':' "
            "(while parsing a flow mapping)",
        ),
        (
            "version: 1\nstore:\n\turl: x\n",
            "YAML syntax error at line 3, column 1: found character '\\t' that cannot start any token "
            "(while scanning for the next token)",
        ),
        (
            "version: 1\nstore:\n  url: sqlite:///a.db\n url: x\n",
            "YAML syntax error at line 4, column 2: expected <block end>, but found '<block mapping start>' "
            "(while parsing a block mapping)",
        ),
    ],
)
def test_yaml_syntax_error_names_line_and_column(problems_of: Problems, text: str, expected: str) -> None:
    assert [str(p) for p in problems_of(text)] == [expected]


def test_yaml_syntax_error_does_not_quote_the_line(problems_of: Problems) -> None:
    text = "version: 1\nconnections:\n  hs:\n    auth: {token: pat-na1-abcdef-secret: oops}\n"
    (problem,) = problems_of(text)
    assert problem.message.startswith("YAML syntax error at line 4")
    assert "pat-na1-abcdef-secret" not in str(problem)


def test_top_level_must_be_a_mapping(problems_of: Problems) -> None:
    assert [str(p) for p in problems_of("- version: 1\n")] == [
        "the file must be a mapping at the top level (version, store, connections, ...)"
    ]


def test_duplicate_keys_are_problems(problems_of: Problems, minimal: dict[str, Any]) -> None:
    text = yaml.safe_dump(minimal, sort_keys=False) + "version: 1\n"
    text = text.replace(
        "  hubspot_main:\n", "  hubspot_main:\n    settle_lag_seconds: 1\n    settle_lag_seconds: 2\n"
    )
    assert [str(p) for p in problems_of(text)] == [
        "connections.hubspot_main.settle_lag_seconds: duplicate key at line 5 (first at line 4); "
        "the last one would win",
        "version: duplicate key at line 13 (first at line 1); the last one would win",
    ]


def test_ca_bundle_must_exist(problems_of: Problems, minimal: dict[str, Any]) -> None:
    minimal["connections"]["hubspot_main"]["ca_bundle"] = "/nonexistent/ca.pem"
    assert [str(p) for p in problems_of(minimal)] == [
        "connections.hubspot_main.ca_bundle: file not found: /nonexistent/ca.pem"
    ]


def test_ca_bundle_is_resolved_next_to_the_config_file(
    tmp_path: Path, minimal: dict[str, Any], env: dict[str, str]
) -> None:
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs" / "sandbox-ca.pem").write_text("-----BEGIN CERTIFICATE-----\n")
    minimal["connections"]["hubspot_main"]["ca_bundle"] = "certs/sandbox-ca.pem"
    config = load_config(_write(tmp_path / "crmhub.yaml", minimal), env=env)
    assert config.connection("hubspot_main").ca_bundle == (tmp_path / "certs" / "sandbox-ca.pem").resolve()
    # The same relative path from another folder's config does not exist.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert [p.path for p in check_config(_write(elsewhere / "crmhub.yaml", minimal), env=env)] == [
        "connections.hubspot_main.ca_bundle"
    ]


def test_check_config_is_empty_for_a_good_file(
    tmp_path: Path, minimal: dict[str, Any], env: dict[str, str]
) -> None:
    assert check_config(_write(tmp_path / "crmhub.yaml", minimal), env=env) == []


def test_load_config_names_the_file_as_source(tmp_path: Path) -> None:
    path = _write(tmp_path / "crmhub.yaml", "version: 3\n")
    with pytest.raises(ConfigFileError) as caught:
        load_config(path, env={})
    assert caught.value.source == str(path)
    assert [str(p) for p in caught.value.problems] == ["version: expected 1"]


def test_parse_config_accepts_a_document_without_connections() -> None:
    config = parse_config("version: 1\n", env={})
    assert config.connections == {}
    assert config.scoring.grades == {"hot": 70, "warm": 40}
    assert config.identity.match_threshold == 0.9
    assert config.scheduler.executor == "local"
