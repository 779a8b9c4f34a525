"""Golden tests: the hand-built store of tests/support/kpi_golden.py, every measure family at two grains or more,
each expected figure worked out by hand from its rows (the comments show the sums)."""

from __future__ import annotations

from statistics import mean

import pytest
from sqlalchemy import Engine

from tests.support.kpi_golden import YEAR_2025, run, values

START, END = YEAR_2025
Q1, Q2 = "2025-01-01", "2025-04-01"


def test_sum_by_rep_team_quarter_region_company(golden: Engine) -> None:
    # won in 2025: o1 100 (u1), o3 500 (u1), o4 200 (u2), o7 400 (u3), o8 100 (u3); o10 deleted, o11 undated,
    # o12 closed in 2024.
    assert values(run(golden, "WON_AMOUNT", start=START, end=END)) == {(): 1300}
    assert values(run(golden, "WON_AMOUNT", "rep", start=START, end=END)) == {("u1",): 600, ("u2",): 200,
                                                                               ("u3",): 500}
    assert values(run(golden, "WON_AMOUNT", "team,quarter", start=START, end=END)) == {
        ("east", Q1): 300, ("east", Q2): 500, ("west", Q1): 400, ("west", Q2): 100}
    assert values(run(golden, "WON_AMOUNT", "region", start=START, end=END)) == {("DE",): 700, ("FR",): 100,
                                                                                  ("US",): 500}
    assert values(run(golden, "WON_AMOUNT", "company", start=START, end=END)) == {("a1",): 100, ("a2",): 700,
                                                                                   ("a3",): 500}


def test_count_by_rep_and_team_quarter(golden: Engine) -> None:
    assert values(run(golden, "WON_DEALS", "rep", start=START, end=END)) == {("u1",): 2, ("u2",): 1, ("u3",): 2}
    assert values(run(golden, "WON_DEALS", "team,quarter", start=START, end=END)) == {
        ("east", Q1): 2, ("east", Q2): 1, ("west", Q1): 1, ("west", Q2): 1}


def test_count_distinct_is_recomputed_at_each_grain(golden: Engine) -> None:
    by_rep = values(run(golden, "ACCOUNTS_WON", "rep", start=START, end=END))
    assert by_rep == {("u1",): 2, ("u2",): 1, ("u3",): 1}  # u1 won on a1 and a2, u2 on a2, u3 on a3
    assert values(run(golden, "ACCOUNTS_WON", "team", start=START, end=END)) == {("east",): 2, ("west",): 1}
    assert values(run(golden, "ACCOUNTS_WON", start=START, end=END)) == {(): 3}  # not 2 + 1 + 1


def test_median_and_p90_are_recomputed_from_rows(golden: Engine) -> None:
    assert values(run(golden, "MEDIAN_WON_AMOUNT", "rep", start=START, end=END)) == {
        ("u1",): 300, ("u2",): 200, ("u3",): 250}  # {100, 500}, {200}, {100, 400}
    assert values(run(golden, "MEDIAN_WON_AMOUNT", "team,quarter", start=START, end=END)) == {
        ("east", Q1): 150, ("east", Q2): 500, ("west", Q1): 400, ("west", Q2): 100}
    assert values(run(golden, "MEDIAN_WON_AMOUNT", start=START, end=END)) == {(): 200}  # 100 100 200 400 500
    # p90 interpolates: position 0.9 (n - 1) between the two nearest ranks.
    assert values(run(golden, "WON_AMOUNT_P90", start=START, end=END)) == {(): 460}  # 400 + 0.6 * 100
    assert values(run(golden, "WON_AMOUNT_P90", "rep", start=START, end=END)) == {
        ("u1",): 460, ("u2",): 200, ("u3",): 370}  # 100 + 0.9 * 400, 200, 100 + 0.9 * 300


def test_ratio_is_a_ratio_of_sums_not_an_average_of_ratios(golden: Engine) -> None:
    by_rep = run(golden, "WIN_RATE_CLOSED", "rep", start=START, end=END)
    assert values(by_rep) == {("u1",): 66.666667, ("u2",): 50, ("u3",): 66.666667}  # 2/3, 1/2, 2/3
    assert [(r.numerator, r.denominator) for r in by_rep.rows] == [(2, 3), (1, 2), (2, 3)]
    total = values(run(golden, "WIN_RATE_CLOSED", start=START, end=END))[()]
    assert total == 62.5  # 5 won / 8 closed
    assert round(mean(r.value or 0 for r in by_rep.rows), 6) == 61.111111 != total
    assert values(run(golden, "WIN_RATE_CLOSED", "team", start=START, end=END)) == {("east",): 60,
                                                                                     ("west",): 66.666667}
    assert values(run(golden, "WIN_RATE_CLOSED", "team,quarter", start=START, end=END)) == {
        ("east", Q1): 66.666667, ("east", Q2): 50, ("west", Q1): 50, ("west", Q2): 100}


def test_derived_average_cycle(golden: Engine) -> None:
    # days from creation to close: o1 30, o3 10 (u1); o4 30 (u2); o7 10, o8 30 (u3)
    assert values(run(golden, "AVG_WON_CYCLE", "rep", start=START, end=END)) == {("u1",): 20, ("u2",): 30,
                                                                                  ("u3",): 20}
    assert values(run(golden, "AVG_WON_CYCLE", "team,quarter", start=START, end=END)) == {
        ("east", Q1): 30, ("east", Q2): 10, ("west", Q1): 10, ("west", Q2): 30}
    assert values(run(golden, "AVG_WON_CYCLE", start=START, end=END)) == {(): 22}  # 110 / 5


def test_cumulative_resets_each_year_or_runs_from_the_range_start(golden: Engine) -> None:
    assert values(run(golden, "WON_AMOUNT_YTD", "rep,quarter")) == {
        ("u1", "2024-10-01"): 50, ("u1", Q1): 100, ("u1", Q2): 600,  # o12 in 2024 does not carry into 2025
        ("u2", Q1): 200, ("u3", Q1): 400, ("u3", Q2): 500}
    assert values(run(golden, "WON_AMOUNT_RUNNING", "rep,quarter")) == {
        ("u1", "2024-10-01"): 50, ("u1", Q1): 150, ("u1", Q2): 650, ("u2", Q1): 200, ("u3", Q1): 400, ("u3", Q2): 500}
    assert values(run(golden, "WON_AMOUNT_RUNNING", "team,month", start=START, end=END)) == {
        ("east", "2025-01-01"): 100, ("east", "2025-02-01"): 300, ("east", "2025-04-01"): 800,
        ("west", "2025-01-01"): 400, ("west", "2025-04-01"): 500}
    assert values(run(golden, "WON_AMOUNT_YTD", start=START, end=END)) == {(): 1300}  # no period: the range's sum


def test_conversion_counts_the_cohort_on_its_create_date(golden: Engine) -> None:
    assert values(run(golden, "LEAD_CONVERSION", "rep", start=START, end=END)) == {
        ("u1",): 66.666667, ("u2",): 0, ("u3",): 50}  # l1, l3 of l1-l3; none of l6; l5 of l4-l5
    assert values(run(golden, "LEAD_CONVERSION", "team,quarter", start=START, end=END)) == {
        ("east", Q1): 66.666667, ("east", Q2): 0, ("west", Q1): 50}
    assert values(run(golden, "LEAD_CONVERSION", start=START, end=END)) == {(): 50}


def test_territory_is_the_accounts_on_the_anchor_date_else_the_reps(golden: Engine) -> None:
    # o1 (a1, 15 Jan): t1. o3 (a2 has none): u1's own t3. o4 (a2, u2 has none): none. o7 (a3, 5 Jan): t4.
    # o8 (a3, 20 Apr: t4 ended 28 Feb): none.
    assert values(run(golden, "WON_AMOUNT", "territory", start=START, end=END)) == {
        ("(none)",): 300, ("t1",): 100, ("t3",): 500, ("t4",): 400}


def test_count_by_rep_and_month_in_the_orgs_time_zone(golden: Engine) -> None:
    from config.models.kpi import KpiSettings

    utc = values(run(golden, "CALLS", "rep,month", start=START, end=END))
    assert utc == {("u1", "2025-01-01"): 2, ("u3", "2025-03-01"): 1}
    paris = values(run(golden, "CALLS", "rep,month", start=START, end=END,
                       settings=KpiSettings(time_zone="Europe/Paris")))
    assert paris == {("u1", "2025-01-01"): 1, ("u1", "2025-02-01"): 1, ("u3", "2025-03-01"): 1}  # c2 moves


@pytest.mark.parametrize(("start_month", "quarters", "years"), [
    (2, {"2024-11-01": 500, "2025-02-01": 800}, {"2024-02-01": 500, "2025-02-01": 800}),
    (11, {"2024-11-01": 500, "2025-02-01": 800}, {"2024-11-01": 1300}),
])
def test_fiscal_quarters_and_years(golden: Engine, start_month: int, quarters: dict[str, float],
                                   years: dict[str, float]) -> None:
    from config.models.kpi import KpiSettings

    settings = KpiSettings(fiscal_year_start_month=start_month)
    by_quarter = values(run(golden, "WON_AMOUNT", "fiscal_quarter", start=START, end=END, settings=settings))
    assert by_quarter == {(k,): v for k, v in quarters.items()}
    by_year = values(run(golden, "WON_AMOUNT", "fiscal_year", start=START, end=END, settings=settings))
    assert by_year == {(k,): v for k, v in years.items()}
