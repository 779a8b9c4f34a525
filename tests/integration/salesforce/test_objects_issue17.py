"""Issue 17's objects on the sandbox and through the connector: setup objects without a delete trail, deletes that
skip the Recycle Bin, custom objects an admin creates, and the connector's discovery and checks of them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from config import parse_config
from connectors.errors import ConfigError
from connectors.registry import build_connector
from quality.checker import QualityChecker
from sandbox.common.launcher import SandboxProcess
from tests.contract.crms.salesforce import salesforce_block, salesforce_harness
from tests.contract.harness import Harness
from tests.support.sandboxes.salesforce import SalesforceSandbox, V, error_code
from tests.support.truth import assert_matches_truth

SETUP = ("User", "OpportunityStage", "ForecastingQuota", "Coaching_Session__c")


@pytest.fixture(scope="module")
def process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    sb = SandboxProcess("salesforce", scale=400, state_dir=tmp_path_factory.mktemp("sf-issue17"))
    sb.start()
    try:
        yield sb
    finally:
        sb.stop()


@pytest.fixture(scope="module")
def crm(process: SandboxProcess) -> Harness:
    return salesforce_harness(process, "salesforce_17", SETUP)


@pytest.fixture(scope="module")
def sf(process: SandboxProcess) -> Iterator[SalesforceSandbox]:
    sandbox = SalesforceSandbox(process)
    yield sandbox
    sandbox.close()


def _window(sf: SalesforceSandbox) -> dict[str, str]:
    """The last day up to the sandbox's now, once the current minute is over (deleted/ counts whole minutes)."""
    sf.admin.advance_clock(61)
    now = datetime.fromisoformat(sf.admin.get("/_admin/clock")["now"]).astimezone(UTC)
    return {"start": (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S+00:00"),
            "end": now.strftime("%Y-%m-%dT%H:%M:%S+00:00")}


def test_setup_objects_lack_what_salesforce_lacks(sf: SalesforceSandbox) -> None:
    stage = sf.api.get(f"{V}/sobjects/OpportunityStage/describe").json()
    names = {f["name"] for f in stage["fields"]}
    assert {"ApiName", "SortOrder", "SystemModstamp"} <= names and "IsDeleted" not in names
    assert not stage["createable"] and not stage["replicateable"]
    assert error_code(sf.query("SELECT Id, IsDeleted FROM OpportunityStage")) == "INVALID_FIELD"
    assert sf.api.get(f"{V}/sobjects/OpportunityStage/deleted", params=_window(sf)).status_code == 404
    link = sf.api.get(f"{V}/sobjects/UserTerritory2Association/describe").json()
    assert not {"IsDeleted", "CreatedDate", "CreatedById"} & {f["name"] for f in link["fields"]}


def test_a_quota_delete_skips_the_recycle_bin_but_reaches_the_delete_log(sf: SalesforceSandbox) -> None:
    victim = sf.live_ids("ForecastingQuota")[0]
    assert sf.api.delete(f"{V}/sobjects/ForecastingQuota/{victim}").status_code == 204
    assert sf.records(f"SELECT Id FROM ForecastingQuota WHERE Id = '{victim}'", all_rows=True) == []
    deleted = sf.api.get(f"{V}/sobjects/ForecastingQuota/deleted", params=_window(sf)).json()["deletedRecords"]
    assert victim in {d["id"] for d in deleted}


def test_an_admin_creates_a_custom_object_the_apis_serve(sf: SalesforceSandbox) -> None:
    made = sf.admin.post("/_admin/objects", {
        "name": "Win_Review__c", "label": "Win Review", "name_field": {"auto_number": "WR-{0000}"},
        "fields": [{"name": "Opportunity__c", "type": "reference", "reference_to": "Opportunity",
                    "relationship": "master_detail"},
                   {"name": "Verdict__c", "type": "picklist", "values": ["Won on price", "Won on product"]},
                   {"name": "Score__c", "type": "double", "precision": 3, "scale": 0}]})
    assert made["custom"] and made["keyPrefix"] == "a09"
    entry = next(o for o in sf.api.get(f"{V}/sobjects").json()["sobjects"] if o["name"] == "Win_Review__c")
    assert entry["custom"] and entry["keyPrefix"] == "a09"
    fields = {f["name"]: f for f in sf.api.get(f"{V}/sobjects/Win_Review__c/describe").json()["fields"]}
    assert fields["Opportunity__c"]["relationshipName"] == "Opportunity__r" and "OwnerId" not in fields
    opp = sf.live_ids("Opportunity")[0]
    created = sf.api.post(f"{V}/sobjects/Win_Review__c", json={"Opportunity__c": opp, "Verdict__c": "Won on price",
                                                                "Score__c": 8})
    assert created.status_code == 201, created.text
    rid = created.json()["id"]
    row = sf.records(f"SELECT Name, Opportunity__r.Name, Score__c FROM Win_Review__c WHERE Id = '{rid}'")[0]
    assert row["Name"] == "WR-0001" and row["Score__c"] == 8.0 and row["Opportunity__r"]["Name"]
    bad = sf.api.post(f"{V}/sobjects/Win_Review__c", json={"Verdict__c": "Lost"})
    assert bad.status_code == 400
    assert sf.api.delete(f"{V}/sobjects/Win_Review__c/{rid}").status_code == 204
    assert sf.records(f"SELECT Id, IsDeleted FROM Win_Review__c WHERE Id = '{rid}'", all_rows=True)[0]["IsDeleted"]
    assert rid in {d["id"] for d in
                   sf.api.get(f"{V}/sobjects/Win_Review__c/deleted", params=_window(sf)).json()["deletedRecords"]}


def _connector(crm: Harness, objects: tuple[str, ...]) -> Any:
    cfg = parse_config(f"version: 1\nconnections:\n  sf17:\n{salesforce_block(crm.info, objects)}")
    return build_connector("sf17", cfg.connection("sf17"), settle_lag=timedelta(seconds=1))


def test_discover_lists_custom_objects_and_check_refuses_one_the_org_lacks(crm: Harness) -> None:
    schemas = {s.name: s for s in _connector(crm, ("Account", "Coaching_Session__c")).discover()}
    assert schemas["Coaching_Session__c"].custom and not schemas["Account"].custom
    assert schemas["Training_Program__c"].custom  # an org's custom object not configured yet shows too
    fields = {f.name: f for f in schemas["Coaching_Session__c"].fields}
    assert fields["Coach__c"].custom and not fields["OwnerId"].custom
    with pytest.raises(ConfigError, match=r"Coaching_Sesion__c.*Training_Program__c"):
        _connector(crm, ("Account", "Coaching_Sesion__c")).check()


def test_a_stage_an_admin_removes_is_found_by_the_next_reads_listing(
    crm: Harness, sqlite_db: Engine, checker: QualityChecker
) -> None:
    connector = crm.connector()
    assert crm.sync(sqlite_db, connector, "OpportunityStage", checker).status == "succeeded"
    victim = crm.ordered(crm.truth_ids("OpportunityStage"))[3]
    crm.admin.delete(f"/_admin/records/OpportunityStage/{victim}")
    time.sleep(crm.settle_lag + 0.5)
    summary = crm.sync(sqlite_db, connector, "OpportunityStage", checker)
    assert summary.status == "succeeded", summary.error
    assert summary.counts.deleted == 1 and any("no delete trail" in n for n in summary.notes), summary.as_dict()
    assert_matches_truth(crm, sqlite_db, "OpportunityStage")
