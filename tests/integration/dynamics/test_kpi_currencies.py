"""Dataverse currencies end to end: transactioncurrencies and organizations sync into raw tables, refresh_rates
reads the base currency from the organization row and one rate per currency, and opportunities land with the ISO
code of their currency (the reader's ``_transactioncurrencyid_value@isocurrencycode``), converted by the KPI engine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select

from analytics.kpi.catalog import Catalog
from analytics.kpi.currency import refresh_rates
from analytics.kpi.query import KpiRequest, compute
from config import parse_config
from quality.checker import QualityChecker
from sandbox.common.launcher import SandboxProcess
from store.tables import currency_rate, opportunity
from tests.contract.crms.dynamics import CLIENT_ID, SECRET, TENANT
from tests.support.kpi_golden import kpi_file
from tests.support.syncing import sync


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    sb = SandboxProcess("dynamics", scale=300, state_dir=tmp_path_factory.mktemp("dynamics-currencies"))
    sb.start()
    try:
        yield sb
    finally:
        sb.stop()


def _config(sandbox: SandboxProcess) -> str:
    info = sandbox.info
    return (f"version: 1\nconnections:\n  dyn_kpi:\n    kind: dynamics\n    base_url: {info.https_url}\n"
            f"    authority_url: {info.https_url}\n    ca_bundle: {info.ca_path}\n"
            f"    auth: {{flow: client_credentials, tenant_id: {TENANT}, client_id: {CLIENT_ID}, "
            f"client_secret: {SECRET}}}\n    settle_lag_seconds: 1\n"
            "    objects: {opportunities: {}, transactioncurrencies: {}, organizations: {}}\n")


def test_rates_and_deal_currencies_sync_and_convert(sandbox: SandboxProcess, sqlite_db: Engine,
                                                   checker: QualityChecker) -> None:
    text = _config(sandbox)
    summaries = sync(text, sqlite_db, checker)
    assert all(s.ok for s in summaries), [s.as_dict() for s in summaries]
    settings = parse_config(text).kpi
    report = refresh_rates(sqlite_db, settings)
    assert report.corporate["dyn_kpi"] == "USD" and not report.warnings
    with sqlite_db.connect() as conn:
        rates = {r.iso_code: r.rate for r in conn.execute(select(currency_rate)
                                                          .where(currency_rate.c.source == "dyn_kpi"))}
        deals = conn.execute(select(opportunity.c.currency, opportunity.c.amount, opportunity.c.close_date,
                                    opportunity.c.is_won).where(opportunity.c.deleted_at.is_(None))).all()
    assert rates == {"USD": 1.0, "EUR": 0.93, "GBP": 0.8}
    currencies = {d.currency for d in deals}
    assert currencies == {"USD", "EUR", "GBP"}, currencies  # the ISO codes, looked up by the reader
    expected = sum(d.amount / rates[d.currency] for d in deals
                   if d.is_won and d.amount is not None and d.close_date is not None)
    result = compute(sqlite_db, kpi_file("WON_AMOUNT"), KpiRequest("WON_AMOUNT"), catalog=Catalog.load(),
                     settings=settings)
    assert result.rows[0].value == pytest.approx(expected) and not result.warnings
