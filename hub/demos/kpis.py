"""The demo's KPI act: kpi_value brought up to date (the refresh service, with a progress bar: after the demo's
syncs, each of which refreshed what it changed, little or nothing is left), the registry loaded into the store, the
census and headline KPIs per team and per rep. The services are sync.kpi_refresh and analytics.kpi.report; this
prints them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from analytics.kpi.headline import Headlines
from analytics.kpi.report import KpiReport, kpi_report
from hub.cmd_kpi_refresh import kpi_progress
from hub.context import App
from hub.output import Output
from sync.kpi_refresh import RefreshOutcome, refresh_kpis

# The demo config's `kpi:` section. The HubSpot portal deals in EUR, GBP, CAD and AUD besides USD and keeps its
# exchange rates in settings crmhub does not read (Salesforce's DatedConversionRate and Dataverse's rates are read):
# its admin writes the company's rates here, those of the Salesforce org's CurrencyType, so no deal is left out.
KPI_SETTINGS: dict[str, Any] = {"currency": "USD", "rates": [
    {"iso_code": code, "start_date": "2000-01-01", "rate": rate}
    for code, rate in (("EUR", 0.92), ("GBP", 0.79), ("CAD", 1.36), ("AUD", 1.52))]}
TOP_REPS = 10  # the rep table shows the best by won revenue; --json has every rep
# Column headings of the headline KPIs (their names are on `crmhub kpi show CODE`).
SHORT = {"WON_REVENUE": "won revenue", "WIN_RATE_CLOSED": "win rate (closed)", "AVERAGE_WON_DEAL_SIZE": "avg won deal",
         "SALES_CYCLE_LENGTH_WON": "won cycle", "OPEN_PIPELINE_VALUE": "open pipeline",
         "QUOTA_ATTAINMENT": "quota attainment", "ACTIVITIES_LOGGED": "activities",
         "KEY_ACCOUNT_WON_REVENUE": "key-account won"}


def kpi_block(app: App) -> dict[str, Any]:
    """Refresh kpi_value, run the KPI report on the demo's store and print both; returns their JSON document (``ok``:
    the refresh ran, no KPI failed in it, every headline table has a value)."""
    out = app.out
    out.info("[bold]KPIs: kpi_value up to date, the registry into the store, the census and headline KPIs[/]")
    with kpi_progress(out) as progress:
        outcome = refresh_kpis(app.engine, app.cfg, progress=progress)
    report = kpi_report(app.engine, app.cfg.kpi)
    _print_refresh(out, outcome, report)
    _print_census(out, report)
    for dimension in ("team", "rep"):
        _print_headlines(out, report.headlines[dimension], app.cfg.kpi.currency)
    filled = all(any(v is not None for r in h.rows for v in r.values.values()) for h in report.headlines.values())
    refreshed = outcome.status == "refreshed" and outcome.report is not None and not outcome.report.failed
    return {"ok": refreshed and filled, "refresh": outcome.as_dict(), **report.as_dict()}


def _print_refresh(out: Output, outcome: RefreshOutcome, report: KpiReport) -> None:
    (out.info if outcome.status == "refreshed" else out.error)(outcome.line())
    r = outcome.report
    if r is not None:
        for code, why in sorted(r.failed.items()):
            out.error(f"{code}: {why}")
        if r.warnings:
            out.info(f"{len(r.warnings)} KPI(s) leave rows out (amounts with no exchange rate …): --json lists them")
    loaded = report.loaded
    out.info(f"registry loaded into the store: {loaded.modules} modules, {loaded.kpis} KPIs, {loaded.object_models} "
             f"object models, {loaded.kpi_memberships} module memberships")


def _print_census(out: Output, report: KpiReport) -> None:
    doc = report.census.as_dict()
    rows = [_census_row(m["code"], m) for m in doc["modules"]]
    rows += [_census_row("all memberships", doc["memberships"]), _census_row("distinct KPIs", doc["distinct"])]
    out.table("KPI census (from the store's registry tables; with data: a value other than 0 in kpi_value)",
              ["module", "#computed", "#needs data", "#not computable", "#total", "#computed %", "#with data"], rows)


def _census_row(label: str, counts: dict[str, Any]) -> tuple[Any, ...]:
    share = counts["computed_share"]
    return (label, counts["computed"], counts["needs_data"], counts["not_computable"], counts["total"],
            "" if share is None else f"{share:.0%}", counts["with_data"])


def _print_headlines(out: Output, table: Headlines, currency: str) -> None:
    rows = table.rows[:TOP_REPS] if table.dimension == "rep" else table.rows
    sources = "; ".join(f"{k.code} {k.source}" for k in table.kpis)
    title = (f"headline KPIs per {table.dimension}, {table.start} to {table.end - timedelta(days=1)} (amounts in "
             f"{currency}, open pipeline as of the last day)")
    columns = [SHORT.get(k.code, k.code) for k in table.kpis]
    out.table(title, [table.dimension, *columns],
              [(r.label, *(_value(r.values[k.code], k.unit) for k in table.kpis)) for r in rows], numeric=columns)
    more = len(table.rows) - len(rows)
    out.info(f"read from: {sources}" + (f"; {more} more {table.dimension}s in --json" if more > 0 else ""))


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "percent":
        return f"{value:.1f} %"
    if unit == "days":
        return f"{value:.1f} d"
    return f"{value:,.0f}"
