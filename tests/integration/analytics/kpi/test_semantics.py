"""The rules a sales KPI gets wrong elsewhere: no fan-out, scope, filters, and refusing what cannot be computed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from analytics.kpi.catalog import Catalog
from analytics.kpi.errors import KpiNotComputable, KpiRequestError
from analytics.kpi.hooks import ReportingCurrencyOnly
from analytics.kpi.query import KpiRequest, compile_request, compute
from analytics.kpi.schema import KpiFile
from config.models.kpi import KpiSettings
from tests.support.kpi_golden import YEAR_2025, add_many, build, kpi_file, run, values

START, END = YEAR_2025


def _kpi(code: str, **fields: object) -> KpiFile:
    base = {"code": code, "name": code.title(), "description": "a KPI of the engine's tests", "modules": ["BUS_DEV"],
            "object_models": ["OPPORTUNITY"], "type": "simple", "status": "computed", "unit": "count",
            "direction": "higher"}
    return KpiFile.model_validate({**base, **fields})


CLOSED_DEALS = _kpi("CLOSED_DEALS", measure="opportunity.closed_count")
WON_LINE_REVENUE = _kpi("WON_LINE_REVENUE", measure="line_item.won_revenue", unit="currency")


def _figures(engine: Engine) -> list[dict[tuple[str, ...], float | None]]:
    asked = [("WON_AMOUNT", "rep"), ("WON_DEALS", "team,quarter"), ("WIN_RATE_CLOSED", "rep"),
             ("MEDIAN_WON_AMOUNT", "team"), ("ACCOUNTS_WON", "region"), ("WON_AMOUNT", "territory")]
    found = [values(run(engine, code, grain, start=START, end=END)) for code, grain in asked]
    found.append(values(run(engine, "CLOSED_DEALS", "territory", start=START, end=END, kpi=CLOSED_DEALS)))
    return found


def test_duplicated_child_rows_never_change_a_parent_measure(db: Engine) -> None:
    build(db)
    before = _figures(db)
    # closed deals per territory: t1 o1 o2; t2 o5 (its assignment is there twice); t3 o3; t4 o7; none o4 o8 o9
    assert before[-1] == {("(none)",): 3, ("t1",): 2, ("t2",): 1, ("t3",): 1, ("t4",): 1}
    add_many(db, "line_item", [{"id": f"li{i}", "opportunity_id": "o1", "total_price": 50.0, "currency": "USD"}
                               for i in range(3)])
    add_many(db, "opportunity_contact_role", [{"id": f"cr{i}", "opportunity_id": "o1", "contact_id": "k1"}
                                              for i in range(3)])
    add_many(db, "activity", [{"id": f"x{i}", "opportunity_id": "o3", "account_id": "a2", "owner_id": "u1",
                               "type": "meeting"} for i in range(4)])
    add_many(db, "territory_assignment", [
        {"id": "ta9", "territory_id": "t4", "account_id": "a3", "effective_from": date(2024, 6, 1),
         "effective_to": date(2025, 2, 28)},
        {"id": "ta8", "territory_id": "t1", "account_id": "a1", "effective_from": date(2024, 1, 1)}])
    assert _figures(db) == before


def test_a_deleted_parent_takes_its_children_out(db: Engine) -> None:
    build(db)
    add_many(db, "line_item", [
        {"id": "li1", "opportunity_id": "o1", "total_price": 60.0, "currency": "USD"},
        {"id": "li2", "opportunity_id": "o1", "total_price": 40.0, "currency": None},  # no currency: as reported
        {"id": "li3", "opportunity_id": "o10", "total_price": 999.0, "currency": "USD"},  # o10 is deleted
        {"id": "li4", "opportunity_id": "o2", "total_price": 300.0, "currency": "USD"},  # o2 was lost
    ])
    result = run(db, "WON_LINE_REVENUE", "rep,month", start=START, end=END, kpi=WON_LINE_REVENUE)
    assert values(result) == {("u1", "2025-01-01"): 100}  # on its deal's close date, 15 January


def test_scope_a_rep_sees_their_rows_a_manager_their_team(golden: Engine) -> None:
    def by_rep(user: str) -> dict[tuple[str, ...], float | None]:
        return values(run(golden, "WON_AMOUNT", "rep", start=START, end=END, as_user=user))

    assert by_rep("u1") == {("u1",): 600}
    assert by_rep("u2") == {("u1",): 600, ("u2",): 200}  # Bob manages east
    assert by_rep("u3") == {("u3",): 500}
    assert values(run(golden, "WIN_RATE_CLOSED", start=START, end=END, as_user="u2")) == {(): 60}
    with pytest.raises(KpiRequestError, match="as_user 'nobody' is no live user"):
        run(golden, "WON_AMOUNT", start=START, end=END, as_user="nobody")


def test_filters_keep_only_the_members_asked_for(golden: Engine) -> None:
    assert values(run(golden, "WON_AMOUNT", "rep", start=START, end=END, filters={"team": ["west"]})) == {
        ("u3",): 500}
    assert values(run(golden, "WON_AMOUNT", start=START, end=END, filters={"region": ["FR", "DE"]})) == {(): 800}


def test_a_foreign_currency_without_a_rate_is_left_out_or_refused_never_summed(db: Engine) -> None:
    build(db)
    add_many(db, "opportunity", [{"id": "o20", "owner_id": "u1", "amount": 80.0, "currency": "EUR",
                                  "is_closed": True, "is_won": True, "close_date": date(2025, 3, 3)}])
    # the default currency hook (dated rates, analytics/kpi/conversion.py): no EUR rate, so o20 is left out, named
    left_out = run(db, "WON_AMOUNT", "rep", start=START, end=END)
    assert values(left_out) == {("u1",): 600, ("u2",): 200, ("u3",): 500}
    assert "EUR on 2025-03-03" in left_out.warnings[0]
    # the engine's own ReportingCurrencyOnly refuses it outright
    request = KpiRequest("WON_AMOUNT", ("rep",), None, START, END)
    with pytest.raises(KpiNotComputable, match=r"KPI WON_AMOUNT: measure opportunity.won_amount has amounts in EUR"):
        compute(db, kpi_file("WON_AMOUNT"), request, catalog=Catalog.load(), settings=KpiSettings(),
                currency=ReportingCurrencyOnly())
    assert values(run(db, "WON_DEALS", start=START, end=END)) == {(): 6}  # counts convert nothing
    assert values(run(db, "WON_AMOUNT", start=date(2025, 4, 1), end=END)) == {(): 600}  # o20 outside the range


def test_what_the_engine_cannot_compute_is_named(golden: Engine) -> None:
    open_pipeline = _kpi("OPEN_PIPELINE", type="as_of", measure="opportunity.open_amount_as_of", unit="currency")
    with pytest.raises(KpiNotComputable, match=r"opportunity\.open_amount_as_of is as_of"):  # compiled with no hook
        compile_request(open_pipeline, KpiRequest("OPEN_PIPELINE"), dialect="sqlite", catalog=Catalog.load(),
                        settings=KpiSettings())
    needs = _kpi("NPS", status="needs_data", needs={"model": "CUSTOMER_FEEDBACK", "fill": "an NPS survey object"})
    with pytest.raises(KpiNotComputable, match="KPI NPS is needs_data: it needs CUSTOMER_FEEDBACK"):
        run(golden, "NPS", kpi=needs)
    products = _kpi("PRODUCTS", measure={"entity": "product", "agg": "count"})
    with pytest.raises(KpiRequestError, match=r"needs the rep of each row, but measure PRODUCTS\.measure"):
        run(golden, "PRODUCTS", "rep", kpi=products)
    assert values(run(golden, "PRODUCTS", kpi=products)) == {(): 0}
    rep_only = _kpi("REP_ONLY", measure="opportunity.won_count", dimensions=["rep"])
    with pytest.raises(KpiRequestError, match=r"KPI REP_ONLY cannot be cut by team \(its dimensions: rep\)"):
        run(golden, "REP_ONLY", "team", kpi=rep_only)
    unscoped = _kpi("UNSCOPED", measure={"entity": "product", "agg": "count"}, dimensions=[])
    with pytest.raises(KpiRequestError, match="a scoped request"):
        run(golden, "UNSCOPED", kpi=unscoped, as_user="u1")


def test_a_cumulative_reset_must_hold_whole_periods(golden: Engine) -> None:
    with pytest.raises(KpiRequestError, match="restarts every year: a fiscal_quarter does not fit"):
        from config.models.kpi import KpiSettings

        run(golden, "WON_AMOUNT_YTD", "fiscal_quarter", settings=KpiSettings(fiscal_year_start_month=2))
    assert kpi_file("WON_AMOUNT_YTD").reset == "year"


def test_a_distinct_count_over_no_rows_is_zero_an_average_has_no_value(golden: Engine) -> None:
    """Where the numerator has no rows for a member the denominator has (u1 closed only o2, lost, in February): a
    distinct count there is 0, so the rate is 0 %; an average over no rows has no value, so the ratio has none."""
    won_account_rate = _kpi("WON_ACCOUNTS_PER_CLOSED_DEAL", type="ratio", unit="percent", scale=100,
                            numerator="opportunity.accounts_won", denominator="opportunity.closed_count")
    assert values(run(golden, won_account_rate.code, "rep,month", start=START, end=END, kpi=won_account_rate)) == {
        ("u1", "2025-01-01"): 100, ("u1", "2025-02-01"): 0, ("u1", "2025-04-01"): 100,
        ("u2", "2025-02-01"): 100, ("u2", "2025-05-01"): 0,
        ("u3", "2025-01-01"): 100, ("u3", "2025-03-01"): 0, ("u3", "2025-04-01"): 100}
    average_won = _kpi("AVERAGE_WON_PER_CLOSED_DEAL", type="ratio", unit="currency",
                       numerator={"entity": "opportunity", "agg": "avg", "expr": "amount",
                                  "where": [{"column": "is_won", "value": True}]},
                       denominator="opportunity.closed_count")
    found = values(run(golden, average_won.code, "rep,month", start=START, end=END, kpi=average_won))
    assert found[("u1", "2025-01-01")] == 100 and found[("u1", "2025-04-01")] == 500
    assert found[("u1", "2025-02-01")] is None and found[("u2", "2025-05-01")] is None
