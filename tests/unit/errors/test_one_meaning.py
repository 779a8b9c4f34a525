"""errors: one class per meaning. A bad config file and a bad setting found later are both a ConfigError."""

from __future__ import annotations

import pytest
import typer

import connectors.errors
import errors
from config import ConfigFileError, ConfigProblem, parse_config
from hub import exitcodes
from hub.context import failures
from hub.output import Output


def test_connectors_errors_reexports_the_base_classes_not_copies() -> None:
    for name in errors.__all__:
        assert getattr(connectors.errors, name) is getattr(errors, name), name


def test_a_config_file_problem_is_a_config_error() -> None:
    with pytest.raises(errors.ConfigError) as info:
        parse_config("version: 2\n")
    assert isinstance(info.value, ConfigFileError)
    assert isinstance(info.value, errors.CrmhubError)
    assert "version" in str(info.value)


def test_config_file_error_as_dict_carries_every_problem() -> None:
    error = ConfigFileError([ConfigProblem("version", "expected 1"), ConfigProblem("", "whole file")])
    assert error.as_dict()["type"] == "ConfigFileError"
    assert error.as_dict()["message"] == "version: expected 1\nwhole file"
    assert error.retryable is False


@pytest.mark.parametrize("error", [
    ConfigFileError([ConfigProblem("store.url", "expected sqlite:///…")]),
    errors.ConfigError("connection hs: the mapping names no field 'x'"),
])
def test_the_cli_maps_both_kinds_to_the_config_exit_code(error: Exception) -> None:
    with pytest.raises(typer.Exit) as info, failures(Output(as_json=False)):
        raise error
    assert info.value.exit_code == exitcodes.CONFIG
