"""Fixtures for the config tests: a minimal valid document to vary, and a way to collect problems."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

import pytest
import yaml

from config import ConfigFileError, ConfigProblem, parse_config

MINIMAL: dict[str, Any] = {
    "version": 1,
    "connections": {
        "hubspot_main": {
            "kind": "hubspot",
            "auth": {"flow": "private_app", "token": "${HUBSPOT_TOKEN}"},
            "objects": ["contacts", "companies"],
        }
    },
}
ENV = {"HUBSPOT_TOKEN": "pat-na1-0000"}


@pytest.fixture
def minimal() -> dict[str, Any]:
    """A fresh copy of a small valid document (one HubSpot connection, token from ${HUBSPOT_TOKEN})."""
    return copy.deepcopy(MINIMAL)


@pytest.fixture
def env() -> dict[str, str]:
    return dict(ENV)


@pytest.fixture
def problems_of() -> Callable[..., list[ConfigProblem]]:
    """Parse a document (dict or text) that must fail; return its problems."""

    def run(
        document: Mapping[str, Any] | str, *, env: Mapping[str, str] | None = None
    ) -> list[ConfigProblem]:
        text = document if isinstance(document, str) else yaml.safe_dump(dict(document), sort_keys=False)
        with pytest.raises(ConfigFileError) as caught:
            parse_config(text, env=ENV if env is None else env)
        return caught.value.problems

    return run
