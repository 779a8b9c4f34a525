"""The refresh computes every KPI from shared scans combined in Python (refresh_batch.py); a request compiles one
query per KPI (compile.py). Both must give the same rows: for every computed KPI crmhub ships, at every default
grain, on SQLite and PostgreSQL, over two stores: the seeded random store of the differential tests (deleted rows,
NULL amounts and anchors, instants at midnight and DST changes, duplicated territory rows) and a small store of the
benchmark's generator (every entity the benchmark fills, several currencies with dated rates).

Same keys, values equal to 1e-9 (sums may add in another order), the same grains skipped, the same warnings.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select

from analytics.kpi import combine
from analytics.kpi.errors import KpiDefinitionError, KpiRequestError
from analytics.kpi.grain import ALL, DEFAULT_GRAINS, WHOLE_RANGE, Grain
from analytics.kpi.loader import shipped_kpi_registry
from analytics.kpi.query import compute
from analytics.kpi.refresh import RefreshReport, refresh
from analytics.kpi.schema import KpiFile
from bench.kpi_data import populate
from config.models.kpi import KpiRate, KpiSettings
from store.tables import kpi_value
from tests.support.kpi_golden import DIALECTS
from tests.support.kpi_random import build_random
from tests.support.stores import fresh_engine

REGISTRY = shipped_kpi_registry()
COMPUTED = sorted(code for code, kpi in REGISTRY.kpis.items() if kpi.status == "computed")
STORES = ("random", "bench")
Values = dict[tuple[str, date], tuple[float | None, float | None, float | None]]


@dataclass(frozen=True)
class Refreshed:
    engine: Engine
    report: RefreshReport
    settings: KpiSettings


def _settings(kind: str) -> KpiSettings:
    if kind == "random":
        return KpiSettings(time_zone="Europe/Paris", fiscal_year_start_month=2)
    # the benchmark's EUR and GBP deals need rates: dated ones, so a rate changes inside the data's range
    rates = [KpiRate(iso_code="EUR", rate=0.92, start_date=date(2000, 1, 1)),
             KpiRate(iso_code="EUR", rate=0.95, start_date=date(2025, 1, 1)),
             KpiRate(iso_code="GBP", rate=0.79, start_date=date(2024, 6, 1))]  # GBP deals before: no rate
    return KpiSettings(rates=rates)


@pytest.fixture(scope="module", params=[pytest.param((d.values[0], s), marks=d.marks, id=f"{d.id}-{s}")
                                        for d in DIALECTS for s in STORES])
def refreshed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Refreshed]:
    dialect, kind = request.param
    for engine in fresh_engine(dialect, tmp_path_factory.mktemp(f"{dialect}-{kind}")):
        if kind == "random":
            build_random(engine, seed=18, deals=120)
        else:
            populate(engine, 0.0006, say=lambda _: None)
        settings = _settings(kind)
        report = refresh(engine, REGISTRY, catalog=REGISTRY.catalog, settings=settings, full=True)
        yield Refreshed(engine, report, settings)


def _stored(engine: Engine, code: str, grain: Grain) -> Values:
    with engine.connect() as conn:
        rows = conn.execute(select(kpi_value.c.member, kpi_value.c.period_start, kpi_value.c.value,
                                   kpi_value.c.numerator, kpi_value.c.denominator)
                            .where(kpi_value.c.kpi_code == code, kpi_value.c.dimension == grain.dimension,
                                   kpi_value.c.period == grain.period)).all()
    return {(str(m), _day(p)): (v, n, d) for m, p, v, n, d in rows}


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.parametrize("code", COMPUTED)
def test_the_refresh_stores_what_compiling_gives(refreshed: Refreshed, code: str) -> None:
    kpi = REGISTRY.kpi(code)
    report = refreshed.report
    assert code not in report.failed, report.failed.get(code)
    warned: set[str] = set()
    for grain in DEFAULT_GRAINS:
        try:
            result = compute(refreshed.engine, kpi, grain.request(kpi), catalog=REGISTRY.catalog,
                             settings=refreshed.settings, materialised=False, render=False)
        except KpiRequestError:
            assert any(s.startswith(f"{grain}:") for s in report.skipped.get(code, [])), f"{code} at {grain}"
            continue
        warned.update(result.warnings)
        compiled: Values = {
            (next(iter(r.members.values())) if grain.dimension != ALL else "*", r.period_start or WHOLE_RANGE):
            (r.value, r.numerator, r.denominator) for r in result.rows}
        stored = _stored(refreshed.engine, code, grain)
        assert stored.keys() == compiled.keys(), f"{code} at {grain}: keys differ"
        for key, want in compiled.items():
            got = stored[key]
            assert all(_same(g, w) for g, w in zip(got, want, strict=True)), f"{code} at {grain} {key}: {got} != {want}"
    assert warned == set(report.warnings.get(code, [])), code


def test_a_kpi_failing_at_a_later_grain_keeps_no_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rows a KPI was given at one grain, and any older row of it, go when it fails at the next grain: no
    half-computed KPI is left to read, and a request compiles it. The other KPIs are stored as ever."""
    won, calls = REGISTRY.kpi("WON_REVENUE"), REGISTRY.kpi("WIN_RATE_CLOSED")
    real = combine.kpi_rows

    def failing(kpi: KpiFile, *args: Any) -> Any:
        if kpi.code == won.code and args[2].dimensions == ("team",):
            raise KpiDefinitionError("WON_REVENUE broke at the team grain")
        return real(kpi, *args)

    monkeypatch.setattr("analytics.kpi.refresh_batch.kpi_rows", failing)
    for engine in fresh_engine("sqlite", tmp_path):
        build_random(engine, seed=3)
        with engine.begin() as conn:  # a row of an earlier refresh
            conn.execute(insert(kpi_value).values(kpi_code=won.code, dimension="company", member="a1",
                                                  period="quarter", period_start=date(2020, 1, 1), value=1.0,
                                                  definition_hash="old", computed_at=datetime(2020, 1, 1, tzinfo=UTC)))
        report = refresh(engine, [won, calls], catalog=REGISTRY.catalog, settings=KpiSettings(), full=True)
        assert report.failed == {won.code: "team:month: KpiDefinitionError: WON_REVENUE broke at the team grain"}
        assert report.computed == [calls.code]
        with engine.connect() as conn:
            codes = {r[0] for r in conn.execute(select(kpi_value.c.kpi_code).distinct())}
        assert codes == {calls.code}
        result = compute(engine, won, Grain("rep", "month").request(won), catalog=REGISTRY.catalog,
                         settings=KpiSettings())
        assert result.source == "compiled" and result.rows
