"""A custom object mapped in crmhub.yaml (``mapping.<object>`` naming ``entity:``) syncs like a shipped one: the
plan takes its mapping from mapping.spec.resolve, its records land in the entity's table with canonical refs,
and write-back sees it as a stream of that entity."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, select

import store
from config import CrmhubConfig, parse_config
from connectors.base import FieldInfo, ObjectSchema, ObjectSpec
from connectors.errors import ConfigError
from mapping.canonical_ids import canonical_id
from quality.checker import QualityChecker
from store.tables import channel_partner
from sync import runner
from sync.runner import plan_sync, run_plan
from sync.writeback.service import targets_of
from tests.support.fakes import FakeConnector, Page

OBJECT = "2-9001"  # a HubSpot custom object's type id
PARTNER_SPEC = ObjectSpec(name=OBJECT, entity="channel_partner", primary_key="hs_object_id",
                          cursor_field="hs_lastmodifieddate")
NATIVE = ("hs_object_id", "partner_name", "partner_tier", "hubspot_owner_id", "joined", "region",
          "hs_lastmodifieddate")
PARTNERS: dict[str, Any] = {
    "entity": "channel_partner",
    "fields": {
        "name": "partner_name",
        "tier": {"from": "partner_tier", "transform": "map", "values": {"Gold": "gold", "Silver": "silver"}},
        "owner_id": {"from": "hubspot_owner_id", "ref": "owners"},
        "joined_on": "joined",
        "updated_at": "hs_lastmodifieddate",
    },
    "custom": ["region"],
}


def _config(mapping: dict[str, Any] | None = None, **extra: Any) -> CrmhubConfig:
    hubspot: dict[str, Any] = {
        "kind": "hubspot",
        "auth": {"flow": "private_app", "token": "pat-na1-00000000-0000-0000-0000-000000000000"},
        "objects": [OBJECT],
        **extra,
    }
    if mapping is not None:
        hubspot["mapping"] = {OBJECT: mapping}
    return parse_config(yaml.safe_dump({"version": 1, "connections": {"hs": hubspot}}), env={})


@dataclass(slots=True)
class PartnerCrm(FakeConnector):
    """The fake connector serving the custom object (the CRM connectors' custom-object discovery is not this test's)."""

    def discover(self) -> Sequence[ObjectSchema]:
        return [ObjectSchema(OBJECT, tuple(FieldInfo(name, "string") for name in NATIVE))]


def _partner(pid: str, **changes: Any) -> dict[str, Any]:
    return {"hs_object_id": pid, "partner_name": f"Partner {pid}", "partner_tier": "Gold", "hubspot_owner_id": "77",
            "joined": "2024-03-01", "region": "EMEA", "hs_lastmodifieddate": "2024-04-01T10:00:00Z", **changes}


def _plan(cfg: CrmhubConfig, connector: FakeConnector, monkeypatch: pytest.MonkeyPatch) -> runner.SyncPlan:
    monkeypatch.setattr(runner, "build_connector", lambda *_args, **_kwargs: connector)
    return plan_sync(cfg)


def test_a_custom_object_mapped_in_config_lands_in_its_entity_table(
    engine: Engine, checker: QualityChecker, monkeypatch: pytest.MonkeyPatch
) -> None:
    connector = PartnerCrm([Page(upserts=[_partner("1"), _partner("2", partner_tier="Silver")])], name="hs",
                           objects=(PARTNER_SPEC,))
    plan = _plan(_config(PARTNERS), connector, monkeypatch)
    [stream] = plan.streams
    assert (stream.spec.name, stream.mapping.entity) == (OBJECT, "channel_partner")
    runner.validate_mappings(plan)  # every field the config maps exists in the (fake) CRM
    [summary] = run_plan(plan, engine=engine, checker=checker, clock=lambda: datetime(2024, 4, 2, tzinfo=UTC))
    assert summary.status == "succeeded", summary.error
    assert (summary.counts.read, summary.counts.upserted) == (2, 2)
    with engine.connect() as conn:
        rows = {r.source_id: r for r in conn.execute(select(channel_partner)).all()}
    assert set(rows) == {"1", "2"}
    one = rows["1"]
    assert (one.source_connection, one.source_object, one.name, one.tier) == ("hs", OBJECT, "Partner 1", "gold")
    assert rows["2"].tier == "silver"
    assert one.owner_id == canonical_id("hs", "owners", "77")
    assert one.joined_on == date(2024, 3, 1)
    assert one.custom == {"region": "EMEA"}
    assert one.id == canonical_id("hs", OBJECT, "1")


def test_an_unmapped_custom_object_is_kept_as_a_typed_raw_table(
    engine: Engine, checker: QualityChecker, monkeypatch: pytest.MonkeyPatch
) -> None:
    objects = {OBJECT: {"fields": ["partner_name", "joined"], "types": {"joined": "date"}, "model": "CHANNEL_PARTNER"}}
    connector = PartnerCrm([Page(upserts=[_partner("1")])], name="hs", objects=(PARTNER_SPEC,))
    plan = _plan(_config(objects=objects), connector, monkeypatch)
    [stream] = plan.streams
    assert stream.raw is not None and stream.raw.fields == ("partner_name", "joined")
    assert stream.mapping.entity == "raw_hs__2_9001"
    runner.validate_mappings(plan)
    [summary] = run_plan(plan, engine=engine, checker=checker)
    assert summary.status == "succeeded" and summary.counts.upserted == 1, summary.error
    with engine.connect() as conn:
        [row] = conn.execute(select(store.entity_table(conn, "raw_hs__2_9001"))).mappings().all()
    assert (row["partner_name"], row["joined"], row["hs_object_id"]) == ("Partner 1", date(2024, 3, 1), "1")
    assert row["id"] == canonical_id("hs", OBJECT, "1")


def test_mapping_keys_on_an_unmapped_object_are_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = _config({"fields": {"partner_name": "name"}})
    connector = PartnerCrm([], name="hs", objects=(PARTNER_SPEC,))
    with pytest.raises(ConfigError, match=rf"connections\.hs\.mapping\.{OBJECT}: fields change a mapping, but "
                                          rf"{OBJECT} has none: it is kept as a typed raw table"):
        _plan(cfg, connector, monkeypatch)


def test_write_back_sees_a_custom_object_as_its_entity() -> None:
    people = {"entity": "contact", "fields": {"email": "partner_email", "updated_at": "hs_lastmodifieddate"}}
    cfg = _config(people, writeback={"enabled": True, "fields": {"lead_score": "crmhub_score"}})
    [target] = targets_of(cfg.connection("hs"), connection="hs")
    assert (target.object, target.entity) == (OBJECT, "contact")
    assert target.fields == {"lead_score": "crmhub_score"}
