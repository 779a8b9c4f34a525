"""connectors/tuning.py: builder options are a typed Tuning; a misspelt flat key is an error, not a default."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest

from config import parse_config
from connectors.errors import ConfigError
from connectors.registry import build_connector
from connectors.salesforce.connector import SalesforceConnector
from connectors.tuning import RetryTuning, Tuning, tuning_of

SALESFORCE = """
version: 1
connections:
  sf:
    kind: salesforce
    instance_url: https://example.my.salesforce.com
    login_url: https://login.example.com
    auth: {flow: client_credentials, client_id: cid, client_secret: "${SF_SECRET}"}
    objects: {Account: {}}
"""


def test_flat_keys_land_in_their_parts_with_their_types() -> None:
    tuning = Tuning.from_mapping({"reconcile_hours": 0, "max_attempts": "3", "base_wait": "0.05",
                                  "page_size": "200", "batch_size": 10, "bulk": "never", "search_per_second": 2})
    assert tuning.reconcile_hours == 0.0
    assert tuning.retry == RetryTuning(max_attempts=3, base_wait=0.05)
    assert tuning.retry.given() == {"max_attempts": 3, "base_wait": 0.05}
    assert tuning.salesforce.page_size == 200
    assert tuning.dynamics.batch_size == 10
    assert tuning.marketo.bulk == "never"
    assert tuning.hubspot.search_per_second == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        tuning.reconcile_hours = 1  # type: ignore[misc]


def test_a_misspelt_key_is_refused_with_the_closest_name() -> None:
    with pytest.raises(ConfigError, match="unknown connector option 'reconcile_hour'; did you mean 'reconcile_hours'"):
        Tuning.from_mapping({"reconcile_hour": 0})


@pytest.mark.parametrize(("options", "expected"), [
    ({"max_attempts": "three"}, "connector option 'max_attempts' must be int, got 'three'"),
    ({"pause_s": True}, "connector option 'pause_s' must be float, got bool"),
    ({"page_size": [200]}, "connector option 'page_size' must be int, got list"),
])
def test_a_value_of_the_wrong_type_is_refused(options: dict[str, Any], expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        Tuning.from_mapping(options)


def test_every_flat_key_names_one_field() -> None:
    parts = [RetryTuning, *(type(getattr(Tuning(), p)) for p in ("salesforce", "hubspot", "dynamics", "marketo"))]
    names = ["token_cache", "reconcile_hours", *(f.name for part in parts for f in dataclasses.fields(part))]
    assert len(names) == len(set(names))


def test_tuning_of_passes_a_tuning_through_and_converts_a_mapping() -> None:
    tuning = Tuning(reconcile_hours=2)
    assert tuning_of(tuning) is tuning
    assert tuning_of(None) == Tuning()
    assert tuning_of({"reconcile_hours": 2}) == tuning


def test_build_connector_refuses_an_unknown_option_and_applies_a_known_one() -> None:
    cfg = parse_config(SALESFORCE, env={"SF_SECRET": "s3cret"})
    with pytest.raises(ConfigError, match="unknown connector option 'pagesize'; did you mean 'page_size'"):
        build_connector("sf", cfg.connection("sf"), settle_lag=timedelta(seconds=1), options={"pagesize": 10})
    connector = build_connector("sf", cfg.connection("sf"), settle_lag=timedelta(seconds=1),
                                options={"page_size": 10, "reconcile_hours": 0, "max_attempts": 2})
    assert isinstance(connector, SalesforceConnector)
    try:
        settings = connector._reader.settings
        assert (settings.page_size, settings.reconcile_every, settings.url_limit) == (10, timedelta(0), 16_384)
        assert connector.client._retry.max_attempts == 2
    finally:
        connector.close()
