"""kpi_value materialisation: a full refresh, incremental refreshes after sync runs that changed some entities, and
reads from kpi_value (exact or rolled up) that give the numbers compiling gives."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, select

from analytics.kpi.catalog import Catalog
from analytics.kpi.errors import KpiRequestError
from analytics.kpi.grain import ALL_MEMBERS, WHOLE_RANGE
from analytics.kpi.query import KpiRequest, KpiResult, compute, parse_grain
from analytics.kpi.refresh import refresh
from analytics.kpi.schema import KpiFile
from config.models.kpi import KpiSettings
from store.tables import kpi_refresh, kpi_value
from tests.support.kpi_golden import add_many, build, finish, kpi_file, synced, values
from tests.support.stores import fresh_engine

CATALOG = Catalog.load()
SETTINGS = KpiSettings()
NOW = datetime(2026, 1, 5, tzinfo=UTC)
CODES = ("WON_AMOUNT", "WON_DEALS", "WIN_RATE_CLOSED", "MEDIAN_WON_AMOUNT", "ACCOUNTS_WON", "WON_AMOUNT_RUNNING",
         "WON_AMOUNT_YTD", "AVG_WON_CYCLE", "WON_AMOUNT_P90", "CALLS", "LEAD_CONVERSION", "CASES_OPENED",
         "OPEN_PIPELINE_AS_OF")
OVER_OPPORTUNITIES = {"WON_AMOUNT", "WON_DEALS", "WIN_RATE_CLOSED", "MEDIAN_WON_AMOUNT", "ACCOUNTS_WON",
                      "WON_AMOUNT_RUNNING", "WON_AMOUNT_YTD", "AVG_WON_CYCLE", "WON_AMOUNT_P90",
                      "OPEN_PIPELINE_AS_OF"}
KPIS = [kpi_file(code) for code in CODES]


def _store(engine: Engine) -> None:
    build(engine)
    add_many(engine, "support_case", [
        {"id": "k1", "owner_id": "u1", "account_id": "a1", "opened_at": datetime(2025, 2, 3, tzinfo=UTC)},
        {"id": "k2", "owner_id": "u3", "account_id": "a3", "opened_at": datetime(2025, 5, 9, tzinfo=UTC)}])
    for obj, entity in (("Opportunity", "opportunity"), ("Task", "activity"), ("Lead", "lead"),
                        ("Case", "support_case"), ("User", "crm_user"), ("Account", "account")):
        synced(engine, obj, entity)


@pytest.fixture(params=[pytest.param("sqlite", id="sqlite"),
                        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)])
def store_(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    for engine in fresh_engine(request.param, tmp_path_factory.mktemp("refresh")):
        _store(engine)
        yield engine


def _compute(engine: Engine, kpi: KpiFile, grain: str, *, materialised: bool, start: date | None = None,
             end: date | None = None) -> KpiResult:
    dims, period = parse_grain(grain)
    return compute(engine, kpi, KpiRequest(kpi.code, dims, period, start, end), catalog=CATALOG, settings=SETTINGS,
                   materialised=materialised)


def test_a_first_refresh_materialises_every_kpi_at_the_default_grains(store_: Engine) -> None:
    report = refresh(store_, KPIS, catalog=CATALOG, settings=SETTINGS, clock=lambda: NOW)
    assert report.full and report.computed == sorted(CODES) and not report.failed
    assert report.skipped == {}
    with store_.connect() as conn:
        runs = conn.execute(select(kpi_refresh)).mappings().all()
        rows = conn.execute(select(kpi_value).where(kpi_value.c.kpi_code == "WON_AMOUNT",
                                                    kpi_value.c.dimension == "rep", kpi_value.c.period == "month")
                            .order_by(kpi_value.c.member, kpi_value.c.period_start)).mappings().all()
        total = conn.execute(select(kpi_value).where(kpi_value.c.kpi_code == "WIN_RATE_CLOSED",
                                                     kpi_value.c.dimension == "all",
                                                     kpi_value.c.period == "all")).mappings().one()
    [run] = runs
    assert run["status"] == "succeeded" and run["kpis"] == len(CODES) and run["rows"] == report.rows > 0
    assert set(run["inputs"]["entities"]) == {"opportunity", "activity", "lead", "case", "user", "account"}
    assert run["inputs"]["grains"] == ["rep:month", "team:month", "company:quarter", "all:month", "all:all"]
    # u1 won o12 (50, Nov 2024), o1 (100, Jan 2025), o3 (500, Apr 2025); o11 has no close date
    assert [(r["member"], r["period_start"], r["value"], r["currency"]) for r in rows if r["member"] == "u1"] == [
        ("u1", date(2024, 11, 1), 50, "USD"), ("u1", date(2025, 1, 1), 100, "USD"),
        ("u1", date(2025, 4, 1), 500, "USD")]
    # a ratio keeps its parts: won over closed, all time (o12 included): 6 won of 9 closed
    assert (total["member"], total["period_start"]) == (ALL_MEMBERS, WHOLE_RANGE)
    assert (total["numerator"], total["denominator"]) == (6, 9) and total["currency"] is None


GRAINS = ("", "rep", "month", "rep,month", "team,month", "company,quarter", "quarter", "rep,quarter", "team,year",
          "region")
# one KPI of each kind: a sum, a ratio, a conversion, a median, a running total, a derived one, an as-of one, calls
BOTH_WAYS = ("WON_AMOUNT", "WIN_RATE_CLOSED", "LEAD_CONVERSION", "MEDIAN_WON_AMOUNT", "WON_AMOUNT_RUNNING",
             "AVG_WON_CYCLE", "OPEN_PIPELINE_AS_OF", "CALLS")
RANGES = ((None, None), (date(2025, 1, 1), date(2026, 1, 1)), (date(2025, 1, 15), date(2025, 6, 1)))


def test_reading_kpi_value_gives_the_numbers_compiling_gives(store_: Engine) -> None:
    refresh(store_, KPIS, catalog=CATALOG, settings=SETTINGS)  # today's clock: as-of states are today's
    sources: dict[str, set[str]] = {}
    for kpi in (kpi_file(code) for code in BOTH_WAYS):
        for grain in GRAINS:
            for start, end in RANGES:
                try:
                    compiled = _compute(store_, kpi, grain, materialised=False, start=start, end=end)
                except Exception as exc:  # a grain the KPI cannot be cut at: reading must refuse it the same way
                    with pytest.raises(type(exc)):
                        _compute(store_, kpi, grain, materialised=True, start=start, end=end)
                    continue
                read = _compute(store_, kpi, grain, materialised=True, start=start, end=end)
                assert values(read) == values(compiled), (kpi.code, grain, start, end, read.source)
                assert [(r.numerator, r.denominator) for r in read.rows] == [
                    (r.numerator, r.denominator) for r in compiled.rows], (kpi.code, grain, start, end)
                sources.setdefault(read.source, set()).add(f"{kpi.code}@{grain}@{start}")
    stored = sources["kpi_value"]
    # stored grains read as they are, additive KPIs roll up (quarters and years from months, totals from members)
    assert {"WON_AMOUNT@rep,month@None", "MEDIAN_WON_AMOUNT@team,month@None", "WIN_RATE_CLOSED@quarter@None",
            "WON_AMOUNT@rep,quarter@2025-01-01", "CALLS@team,year@None", "OPEN_PIPELINE_AS_OF@month@None",
            "LEAD_CONVERSION@@2025-01-01"} <= stored
    # what is not exact compiles: a median at another grain, any range off the periods' boundaries, regions
    assert {"MEDIAN_WON_AMOUNT@quarter@None", "WON_AMOUNT@rep,month@2025-01-15", "WON_AMOUNT@region@None",
            "WON_AMOUNT_RUNNING@month@2025-01-01", "OPEN_PIPELINE_AS_OF@quarter@None"} <= sources["compiled"]


def test_a_sync_that_changes_opportunities_refreshes_only_the_kpis_reading_them(store_: Engine) -> None:
    refresh(store_, KPIS, catalog=CATALOG, settings=SETTINGS, clock=lambda: NOW)
    calls = kpi_file("CALLS")
    assert _compute(store_, calls, "rep,month", materialised=True).source == "kpi_value"
    synced(store_, "Opportunity", "opportunity")
    synced(store_, "Case", "support_case", upserted=0)  # read, nothing changed: no refresh for it
    # until the refresh, values over opportunities are not current any more: they compile
    assert _compute(store_, kpi_file("WON_AMOUNT"), "rep,month", materialised=True).source == "compiled"
    assert _compute(store_, calls, "rep,month", materialised=True).source == "kpi_value"
    report = refresh(store_, KPIS, catalog=CATALOG, settings=SETTINGS, clock=lambda: NOW)
    assert not report.full and report.changed == ["opportunity"]
    assert set(report.computed) == OVER_OPPORTUNITIES and report.unchanged == len(CODES) - len(OVER_OPPORTUNITIES)
    assert _compute(store_, kpi_file("WON_AMOUNT"), "rep,month", materialised=True).source == "kpi_value"
    synced(store_, "Case", "support_case", deleted=1)
    assert refresh(store_, KPIS, catalog=CATALOG, settings=SETTINGS, clock=lambda: NOW).computed == ["CASES_OPENED"]
    assert refresh(store_, KPIS, catalog=CATALOG, settings=SETTINGS, clock=lambda: NOW).computed == []


def test_changed_definitions_settings_and_explicit_entities(store_: Engine) -> None:
    refresh(store_, KPIS, catalog=CATALOG, settings=SETTINGS, clock=lambda: NOW)
    doubled = kpi_file("WON_DEALS").model_copy(update={"scale": 2.0})
    kpis = [doubled if k.code == "WON_DEALS" else k for k in KPIS]
    assert _compute(store_, doubled, "rep,month", materialised=True).source == "compiled"  # its hash changed
    assert refresh(store_, kpis, catalog=CATALOG, settings=SETTINGS, clock=lambda: NOW).computed == ["WON_DEALS"]
    assert values(_compute(store_, doubled, "", materialised=True)) == {(): 12}  # 6 won and dated, twice
    report = refresh(store_, kpis, catalog=CATALOG, settings=SETTINGS, changed_entities={"lead"},
                     clock=lambda: NOW)
    assert report.computed == ["LEAD_CONVERSION"]
    paris = KpiSettings(time_zone="Europe/Paris")
    assert _compute(store_, kpi_file("CALLS"), "month", materialised=True).source == "kpi_value"
    assert refresh(store_, kpis, catalog=CATALOG, settings=paris, clock=lambda: NOW).full  # another calendar


def test_a_kpi_that_fails_is_named_kept_out_and_retried(store_: Engine) -> None:
    broken = kpi_file("WON_DEALS").model_copy(update={"code": "BROKEN", "measure": "opportunity.no_such_measure"})
    report = refresh(store_, [*KPIS, broken], catalog=CATALOG, settings=SETTINGS, clock=lambda: NOW)
    assert list(report.failed) == ["BROKEN"] and "no_such_measure" in report.failed["BROKEN"]
    assert len(report.computed) == len(CODES)
    again = refresh(store_, [*KPIS, broken], catalog=CATALOG, settings=SETTINGS, clock=lambda: NOW)
    assert again.computed == [] and list(again.failed) == ["BROKEN"]  # retried, still failing


def test_a_kpi_no_sync_has_fed_waits_compiled_until_a_run_feeds_it(tmp_path_factory: pytest.TempPathFactory) -> None:
    for engine in fresh_engine("sqlite", tmp_path_factory.mktemp("fed")):
        build(engine)
        synced(engine, "Opportunity", "opportunity")
        first = refresh(engine, KPIS, catalog=CATALOG, settings=SETTINGS, clock=lambda: NOW)
        assert first.full and set(first.computed) == OVER_OPPORTUNITIES  # no run fed activities, leads or cases
        calls = kpi_file("CALLS")
        assert _compute(engine, calls, "rep,month", materialised=True).source == "compiled"
        synced(engine, "Task", "activity")
        assert refresh(engine, KPIS, catalog=CATALOG, settings=SETTINGS, clock=lambda: NOW).computed == ["CALLS"]
        assert _compute(engine, calls, "rep,month", materialised=True).source == "kpi_value"
        assert len(refresh(engine, KPIS, catalog=CATALOG, settings=SETTINGS, full=True).computed) == len(CODES)


def test_a_run_still_landing_during_a_refresh_counts_once_it_finishes(store_: Engine) -> None:
    refresh(store_, KPIS, catalog=CATALOG, settings=SETTINGS, clock=lambda: NOW)
    landing = synced(store_, "Task", "activity", finished=False)  # started before the next refresh, still running
    cases = synced(store_, "Case", "support_case")  # started after it, finished before the next refresh
    assert refresh(store_, KPIS, catalog=CATALOG, settings=SETTINGS, clock=lambda: NOW).computed == ["CASES_OPENED"]
    assert refresh(store_, KPIS, catalog=CATALOG, settings=SETTINGS, clock=lambda: NOW).computed == []  # seen
    finish(store_, landing)
    calls = kpi_file("CALLS")
    assert _compute(store_, calls, "rep,month", materialised=True).source == "compiled"  # not current any more
    assert refresh(store_, KPIS, catalog=CATALOG, settings=SETTINGS, clock=lambda: NOW).computed == ["CALLS"]
    assert landing < cases  # the unfinished run holds the floor: the finished one after it was seen, not re-counted


def test_a_grain_a_kpi_cannot_be_cut_at_is_skipped_and_still_refused_on_read(store_: Engine) -> None:
    products = KpiFile.model_validate({
        "code": "PRODUCTS", "name": "Products", "description": "products in the catalogue", "modules": ["BUS_DEV"],
        "object_models": ["PRODUCT"], "type": "simple", "status": "computed", "unit": "count",
        "direction": "higher", "measure": {"entity": "product", "agg": "count"}})
    add_many(store_, "product", [{"id": "p1", "name": "Seats", "created_at": datetime(2025, 3, 1, tzinfo=UTC)}])
    synced(store_, "Product2", "product")
    report = refresh(store_, [*KPIS, products], catalog=CATALOG, settings=SETTINGS, clock=lambda: NOW)
    assert [why.split(":")[0] for why in report.skipped["PRODUCTS"]] == ["rep", "team", "company"]
    assert _compute(store_, products, "month", materialised=True).source == "kpi_value"
    for grain in ("rep", "rep,month", "team,quarter"):  # no rep on a product: refused, read or compiled
        with pytest.raises(KpiRequestError, match="needs the rep of each row"):
            _compute(store_, products, grain, materialised=True)


def test_stored_as_of_states_answer_only_on_the_day_of_their_refresh(store_: Engine) -> None:
    pipeline = kpi_file("OPEN_PIPELINE_AS_OF")
    refresh(store_, KPIS, catalog=CATALOG, settings=SETTINGS, clock=lambda: NOW)  # a refresh on 5 January 2026
    assert _compute(store_, pipeline, "month", materialised=True).source == "compiled"  # today is another day
    refresh(store_, KPIS, catalog=CATALOG, settings=SETTINGS, full=True)
    assert _compute(store_, pipeline, "month", materialised=True).source == "kpi_value"
    # months after today have no state yet, stored or compiled
    both = [_compute(store_, pipeline, "month", materialised=m, start=date(2025, 1, 1), end=date(2100, 1, 1))
            for m in (True, False)]
    assert [r.source for r in both] == ["kpi_value", "compiled"] and values(both[0]) == values(both[1])
