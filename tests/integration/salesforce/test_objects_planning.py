"""The org's planning and enablement custom objects, which hold five registry models no canonical entity holds:
seeded with the fields each model declares (through describe and SOQL), deletable, and synced into typed raw tables
that fill their models."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

import store
from config import CrmhubConfig, parse_config
from mapping.objectmodels import shipped_registry
from mapping.objectmodels.sources import Filler, fillers
from quality.checker import QualityChecker
from sandbox.common.launcher import SandboxProcess
from sandbox.salesforce import picklists as pl
from sandbox.salesforce.plan_values import PLANNING_RATES
from sync.runner import plan_sync, run_plan, validate_mappings
from sync.stream import RunSummary
from tests.support.sandboxes.salesforce import CLIENT_ID, CLIENT_SECRET, SalesforceSandbox, V

# Per object: the model it holds and, per model field, the Salesforce field holding it with its describe type.
HOLDS: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {
    "Account_Plan__c": ("ACCOUNT_PLAN", {
        "account_id": ("Account__c", "reference"), "owner_id": ("OwnerId", "reference"),
        "fiscal_year": ("Fiscal_Year__c", "double"), "status": ("Status__c", "picklist"),
        "objectives": ("Objectives__c", "textarea"), "whitespace": ("Whitespace__c", "textarea"),
        "target_revenue": ("Target_Revenue__c", "currency"), "currency": ("Currency__c", "picklist"),
        "review_on": ("Review_Date__c", "date")}),
    "Sales_Playbook__c": ("SALES_PLAYBOOK", {
        "name": ("Name", "string"), "stage": ("Stage__c", "picklist"), "segment": ("Segment__c", "picklist"),
        "steps": ("Steps__c", "textarea"), "owner_id": ("OwnerId", "reference"), "status": ("Status__c", "picklist")}),
    "Enablement_Platform_Usage__c": ("ENABLEMENT_PLATFORM", {
        "name": ("Name", "string"), "vendor": ("Vendor__c", "string"), "period_start": ("Period_Start__c", "date"),
        "licensed_users": ("Licensed_Users__c", "double"), "active_users": ("Active_Users__c", "double"),
        "logins": ("Logins__c", "double"), "content_views": ("Content_Views__c", "double")}),
    "Quota_Plan__c": ("QUOTA_PLAN", {
        "name": ("Name", "string"), "fiscal_year": ("Fiscal_Year__c", "double"), "method": ("Method__c", "picklist"),
        "status": ("Status__c", "picklist"), "total_amount": ("Total_Amount__c", "currency"),
        "currency": ("Currency__c", "picklist"), "approved_on": ("Approved_On__c", "date")}),
    "Strategic_Initiative__c": ("STRATEGIC_INITIATIVE", {
        "name": ("Name", "string"), "owner_id": ("OwnerId", "reference"), "objective": ("Objective__c", "textarea"),
        "start_date": ("Start_Date__c", "date"), "end_date": ("End_Date__c", "date"),
        "status": ("Status__c", "picklist"), "budget": ("Budget__c", "currency"),
        "target_revenue": ("Target_Revenue__c", "currency"), "currency": ("Currency__c", "picklist")}),
}


@pytest.fixture(scope="module")
def process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    sb = SandboxProcess("salesforce", scale=400, state_dir=tmp_path_factory.mktemp("sf-planning"))
    sb.start()
    try:
        yield sb
    finally:
        sb.stop()


@pytest.fixture(scope="module")
def sf(process: SandboxProcess) -> Iterator[SalesforceSandbox]:
    sandbox = SalesforceSandbox(process)
    yield sandbox
    sandbox.close()


@pytest.mark.parametrize("obj", sorted(HOLDS))
def test_describe_serves_each_field_its_model_declares(sf: SalesforceSandbox, obj: str) -> None:
    code, fields = HOLDS[obj]
    assert set(fields) == {f.name for f in shipped_registry().object_model(code).fields}, "a model field unheld"
    entry = next(o for o in sf.api.get(f"{V}/sobjects").json()["sobjects"] if o["name"] == obj)
    assert entry["custom"] and entry["queryable"] and entry["replicateable"]
    described = {f["name"]: f for f in sf.api.get(f"{V}/sobjects/{obj}/describe").json()["fields"]}
    assert {name: described[name]["type"] for name, _ in fields.values()} == dict(fields.values())
    assert {"IsDeleted", "SystemModstamp", "CreatedDate"} <= described.keys()
    seeded = sf.query(f"SELECT Id FROM {obj}").json()["totalSize"]
    assert seeded >= 10, f"{obj}: too few seeded records for the analytics ({seeded})"


def test_a_plan_points_at_a_customer_account_and_says_its_year_in_whole_numbers(sf: SalesforceSandbox) -> None:
    account = {f["name"]: f for f in sf.api.get(f"{V}/sobjects/Account_Plan__c/describe").json()["fields"]}
    lookup, year = account["Account__c"], account["Fiscal_Year__c"]
    assert lookup["referenceTo"] == ["Account"] and lookup["relationshipName"] == "Account__r"
    assert not lookup["nillable"] and not year["nillable"] and (year["precision"], year["scale"]) == (4, 0)
    plans = sf.records("SELECT Account__r.Type, Fiscal_Year__c, Currency__c, Target_Revenue__c FROM Account_Plan__c")
    assert {p["Account__r"]["Type"] for p in plans} == {"Customer - Direct"}
    this_year = datetime.fromisoformat(sf.admin.get("/_admin/clock")["now"]).year
    assert {p["Fiscal_Year__c"] for p in plans} <= {float(y) for y in range(this_year - 1, this_year + 2)}
    assert {p["Currency__c"] for p in plans} <= set(PLANNING_RATES) and min(p["Target_Revenue__c"] for p in plans) > 0


def test_the_global_quota_plan_is_the_sum_of_the_regions(sf: SalesforceSandbox) -> None:
    plans = sf.records("SELECT Fiscal_Year__c, Region__c, Status__c, Total_Amount__c, Currency__c FROM Quota_Plan__c "
                       "WHERE Status__c != 'Superseded'")
    years = {p["Fiscal_Year__c"] for p in plans}
    assert len(years) >= 2
    for year in years:
        usd = {p["Region__c"]: p["Total_Amount__c"] / PLANNING_RATES[p["Currency__c"]]
               for p in plans if p["Fiscal_Year__c"] == year}
        assert set(usd) == {"Global", "North America", "EMEA", "APAC", "LATAM"}, year
        regions = sum(amount for region, amount in usd.items() if region != "Global")
        assert usd["Global"] == pytest.approx(regions, rel=0.005), year


def test_usage_and_playbooks_hold_sensible_values(sf: SalesforceSandbox) -> None:
    usage = sf.records("SELECT Name, Period_Start__c, Licensed_Users__c, Active_Users__c FROM "
                       "Enablement_Platform_Usage__c")
    assert all(0 < u["Active_Users__c"] <= u["Licensed_Users__c"] for u in usage)
    assert all(u["Period_Start__c"].endswith("-01") for u in usage)
    per_platform = {u["Name"] for u in usage}
    assert len(per_platform) == 3 and len(usage) == len({(u["Name"], u["Period_Start__c"]) for u in usage})
    playbooks = sf.records("SELECT Stage__c, Segment__c, Status__c FROM Sales_Playbook__c")
    assert {p["Stage__c"] for p in playbooks} <= {s.name for s in pl.OPEN_STAGES}
    assert "Published" in {p["Status__c"] for p in playbooks}


def _block(sf: SalesforceSandbox) -> str:
    return (f"version: 1\nconnections:\n  sf_plans:\n    kind: salesforce\n    base_url: {sf.info.https_url}\n"
            f"    ca_bundle: {sf.info.ca_path}\n"
            f"    auth: {{flow: client_credentials, client_id: {CLIENT_ID}, client_secret: {CLIENT_SECRET}}}\n"
            "    settle_lag_seconds: 1\n    objects:\n"
            "      Quota_Plan__c: {model: QUOTA_PLAN, types: {Fiscal_Year__c: integer}}\n"
            "      Strategic_Initiative__c: {model: STRATEGIC_INITIATIVE}\n")


def test_synced_into_typed_raw_tables_they_fill_their_models(
    sf: SalesforceSandbox, sqlite_db: Engine, checker: QualityChecker
) -> None:
    cfg = parse_config(_block(sf))
    filled = fillers(cfg, shipped_registry())
    assert filled["QUOTA_PLAN"] == [Filler("sf_plans", "salesforce", "Quota_Plan__c", "tag", None)]
    assert [f.object for f in filled["STRATEGIC_INITIATIVE"]] == ["Strategic_Initiative__c"]

    summaries = _sync(cfg, sqlite_db, checker)
    assert [s.status for s in summaries] == ["succeeded", "succeeded"], [s.as_dict() for s in summaries]
    truth = set(sf.live_ids("Quota_Plan__c"))
    with sqlite_db.connect() as conn:
        table = store.entity_table(conn, store.raw_table_name("sf_plans", "Quota_Plan__c"))
        rows = conn.execute(select(table).where(table.c.deleted_at.is_(None))).mappings().all()
    assert {r["source_id"] for r in rows} == truth
    years = {r["fiscal_year__c"] for r in rows}
    assert years and all(isinstance(y, int) for y in years)  # typed by the config: a whole number, not 2026.0
    assert all(isinstance(r["total_amount__c"], float) and r["region__c"] for r in rows)

    victim = sorted(sf.live_ids("Strategic_Initiative__c"))[0]
    assert sf.api.delete(f"{V}/sobjects/Strategic_Initiative__c/{victim}").status_code == 204
    time.sleep(2.5)  # past the settle lag: the delete is in the next read's window
    summaries = _sync(cfg, sqlite_db, checker)
    assert sum(s.counts.deleted for s in summaries) == 1, [s.as_dict() for s in summaries]
    with sqlite_db.connect() as conn:
        table = store.entity_table(conn, store.raw_table_name("sf_plans", "Strategic_Initiative__c"))
        gone = conn.execute(select(table).where(table.c.source_id == victim)).mappings().one()
    assert gone["deleted_at"] is not None and gone["objective__c"] is None  # a tombstone keeps ids and times only


def _sync(cfg: CrmhubConfig, engine: Engine, checker: QualityChecker) -> list[RunSummary]:
    plan = plan_sync(cfg)
    try:
        validate_mappings(plan)
        return run_plan(plan, engine=engine, checker=checker)
    finally:
        plan.close()


def test_a_person_deletes_an_account_plan_and_the_delete_log_lists_it(sf: SalesforceSandbox) -> None:
    victim = sf.live_ids("Account_Plan__c")[0]
    assert sf.api.delete(f"{V}/sobjects/Account_Plan__c/{victim}").status_code == 204
    assert sf.records(f"SELECT Id, IsDeleted FROM Account_Plan__c WHERE Id = '{victim}'", all_rows=True)[0][
        "IsDeleted"]
    sf.admin.advance_clock(61)  # deleted/ reports whole minutes up to the last one that ended
    now = datetime.fromisoformat(sf.admin.get("/_admin/clock")["now"]).astimezone(UTC)
    window = {"start": (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S+00:00"),
              "end": now.strftime("%Y-%m-%dT%H:%M:%S+00:00")}
    deleted = sf.api.get(f"{V}/sobjects/Account_Plan__c/deleted", params=window).json()["deletedRecords"]
    assert victim in {d["id"] for d in deleted}
