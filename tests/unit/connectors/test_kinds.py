"""connectors/kinds.py: one descriptor per CRM; every list of kinds derives from it, and a fifth kind is one line."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest

from config import CONNECTION_KINDS, ConfigFileError, parse_config
from config.models import ObjectSettings
from config.models.connection import CONNECTION_MODELS, connection_union
from config.models.hubspot import HubSpotConnection
from connectors.base import Cursor
from connectors.kinds import KINDS, Kind, connection_models, kind_named
from connectors.registry import build_connector
from errors import ConfigError
from hub.demo_crms import CRMS, demos_for
from mapping.fieldtable import markdown
from mapping.spec import load_spec, parse_object
from sync.writeback.service import Target, ensure_target_fields
from tests.contract.crms import CRMS as CONTRACT_CRMS
from tests.contract.crms import crm_names
from tests.unit.connectors.memory_crm import MEMORY, MemoryConnection, MemoryConnector

FIFTH = (*KINDS, MEMORY)  # registering a new CRM: this one line

MEMORY_YAML = """
version: 1
connections:
  mem:
    kind: memory
    objects: [people]
    people:
      - {id: "p1", email: "ada@example.com", updated: "2024-05-01T00:00:00Z"}
"""


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_every_shipped_kind_is_registered_everywhere(kind: Kind) -> None:
    k = kind_named(kind.name)
    assert k.name in CONNECTION_KINDS
    assert k.name in CONTRACT_CRMS and importlib.import_module(f"tests.contract.crms.{k.name}")
    assert k.name in [demo.sandbox for demo in CRMS]
    assert f"| {k.label} |" in markdown().splitlines()[0]
    assert "{field}" in k.writeback_hint  # Marketo has one object that takes custom fields: the lead
    # Every object the shipped mapping names is one the connector can read.
    assert set(load_spec(k.name)) <= {spec.name for spec in k.objects}


def test_config_and_the_descriptors_name_the_same_kinds_in_the_same_order() -> None:
    assert connection_models() == CONNECTION_MODELS
    assert tuple(k.name for k in KINDS) == CONNECTION_KINDS
    assert crm_names(KINDS) == list(CONNECTION_KINDS)


def test_a_half_registered_kind_fails() -> None:
    # A kind without a demo part: the demo's coverage check names it.
    with pytest.raises(ValueError, match=r"missing \['memory'\]"):
        demos_for(FIFTH, CRMS)
    # A demo part for a kind nobody registered.
    with pytest.raises(ValueError, match=r"unknown \['hubspot'\]"):
        demos_for([k for k in KINDS if k.name != "hubspot"], CRMS)
    # Two models claiming one kind cannot make a union.
    with pytest.raises(TypeError, match="distinct kinds"):
        connection_union((*CONNECTION_MODELS, HubSpotConnection))
    # Not registered: config refuses the kind, the registry has no builder.
    with pytest.raises(ConfigFileError, match="unknown kind 'memory'"):
        parse_config(MEMORY_YAML, env={})
    with pytest.raises(ConfigError, match="no connector is available for kind 'memory'"):
        conn = MemoryConnection(kind="memory", objects={"people": ObjectSettings()})
        build_connector("mem", conn, settle_lag=timedelta(0))


def test_a_fifth_kind_is_picked_up_by_config_registry_field_table_and_contract_list() -> None:
    cfg = parse_config(MEMORY_YAML, env={}, models=connection_models(FIFTH))
    conn = cfg.connection("mem")
    assert isinstance(conn, MemoryConnection) and conn.people[0]["email"] == "ada@example.com"

    connector = build_connector("mem", conn, settle_lag=timedelta(0), kinds=FIFTH)
    assert isinstance(connector, MemoryConnector)
    batch = next(iter(connector.read_changes(connector.objects[0], Cursor(), fields=["id", "email"])))
    assert [r["id"] for r in batch.upserts] == ["p1"]

    spec = {"people": parse_object("people", {"entity": "contact", "fields": {"email": "email"}}, where="t")}
    table = markdown({**{k.name: load_spec(k.name) for k in KINDS}, "memory": spec}, connection_models(FIFTH))
    assert table.splitlines()[0].endswith("| Marketo | Memory CRM |")
    assert "| contact | email | string | `Email` | `email` | `emailaddress1` |  | `email` |" in table

    assert crm_names(FIFTH)[-1] == "memory"
    assert kind_named("memory", FIFTH).label == "Memory CRM"


def test_the_write_back_hint_comes_from_the_descriptor() -> None:
    connector = MemoryConnector(name="sf", people=[])
    connector.kind = "salesforce"
    with pytest.raises(ConfigError, match=r"Setup → Object Manager → Lead → .*API name crm_score__c"):
        ensure_target_fields(connector, "salesforce", [Target("Lead", "lead", {"lead_score": "crm_score__c"})])


def test_a_builder_refuses_another_kinds_connection() -> None:
    conn = MemoryConnection(kind="memory", objects={"people": ObjectSettings()})
    with pytest.raises(ConfigError, match="a HubSpot connector needs a HubSpotConnection"):
        kind_named("hubspot").connector("mem", conn, settle_lag=timedelta(0))

