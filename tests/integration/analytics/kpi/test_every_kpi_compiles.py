"""Every computed KPI crmhub ships compiles and runs on an empty migrated store, SQLite and PostgreSQL, at two grains
that between them cut by every dimension it offers, by month and by fiscal quarter: the SQL is valid on both
dialects, and an empty store gives no row (a KPI that keeps its dimensions only: none of this grain's may list
its total, one row of no value; a count or a sum of nothing may be 0), never an error or a figure. The total and
the default grains on stores with data: test_refresh_equals_compile.py.

One store per dialect for the module (the tests only read it), so each KPI costs two compiles and two queries.
The figures themselves are the golden tests' (test_golden_*.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from analytics.kpi.loader import shipped_kpi_registry
from analytics.kpi.query import KpiRequest, compute
from analytics.kpi.schema import Dimension, Period
from config.models.kpi import KpiSettings
from tests.support.kpi_golden import DIALECTS, YEAR_2025
from tests.support.stores import fresh_engine

# Each grain keeps the dimensions the KPI offers; together they cut by all five.
# The total is left to test_refresh_equals_compile.py, which runs every KPI at it on stores with data.
GRAINS: tuple[tuple[tuple[Dimension, ...], Period | None], ...] = (
    (("rep", "territory"), "month"), (("team", "company", "region"), "fiscal_quarter"))
COMPUTED = [kpi.code for kpi in shipped_kpi_registry().kpis.values() if kpi.status == "computed"]


@pytest.fixture(scope="module", params=DIALECTS)
def empty(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    yield from fresh_engine(request.param, tmp_path_factory.mktemp("empty"))


@pytest.mark.parametrize("code", COMPUTED)
def test_compiles_and_runs_on_an_empty_store(empty: Engine, code: str) -> None:
    registry = shipped_kpi_registry()
    kpi = registry.kpi(code)
    for dims, period in GRAINS:
        cut = tuple(d for d in dims if d in kpi.dimensions)
        result = compute(empty, kpi, KpiRequest(code, cut, period, *YEAR_2025), catalog=registry.catalog,
                         settings=KpiSettings())
        grain = f"{', '.join(cut) or 'total'} by {period or 'the whole range'}"
        assert len(result.rows) <= (0 if cut or period else 1), f"{code} at {grain}: rows from nothing: {result.rows}"
        assert all(row.value in (None, 0) for row in result.rows), f"{code} at {grain}: a figure from nothing"
