"""Every connector implements the whole ``Connector`` protocol, ``read_current`` included (the write-back
engine's reconciliation calls it on any connector, with no run-time probing)."""

from __future__ import annotations

import inspect

import pytest

from connectors.base import Connector
from connectors.dynamics.connector import DynamicsConnector
from connectors.hubspot.connector import HubSpotConnector
from connectors.marketo.connector import MarketoConnector
from connectors.salesforce.connector import SalesforceConnector

CONNECTORS = [SalesforceConnector, HubSpotConnector, DynamicsConnector, MarketoConnector]


def _methods(cls: type) -> dict[str, inspect.Signature]:
    return {n: inspect.signature(m) for n, m in vars(cls).items() if callable(m) and not n.startswith("_")}


def test_read_current_is_part_of_the_protocol() -> None:
    assert list(_methods(Connector)["read_current"].parameters) == ["self", "spec", "source_ids", "fields"]


@pytest.mark.parametrize("cls", CONNECTORS, ids=lambda c: c.__name__)
def test_each_connector_has_every_protocol_method_with_its_parameters(cls: type) -> None:
    mine = _methods(cls)
    for name, wanted in _methods(Connector).items():
        assert name in mine, f"{cls.__name__} lacks {name}"
        assert list(mine[name].parameters) == list(wanted.parameters), f"{cls.__name__}.{name}"
