"""The demo's KPI services on the golden store (tests/support/kpi_golden.py, on SQLite and PostgreSQL): headline
KPIs per rep and team (analytics/kpi/headline.py), the census the store holds (store_census.py), and the refresh's
progress feed. Each figure is worked out by hand from the golden rows; u4 (west) only lost a deal in 2025."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine, insert

from analytics.kpi.grain import DEFAULT_GRAINS
from analytics.kpi.headline import Headlines, headlines, trailing_quarters
from analytics.kpi.loader import shipped_kpi_registry
from analytics.kpi.refresh import refresh
from analytics.kpi.store_census import stored_census
from analytics.kpi.store_load import load_registry
from analytics.kpi.views import census_document
from config.models.kpi import KpiSettings
from store.tables import kpi_value
from tests.support.kpi_golden import YEAR_2025, add_many, build

CODES = ("WON_REVENUE", "WIN_RATE_CLOSED", "AVERAGE_WON_DEAL_SIZE")
REGISTRY = shipped_kpi_registry()
KPIS = [REGISTRY.kpi(code) for code in CODES]
SETTINGS = KpiSettings()


def _store(db: Engine) -> None:
    build(db)
    add_many(db, "crm_user", [{"id": "u4", "first_name": "Dan", "last_name": "Quiet", "team": "west"}])
    add_many(db, "opportunity", [{"id": "o20", "owner_id": "u4", "account_id": "a3", "amount": 30.0, "currency": "USD",
                                  "is_closed": True, "is_won": False, "close_date": date(2025, 5, 5)}])


def _table(db: Engine, dimension: str) -> Headlines:
    start, end = YEAR_2025
    return headlines(db, KPIS, dimension="rep" if dimension == "rep" else "team", start=start, end=end,
                     catalog=REGISTRY.catalog, settings=SETTINGS)


def _rounded(table: Headlines) -> list[tuple[str, tuple[float | None, ...]]]:
    return [(r.label, tuple(None if v is None else round(v, 2) for v in r.values.values())) for r in table.rows]


def test_per_rep_and_team_highest_won_revenue_first(db: Engine) -> None:
    _store(db)
    # u1: o1 100 + o3 500 won of o1-o3 closed; u3: o7 400 + o8 100 of o7-o9; u2: o4 200 of o4, o5; u4: o20 lost
    assert _rounded(_table(db, "rep")) == [
        ("Alice · test", (600, 66.67, 300)), ("Carol · test", (500, 66.67, 250)), ("Bob · test", (200, 50, 200)),
        ("Dan Quiet · test", (None, 0, None))]  # no deal won: no revenue row, a 0 % win rate, no average
    assert _rounded(_table(db, "team")) == [("east", (800, 60, 266.67)), ("west", (500, 50, 250))]


def test_read_from_kpi_value_once_refreshed_with_the_same_figures(db: Engine) -> None:
    _store(db)
    compiled = _table(db, "team")
    assert {k.source for k in compiled.kpis} == {"compiled"}
    told: list[tuple[int, int, str]] = []
    # full: a fresh refresh computes only what sync runs fed, and this store was built by hand
    refresh(db, KPIS, catalog=REGISTRY.catalog, settings=SETTINGS, full=True, progress=lambda *p: told.append(p))
    # one step per KPI and grain, told after each grain, finest first (coarser ones roll up from them)
    order = ["rep:month", "team:month", "all:month", "company:quarter", "all:all"]
    assert sorted(order) == sorted(str(g) for g in DEFAULT_GRAINS)
    assert told == [(3 * n, 15, g) for n, g in enumerate(order, start=1)]
    stored = _table(db, "team")
    assert {k.source for k in stored.kpis} == {"kpi_value"}  # additive: rolled up from the months refreshed
    assert _rounded(stored) == _rounded(compiled)
    assert stored.as_dict()["kpis"][0] == {"code": "WON_REVENUE", "name": "Won Revenue", "unit": "currency",
                                          "source": "kpi_value", "warnings": []}


def test_a_rep_or_team_without_a_member_is_named_so(db: Engine) -> None:
    _store(db)
    add_many(db, "opportunity", [{"id": "o21", "owner_id": None, "account_id": "a3", "amount": 5.0, "currency": "USD",
                                  "is_closed": True, "is_won": True, "close_date": date(2025, 6, 6)}])
    assert ("(no rep)", (5, 100, 5)) in _rounded(_table(db, "rep"))
    assert ("(no team)", (5, 100, 5)) in _rounded(_table(db, "team"))


def test_trailing_quarters_are_whole_fiscal_quarters_in_the_org_s_zone() -> None:
    now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    assert trailing_quarters(now, KpiSettings()) == (date(2025, 10, 1), date(2026, 10, 1))
    assert trailing_quarters(now, KpiSettings(fiscal_year_start_month=2)) == (date(2025, 11, 1), date(2026, 11, 1))
    late = datetime(2026, 9, 30, 23, 30, tzinfo=UTC)  # already 1 October in Paris
    assert trailing_quarters(late, KpiSettings()) == (date(2025, 7, 1), date(2026, 7, 1))
    assert trailing_quarters(late, KpiSettings(time_zone="Europe/Paris"), count=1) == (date(2026, 7, 1),
                                                                                        date(2026, 10, 1))


def test_the_stored_census_is_the_registry_s_and_counts_what_has_data(db: Engine) -> None:
    assert stored_census(db).census.distinct.total == 0  # nothing loaded yet
    load_registry(db, REGISTRY)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [{"kpi_code": code, "dimension": "all", "member": "*", "period": "all", "period_start": date(1970, 1, 1),
             "value": value, "definition_hash": "x", "computed_at": now}
            for code, value in (("WON_REVENUE", 10.0), ("DEALS_WON", 0.0), ("WIN_RATE_CLOSED", None))]
    with db.begin() as conn:
        conn.execute(insert(kpi_value), rows)
    found = stored_census(db).as_dict()
    files = census_document(REGISTRY)
    assert [{k: v for k, v in m.items() if k != "with_data"} for m in found["modules"]] == sorted(
        files["modules"], key=lambda m: m["code"])
    assert {k: v for k, v in found["distinct"].items() if k != "with_data"} == files["distinct"]
    assert found["distinct"]["with_data"] == 1  # a 0 or no value is no data
    modules = REGISTRY.kpi("WON_REVENUE").modules
    assert {m["code"] for m in found["modules"] if m["with_data"]} == set(modules)
    assert found["memberships"]["with_data"] == len(modules)
