"""The HubSpot connector on issue 17's objects against the sandbox: custom objects found (or refused) through the
schemas API, a custom object an admin creates mid-way, pipeline stages deleted in HubSpot, a deal's contact roles
relabelled and its deal deleted, and quotas referring to owners through their HubSpot user."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, select

from connectors.errors import ConfigError
from hub.demos.hubspot import CUSTOM_MAPPINGS
from mapping.canonical_ids import canonical_id
from quality.checker import QualityChecker
from store.tables import opportunity_contact_role, quota, source_link
from tests.contract.crms.hubspot import TOKEN, hubspot_block, start
from tests.contract.harness import Harness
from tests.support.truth import assert_matches_truth


@pytest.fixture(scope="module")
def hs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    sb, harness = start(Path(tmp_path_factory.mktemp("hs-more")), 300)
    try:
        yield harness
    finally:
        sb.stop()


def api(hs: Harness) -> httpx.Client:
    return httpx.Client(base_url=hs.info.https_url, verify=hs.info.ca_path, timeout=60,
                        headers={"Authorization": f"Bearer {TOKEN}"})


def with_objects(hs: Harness, *objects: str) -> Harness:
    mapping = {obj: body for obj, body in CUSTOM_MAPPINGS.items() if obj in objects}
    return replace(hs, block=partial(hubspot_block, objects=objects, mapping=mapping), objects=objects)


def test_a_custom_object_the_portal_lacks_is_a_config_error_naming_it(hs: Harness) -> None:
    connector = with_objects(hs, "contacts", "p_channel_partners").connector()
    with pytest.raises(ConfigError) as err:
        connector.check()
    text = str(err.value)
    assert "p_channel_partners" in text and "p_channel_partner (2-" in text and hs.connection in text


def test_discover_lists_custom_objects_configured_or_not(hs: Harness) -> None:
    connector = with_objects(hs, "contacts", "p_channel_partner").connector()
    connector.check()
    schemas = {s.name: s for s in connector.discover()}
    assert schemas["p_channel_partner"].custom and not schemas["contacts"].custom
    assert {"partner_name", "partner_tier", "hs_lastmodifieddate"} <= schemas["p_channel_partner"].field_names()
    assert schemas["p_partner_deal"].custom  # not configured: listed under its short name, for a person to map
    with api(hs) as client:
        made = client.post("/crm/v3/schemas", json={
            "name": "qbr", "labels": {"singular": "QBR", "plural": "QBRs"}, "requiredProperties": ["title"],
            "properties": [{"name": "title", "label": "Title"}], "associatedObjects": ["COMPANY"]})
        assert made.status_code == 201, made.text
    later = {s.name: s for s in connector.discover()}  # discover asks again: what an admin just made shows
    assert later["p_qbr"].custom and "title" in later["p_qbr"].field_names()


def test_a_deleted_pipeline_stage_is_tombstoned_by_the_listing(hs: Harness, sqlite_db: Engine,
                                                               checker: QualityChecker) -> None:
    connector = hs.connector()
    with api(hs) as client:
        stage = client.post("/crm/v3/pipelines/deals/default/stages", json={
            "label": "Security review", "metadata": {"isClosed": "false", "probability": "0.85"}}).json()
        first = hs.sync(sqlite_db, connector, "deal_stages", checker)
        assert first.status == "succeeded" and first.counts.upserted == 8, first.as_dict()
        assert client.delete(f"/crm/v3/pipelines/deals/default/stages/{stage['id']}").status_code == 204
    again = hs.sync(sqlite_db, connector, "deal_stages", checker)
    assert again.status == "succeeded" and again.counts.deleted == 1 and again.counts.upserted == 0, again.as_dict()
    assert_matches_truth(hs, sqlite_db, "deal_stages")


def test_contact_roles_follow_relabels_and_go_with_their_deal(hs: Harness, sqlite_db: Engine,
                                                              checker: QualityChecker) -> None:
    connector = hs.connector()
    for obj in ("deals", "deal_contact_roles"):
        assert hs.sync(sqlite_db, connector, obj, checker).status == "succeeded"
    pairs = hs.ordered(hs.truth_ids("deal_contact_roles"))
    relabelled, doomed = pairs[0], next(p for p in pairs if p.split("_")[0] != pairs[0].split("_")[0])
    deal, contact = relabelled.split("_")
    hs.admin.put(f"/_admin/associations/deals/{deal}/contacts/{contact}", {"labels": ["Economic buyer"]})
    hs.admin.delete(f"/_admin/records/deals/{doomed.split('_')[0]}")
    time.sleep(hs.settle_lag + 0.5)
    for obj in ("deals", "deal_contact_roles"):  # the deal's delete cascades to its roles
        assert hs.sync(sqlite_db, connector, obj, checker).status == "succeeded"
    with sqlite_db.connect() as conn:
        role = conn.execute(select(opportunity_contact_role.c.role).where(
            opportunity_contact_role.c.source_id == relabelled)).scalar_one()
        gone = conn.execute(select(source_link.c.is_deleted).where(
            source_link.c.object == "deal_contact_roles", source_link.c.source_id == doomed)).scalar_one()
    assert role == "Economic buyer" and gone
    assert_matches_truth(hs, sqlite_db, "deal_contact_roles")


def test_quotas_refer_to_the_owner_of_their_hubspot_user(hs: Harness, sqlite_db: Engine,
                                                         checker: QualityChecker) -> None:
    connector = hs.connector()
    summary = hs.sync(sqlite_db, connector, "goal_targets", checker)
    assert summary.status == "succeeded" and summary.counts.quarantined == 0, summary.as_dict()
    owners = hs.admin.get("/_admin/truth/owners", ids="true")["ids"] + hs.admin.get(
        "/_admin/truth/owners", ids="true")["deleted_ids"]
    valid = {canonical_id(hs.connection, "owners", str(o)) for o in owners}
    with sqlite_db.connect() as conn:
        refs = {r.owner_id for r in conn.execute(select(quota.c.owner_id))}
    assert refs and refs <= valid
