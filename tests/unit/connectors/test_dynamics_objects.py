"""Which names a Dynamics connection may list as objects: the fixed tables, and custom tables by logical name (a
publisher prefix, ``_``, a name), whose spec needs no call. Anything else stays unknown, for the runner to name."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import parse_config
from config.models import DynamicsConnection
from connectors.base import spec_named
from connectors.dynamics.config import object_specs
from connectors.dynamics.objects import OBJECTS, DynamicsOptions, is_custom_table
from connectors.errors import ConfigError


def connection(tmp_path: Path, objects: str, mapping: str = "") -> DynamicsConnection:
    ca = tmp_path / "ca.pem"
    ca.write_text("")
    text = (f"version: 1\nconnections:\n  dyn:\n    kind: dynamics\n    base_url: https://org.example\n"
            f"    ca_bundle: {ca}\n    auth: {{flow: client_credentials, tenant_id: t, client_id: c, "
            f"client_secret: s}}\n    objects: [{objects}]\n{mapping}")
    conn = parse_config(text).connection("dyn")
    assert isinstance(conn, DynamicsConnection)
    return conn


@pytest.mark.parametrize(("name", "custom"), [
    ("new_qbr", True), ("crmhub_customerhealth", True), ("cr6a1_training_session", True), ("accounts", False),
    ("new", False), ("New_QBR", False), ("_qbr", False), ("toolongprefix_x", False),
])
def test_custom_table_names_are_logical_names_with_a_publisher_prefix(name: str, custom: bool) -> None:
    assert is_custom_table(name) is custom


def test_a_configured_custom_table_gets_a_spec_with_its_mapping_entity(tmp_path: Path) -> None:
    mapping = ("    mapping:\n      new_qbr:\n        entity: qbr\n        fields: {outcome: new_outcome}\n")
    conn = connection(tmp_path, "contacts, new_qbr, new_customerhealth", mapping)
    specs = object_specs(conn)
    assert specs[: len(OBJECTS)] == OBJECTS
    qbr = spec_named(specs, "new_qbr", connection="dyn")
    assert (qbr.entity, qbr.primary_key, qbr.cursor_field) == ("qbr", "new_qbrid", "modifiedon")
    assert qbr.options == DynamicsOptions("new_qbr", custom=True)
    assert spec_named(specs, "new_customerhealth", connection="dyn").entity == ""  # not mapped (yet)


def test_a_name_that_is_no_table_stays_a_clear_error(tmp_path: Path) -> None:
    specs = object_specs(connection(tmp_path, "contcts"))
    with pytest.raises(ConfigError, match="'contcts' is not supported; did you mean 'contacts'"):
        spec_named(specs, "contcts", connection="dyn")


def test_tables_without_modifiedon_have_no_cursor_field() -> None:
    listed = {s.name for s in OBJECTS if s.cursor_field is None}
    assert listed == {"opportunitycompetitorscollection", "processstages"}
