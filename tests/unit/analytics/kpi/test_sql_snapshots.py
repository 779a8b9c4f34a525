"""SQL snapshots: the compiled SQL of one KPI per type on both dialects, kept in snapshots/, so a change of plan
shows in review. Regenerate with ``CRMHUB_UPDATE_SNAPSHOTS=1 pytest tests/unit/analytics/kpi/test_sql_snapshots.py``
and read the diff before committing it."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from analytics.kpi.catalog import Catalog
from analytics.kpi.query import KpiRequest, compile_request, parse_grain, render_sql
from config.models.kpi import KpiSettings
from tests.support.kpi_golden import kpi_file

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("CRMHUB_UPDATE_SNAPSHOTS") == "1"
DIALECTS = {"sqlite": create_engine("sqlite://").dialect,
            "postgresql": create_engine("postgresql+psycopg://").dialect}  # no connection is made
PARIS = KpiSettings(time_zone="Europe/Paris", fiscal_year_start_month=2)
RANGE: dict[str, object] = {"start": date(2025, 1, 1), "end": date(2025, 4, 1)}
CASES: list[tuple[str, str, str, dict[str, object], KpiSettings]] = [
    ("simple", "WON_AMOUNT", "rep,month", {}, KpiSettings()),
    ("ratio", "WIN_RATE_CLOSED", "team,quarter", {}, KpiSettings()),
    ("derived", "AVG_WON_CYCLE", "rep", RANGE, PARIS),
    ("cumulative", "WON_AMOUNT_YTD", "rep,month", {}, KpiSettings()),
    ("conversion", "LEAD_CONVERSION", "team,fiscal_quarter", RANGE, PARIS),
    ("median", "MEDIAN_WON_AMOUNT", "region", {}, KpiSettings()),
    ("distinct", "ACCOUNTS_WON", "territory", RANGE, KpiSettings()),
    ("zone", "CALLS", "rep,week", RANGE, PARIS),
    ("scoped", "WON_DEALS", "", {"as_user": "u2", "filters": {"region": ["FR"]}}, KpiSettings()),
]


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
@pytest.mark.parametrize(("name", "code", "grain", "options", "settings"), CASES, ids=[c[0] for c in CASES])
def test_compiled_sql_matches_its_snapshot(name: str, code: str, grain: str, options: dict[str, object],
                                           settings: KpiSettings, dialect: str) -> None:
    dims, period = parse_grain(grain)
    request = KpiRequest(code, dims, period, **options)  # type: ignore[arg-type]
    compiled = compile_request(kpi_file(code), request, dialect=dialect,  # type: ignore[arg-type]
                               catalog=Catalog.load(), settings=settings)
    sql = render_sql(compiled.statement, DIALECTS[dialect]).strip() + "\n"
    path = SNAPSHOTS / f"{name}.{dialect}.sql"
    if UPDATE or not path.exists():
        path.write_text(sql)
        if not UPDATE:
            pytest.fail(f"{path.name} did not exist: written, read it and commit it")
    assert sql == path.read_text(), f"{path.name} changed: CRMHUB_UPDATE_SNAPSHOTS=1 to accept, and review the diff"
