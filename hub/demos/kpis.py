"""The demo's KPI act: the registry loaded into the store, kpi_value refreshed (with a progress bar), the census and
headline KPIs per team and per rep. The service is analytics.kpi.report; this prints it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from analytics.kpi.headline import Headlines
from analytics.kpi.refresh import Progress as RefreshProgress
from analytics.kpi.report import KpiReport, kpi_report
from hub.context import App
from hub.output import Output

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
    """Run the KPI report on the demo's store and print it; returns its JSON document (``ok``: no KPI failed and
    every headline table has a value)."""
    out = app.out
    out.info("[bold]KPIs: the registry into the store, kpi_value refreshed, the census and headline KPIs[/]")
    with _progress(out) as progress:
        report = kpi_report(app.engine, app.cfg.kpi, progress=progress)
    _print_refresh(out, report)
    _print_census(out, report)
    for dimension in ("team", "rep"):
        _print_headlines(out, report.headlines[dimension], app.cfg.kpi.currency)
    filled = all(any(v is not None for r in h.rows for v in r.values.values()) for h in report.headlines.values())
    return {**report.as_dict(), "ok": not report.refreshed.failed and filled}


@contextmanager
def _progress(out: Output) -> Iterator[RefreshProgress | None]:
    if out.as_json:
        yield None
        return
    with Progress(SpinnerColumn(), TextColumn("refreshing kpi_value"), BarColumn(bar_width=None),
                  MofNCompleteColumn(), TextColumn("{task.fields[kpi]}"), TimeElapsedColumn(),
                  console=out.console, transient=False) as bar:
        task = bar.add_task("kpi_value", total=None, kpi="")

        def tell(done: int, total: int, code: str) -> None:
            bar.update(task, completed=done, total=total, kpi=code)

        yield tell


def _print_refresh(out: Output, report: KpiReport) -> None:
    loaded, r = report.loaded, report.refreshed
    out.info(f"registry loaded into the store: {loaded.modules} modules, {loaded.kpis} KPIs, {loaded.object_models} "
             f"object models, {loaded.kpi_memberships} module memberships")
    out.info(f"kpi_value: {len(r.computed)} computed KPIs refreshed ({r.unchanged} unchanged), {r.rows:,} rows, "
             f"{r.seconds:.1f} s; {len(r.skipped)} cannot be cut at some grain, {len(r.failed)} failed, "
             f"{len(r.warnings)} leave rows out (amounts with no exchange rate …: --json lists them)")
    for code, why in sorted(r.failed.items()):
        out.error(f"{code}: {why}")


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
