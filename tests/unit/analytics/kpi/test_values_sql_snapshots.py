"""SQL snapshots of what the values hooks add: an amount converted at its row's date (conversion.py) and deals as of
each month's end (asof.py), on both dialects (the same harness as test_sql_snapshots.py: CRMHUB_UPDATE_SNAPSHOTS=1
rewrites them; read the diff before committing it)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from analytics.kpi.asof_hook import StageHistory
from analytics.kpi.catalog import Catalog
from analytics.kpi.conversion import Converter, DatedRates
from analytics.kpi.query import KpiRequest, compile_request, parse_grain, render_sql
from config.models.kpi import KpiSettings
from tests.support.kpi_golden import kpi_file

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("CRMHUB_UPDATE_SNAPSHOTS") == "1"
DIALECTS = {"sqlite": create_engine("sqlite://").dialect,
            "postgresql": create_engine("postgresql+psycopg://").dialect}  # no connection is made
RATES = DatedRates(Converter("USD", {"sf": "USD", "dyn": "EUR", "config": "USD"}))
HISTORY = StageHistory(create_engine("sqlite://"), "Europe/Paris")  # the range is given: it reads nothing
CASES = [("converted", "WON_AMOUNT", "rep,month"), ("as_of", "OPEN_PIPELINE_AS_OF", "team,month")]


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
@pytest.mark.parametrize(("name", "code", "grain"), CASES, ids=[c[0] for c in CASES])
def test_the_values_sql_matches_its_snapshot(name: str, code: str, grain: str, dialect: str) -> None:
    dims, period = parse_grain(grain)
    request = KpiRequest(code, dims, period, date(2025, 1, 1), date(2025, 4, 1))
    compiled = compile_request(kpi_file(code), request, dialect=dialect,  # type: ignore[arg-type]
                               catalog=Catalog.load(), settings=KpiSettings(time_zone="Europe/Paris"),
                               currency=RATES, as_of=HISTORY)
    sql = render_sql(compiled.statement, DIALECTS[dialect]).strip() + "\n"
    path = SNAPSHOTS / f"values_{name}.{dialect}.sql"
    if UPDATE or not path.exists():
        path.write_text(sql)
        if not UPDATE:
            pytest.fail(f"{path.name} did not exist: written, read it and commit it")
    assert sql == path.read_text(), f"{path.name} changed: CRMHUB_UPDATE_SNAPSHOTS=1 to accept, and review the diff"
