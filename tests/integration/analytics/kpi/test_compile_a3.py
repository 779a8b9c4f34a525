"""Every computed KPI of CUST_RETENTION and CUST_SUCCESS (author kpi-a3) compiles and runs on an empty migrated
store, on SQLite and PostgreSQL, at the total, at rep by month and at company by fiscal quarter (or the grains its
dimensions allow): the SQL is valid and an empty store gives no value, never an error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from analytics.kpi.catalog import Catalog
from analytics.kpi.definition import DEFINITIONS_DIR, read_definition
from analytics.kpi.query import KpiRequest, compute, parse_grain
from analytics.kpi.schema import KpiFile
from config.models.kpi import KpiSettings
from tests.support.stores import fresh_engine

MODULES = {"CUST_RETENTION", "CUST_SUCCESS"}
GRAINS = ("", "rep,month", "company,fiscal_quarter", "region,year")


def _computed() -> list[KpiFile]:
    kpis = (read_definition(p) for p in sorted(DEFINITIONS_DIR.glob("*.yaml")))
    return [k for k in kpis if set(k.modules) & MODULES and k.status == "computed"]


COMPUTED = _computed()
CATALOG = Catalog.load()


@pytest.fixture(scope="module", params=[pytest.param("sqlite", id="sqlite"),
                                        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)])
def empty(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    yield from fresh_engine(request.param, Path(tmp_path_factory.mktemp("empty_a3")))


def test_the_modules_have_their_computed_kpis() -> None:
    assert len(COMPUTED) == 66


@pytest.mark.parametrize("kpi", COMPUTED, ids=lambda k: k.code)
def test_compiles_and_runs_on_an_empty_store(empty: Engine, kpi: KpiFile) -> None:
    for grain in GRAINS:
        dims, period = parse_grain(grain)
        if not set(dims) <= set(kpi.dimensions):
            continue
        result = compute(empty, kpi, KpiRequest(kpi.code, dims, period), catalog=CATALOG, settings=KpiSettings())
        assert result.sql.lstrip().upper().startswith(("SELECT", "WITH")), (kpi.code, grain)
        # the total is one row of an aggregate over nothing: no value (a count or sum of nothing may be 0)
        assert all(row.value in (None, 0) for row in result.rows), (kpi.code, grain, result.rows)
