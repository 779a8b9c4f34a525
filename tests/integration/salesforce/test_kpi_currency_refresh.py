"""The multicurrency org end to end: CurrencyType and DatedConversionRate sync into raw tables, refresh_rates turns
them into currency_rate, deals land with their CurrencyIsoCode and convert at their close date; and the KPI refresh
after a sync recomputes the KPIs over what the sync changed (opportunities), not those over cases."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine, select

from analytics.kpi.catalog import Catalog
from analytics.kpi.currency import refresh_rates
from analytics.kpi.query import KpiRequest, compute
from config import CrmhubConfig, parse_config
from quality.checker import QualityChecker
from sandbox.common.launcher import SandboxProcess
from store.tables import currency_rate, opportunity
from sync.kpi_refresh import refresh_after_sync
from sync.runner import plan_sync, run_plan, validate_mappings
from sync.stream import RunSummary
from tests.support.kpi_golden import kpi_file
from tests.support.sandboxes.salesforce import CLIENT_ID, CLIENT_SECRET, SalesforceSandbox, V

KPIS = [kpi_file(code) for code in ("WON_AMOUNT", "WON_DEALS", "CASES_OPENED")]


@pytest.fixture(scope="module")
def sf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SalesforceSandbox]:
    process = SandboxProcess("salesforce", scale=400, state_dir=tmp_path_factory.mktemp("sf-kpi"))
    process.start()
    sandbox = SalesforceSandbox(process)
    try:
        yield sandbox
    finally:
        sandbox.close()
        process.stop()


def _config(sf: SalesforceSandbox) -> CrmhubConfig:
    return parse_config(
        f"version: 1\nconnections:\n  sf_kpi:\n    kind: salesforce\n    base_url: {sf.info.https_url}\n"
        f"    ca_bundle: {sf.info.ca_path}\n"
        f"    auth: {{flow: client_credentials, client_id: {CLIENT_ID}, client_secret: {CLIENT_SECRET}}}\n"
        "    settle_lag_seconds: 1\n"
        "    objects: {Opportunity: {}, Case: {}, CurrencyType: {}, DatedConversionRate: {}}\n"
        # a multicurrency org's deals say their currency in CurrencyIsoCode, which the shipped mapping cannot read
        "    mapping: {Opportunity: {fields: {CurrencyIsoCode: currency}}}\n")


def _sync(cfg: CrmhubConfig, engine: Engine, checker: QualityChecker) -> list[RunSummary]:
    plan = plan_sync(cfg)
    try:
        validate_mappings(plan)
        return run_plan(plan, engine=engine, checker=checker)
    finally:
        plan.close()


def test_rates_sync_convert_and_the_refresh_follows_the_changes(
    sf: SalesforceSandbox, sqlite_db: Engine, checker: QualityChecker
) -> None:
    cfg = _config(sf)
    summaries = _sync(cfg, sqlite_db, checker)
    assert all(s.status == "succeeded" for s in summaries), [s.as_dict() for s in summaries]

    report = refresh_rates(sqlite_db, cfg.kpi)
    assert report.corporate["sf_kpi"] == "USD" and not report.warnings
    truth = sf.records("SELECT IsoCode, ConversionRate, StartDate FROM DatedConversionRate")
    with sqlite_db.connect() as conn:
        rates = {(r.iso_code, r.start_date.isoformat()): r.rate
                 for r in conn.execute(select(currency_rate).where(currency_rate.c.source == "sf_kpi"))}
        deals = conn.execute(select(opportunity.c.currency, opportunity.c.amount, opportunity.c.close_date,
                                    opportunity.c.is_won).where(opportunity.c.deleted_at.is_(None))).all()
    assert rates == {(t["IsoCode"], t["StartDate"]): t["ConversionRate"] for t in truth}
    assert {d.currency for d in deals} >= {"USD", "EUR"}  # the seeded org has deals in local currencies

    def rate(code: str, day: date) -> float:
        return float(max((s, r) for (c, s), r in rates.items() if c == code and s <= day.isoformat())[1])

    # won revenue in USD, worked out from the synced deals and the org's own dated rates
    expected = sum(d.amount / rate(d.currency, d.close_date) for d in deals
                   if d.is_won and d.amount is not None and d.close_date is not None)
    result = compute(sqlite_db, kpi_file("WON_AMOUNT"), KpiRequest("WON_AMOUNT"), catalog=Catalog.load(),
                     settings=cfg.kpi)
    assert result.rows[0].value == pytest.approx(expected) and not result.warnings

    first = refresh_after_sync(sqlite_db, cfg, summaries, kpis=KPIS)
    assert first.status == "refreshed" and first.report is not None and first.report.full

    victim = next(r["Id"] for r in sf.records("SELECT Id FROM Opportunity WHERE IsClosed = false LIMIT 1"))
    assert sf.api.patch(f"{V}/sobjects/Opportunity/{victim}", json={"Amount": 12345.0}).status_code == 204
    time.sleep(2.5)  # past the settle lag: the edit is in the next read's window
    again = _sync(cfg, sqlite_db, checker)
    changed = {s.object for s in again if s.counts.upserted or s.counts.deleted}
    assert changed == {"Opportunity"}, [s.as_dict() for s in again]
    outcome = refresh_after_sync(sqlite_db, cfg, again, kpis=KPIS)
    assert outcome.report is not None and outcome.report.changed == ["opportunity"]
    assert sorted(outcome.report.computed) == ["WON_AMOUNT", "WON_DEALS"]  # not CASES_OPENED
    assert refresh_after_sync(sqlite_db, cfg, [], kpis=KPIS).status == "not_needed"
