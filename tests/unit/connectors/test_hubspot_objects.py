"""HubSpot's object table: custom objects by the names HubSpot's API takes, their specs from the connection, and a
name that is neither a standard object nor a custom one refused before any call."""

from __future__ import annotations

from datetime import timedelta

import pytest

from config import HubSpotConnection, parse_config
from connectors.base import options_of, spec_named
from connectors.errors import ConfigError
from connectors.hubspot.config import object_specs
from connectors.hubspot.objects import OBJECTS, HubSpotOptions, is_custom_object
from connectors.hubspot.users import UserOwners
from connectors.registry import build_connector


def _connection(objects: str, mapping: str = "") -> HubSpotConnection:
    cfg = parse_config("version: 1\nconnections:\n  hs:\n    kind: hubspot\n    base_url: https://hs.invalid\n"
                       f"    auth: {{flow: private_app, token: pat-na1-0}}\n    objects: [{objects}]\n{mapping}")
    conn = cfg.connection("hs")
    assert isinstance(conn, HubSpotConnection)
    return conn


@pytest.mark.parametrize("name", ["2-4815162", "p24681357_channel_partner", "p_channel_partner", "p_Partner_2"])
def test_custom_object_names_hubspot_takes(name: str) -> None:
    assert is_custom_object(name)


@pytest.mark.parametrize("name", ["channel_partner", "contacts", "2-", "p_", "p__x", "0-1", "p1-thing"])
def test_names_that_are_no_custom_object(name: str) -> None:
    assert not is_custom_object(name)


def test_a_configured_custom_object_gets_a_spec_and_its_mapped_entity() -> None:
    mapping = "    mapping:\n      p_channel_partner: {entity: channel_partner, fields: {name: partner_name}}\n"
    specs = object_specs(_connection("contacts, p_channel_partner, 2-99", mapping))
    assert specs[:len(OBJECTS)] == OBJECTS
    partner = spec_named(specs, "p_channel_partner", connection="hs")
    assert partner.entity == "channel_partner" and partner.cursor_field == "hs_lastmodifieddate"
    assert options_of(partner, HubSpotOptions).custom and options_of(partner, HubSpotOptions).api == "objects"
    assert spec_named(specs, "2-99", connection="hs").entity == ""  # not mapped yet: the sync asks for a mapping


def test_an_unknown_object_name_is_a_clear_config_error_before_any_call() -> None:
    conn = _connection("contacts, contatcs")
    connector = build_connector("hs", conn, settle_lag=timedelta(0))
    with pytest.raises(ConfigError) as err:
        spec_named(connector.objects, "contatcs", connection="hs")
    assert "contatcs" in str(err.value) and "contacts" in str(err.value)


class _Owners:
    connection = "hs"

    def __init__(self) -> None:
        self.calls = 0

    def owners_page(self, *, after: str | None, archived: bool, limit: int = 500) -> dict[str, object]:
        self.calls += 1
        if archived:
            return {"results": [{"id": "52003", "userId": 9003}]}
        if after is None:
            return {"results": [{"id": "52001", "userId": 9001}], "paging": {"next": {"after": "p2"}}}
        return {"results": [{"id": "52002", "userId": 9002}]}


def test_user_ids_become_owner_ids_with_one_owners_listing_per_read() -> None:
    client = _Owners()
    users = UserOwners(client, ["hs_goal_name", "hs_assignee_user_id.owner_id"])
    first = [{"hs_assignee_user_id": "9002"}, {"hs_assignee_user_id": "9003"}, {"hs_assignee_user_id": "7"}]
    users.fill(first)
    users.fill([{"hs_assignee_user_id": None}])
    assert [r["hs_assignee_user_id.owner_id"] for r in first] == ["52002", "52003", None]
    assert client.calls == 3  # two pages of active owners and the deactivated ones, once
    idle = _Owners()
    UserOwners(idle, ["hs_goal_name"]).fill([{"hs_assignee_user_id": "9001"}])
    assert idle.calls == 0  # no mapping asked for an owner: no call
