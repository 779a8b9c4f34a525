"""The Maven CRM proof: Maven Analytics' "CRM + Sales + Opportunities" dataset, landed through crmhub's own mapping
(analytics/datasets/maven.py), gives through the KPI engine and the shipped KPI files the figures pandas computes from
the CSVs directly (to 1e-9 relative) and the figures published analyses report (within their rounding).

Published figures (docs/analytics/maven-proof.md has the table):
- github.com/bitsbard/b2b-sales-pipeline-analysis, README.md at 2304129 ("Key Findings"): total won revenue
  $10,005,534; win rate 63.2 % of closed deals and 48.2 % of all 8,800 opportunities; average sales cycle of won
  deals 51.8 days (engage date to close date).
- github.com/rutujads-1/CRM-Sales-Dashboard, README.md at 01da095 ("Opportunity and Win Rate Insights"): 4,238 of the
  8,800 opportunities won; win rate per regional office over all its opportunities: Central 46.38 %, West 47.98 %,
  East 51.11 %.
- The average won deal, $2,361 in the dashboards that show it, is the ratio of the first two sources' won revenue
  and won deals ($10,005,534 / 4,238).

The datasets are read from ``$CRMHUB_DATASETS`` (default ``../shared/datasets``); the tests skip when absent.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from analytics.datasets.load import DatasetMissing, datasets_dir, require
from analytics.datasets.maven import load_maven
from analytics.kpi.catalog import Catalog
from analytics.kpi.definition import definition_path, read_definition
from analytics.kpi.query import KpiRequest, KpiResult, compute
from analytics.kpi.schema import Dimension, Period
from config import load_settings
from config.models.kpi import KpiSettings
from store.tables import crm_user, territory
from tests.support.stores import fresh_engine

DIALECTS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql",
                                                               marks=pytest.mark.postgres)]
PUBLISHED = {"WON_REVENUE": (10_005_534, 0.5), "WIN_RATE_CLOSED": (63.2, 0.05), "WIN_RATE_ALL": (48.2, 0.05),
             "AVERAGE_WON_DEAL_SIZE": (2_361, 0.5), "SALES_CYCLE_LENGTH_WON": (51.8, 0.05)}
PUBLISHED_OFFICE_WIN_RATE_ALL = {"Central": 46.38, "West": 47.98, "East": 51.11}  # two decimals: within 0.005


def _root() -> Path:
    root = datasets_dir(load_settings().datasets)
    try:
        require(root, "maven_crm", "sales_pipeline.csv")
    except DatasetMissing as exc:
        pytest.skip(f"Maven CRM dataset absent: {exc}")
    return root


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    """The CSVs as pandas reads them, with no crmhub code in between: the reference's input."""
    folder = _root() / "maven_crm"
    deals = pd.read_csv(folder / "sales_pipeline.csv", parse_dates=["engage_date", "close_date"])
    teams = pd.read_csv(folder / "sales_teams.csv")
    return {"deals": deals.merge(teams, on="sales_agent", how="left", validate="many_to_one"), "teams": teams}


@pytest.fixture(scope="module", params=DIALECTS)
def maven(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    root = _root()
    for engine in fresh_engine(request.param, tmp_path_factory.mktemp("maven")):
        load_maven(engine, root)
        yield engine


def _compute(engine: Engine, code: str, dims: tuple[Dimension, ...] = (), period: Period | None = None
             ) -> KpiResult:
    kpi = read_definition(definition_path(code))  # the shipped file, not a test fixture
    return compute(engine, kpi, KpiRequest(code, dims, period), catalog=Catalog.load(), settings=KpiSettings())


def _total(engine: Engine, code: str) -> float:
    (row,) = _compute(engine, code).rows
    assert row.value is not None, code
    return row.value


def _reference(deals: pd.DataFrame) -> dict[str, float]:
    won = deals[deals["deal_stage"] == "Won"]
    closed = deals[deals["deal_stage"].isin(["Won", "Lost"])]
    return {"WON_REVENUE": float(won["close_value"].sum()),
            "WIN_RATE_CLOSED": 100 * len(won) / len(closed),
            "WIN_RATE_ALL": 100 * len(won) / len(deals),
            "AVERAGE_WON_DEAL_SIZE": float(won["close_value"].mean()),
            "SALES_CYCLE_LENGTH_WON": float((won["close_date"] - won["engage_date"]).dt.days.mean())}


def test_the_reference_reads_the_whole_file(frames: dict[str, pd.DataFrame]) -> None:
    deals = frames["deals"]
    assert len(deals) == 8800 and deals["regional_office"].notna().all()
    assert deals["deal_stage"].value_counts().to_dict() == {"Won": 4238, "Lost": 2473, "Engaging": 1589,
                                                            "Prospecting": 500}


@pytest.mark.parametrize("code", sorted(PUBLISHED))
def test_headline_figures(maven: Engine, frames: dict[str, pd.DataFrame], code: str) -> None:
    engine_value = _total(maven, code)
    pandas_value = _reference(frames["deals"])[code]
    published, rounding = PUBLISHED[code]
    assert engine_value == pytest.approx(pandas_value, rel=1e-9), code
    assert abs(engine_value - published) <= rounding, f"{code}: {engine_value} vs published {published}"


def _members(engine: Engine, table: str) -> dict[str, str]:
    t = territory if table == "territory" else crm_user
    label = t.c.name if table == "territory" else t.c.last_name
    with engine.connect() as conn:
        return {str(i): str(n) for i, n in conn.execute(select(t.c.id, label))}


@pytest.mark.parametrize("code", ["WIN_RATE_ALL", "WIN_RATE_CLOSED", "WON_REVENUE"])
def test_per_regional_office(maven: Engine, frames: dict[str, pd.DataFrame], code: str) -> None:
    """The regional office is the agent's territory: the engine's territory dimension cuts by it."""
    names = _members(maven, "territory")
    rows = _compute(maven, code, ("territory",)).rows
    got = {names[row.members["territory"]]: row.value for row in rows}
    want = {str(office): _reference(group)[code] for office, group in frames["deals"].groupby("regional_office")}
    assert got.keys() == want.keys()
    for office, value in want.items():
        assert got[office] == pytest.approx(value, rel=1e-9), office
    if code == "WIN_RATE_ALL":
        for office, published in PUBLISHED_OFFICE_WIN_RATE_ALL.items():
            assert abs(float(got[office] or 0) - published) <= 0.005, f"{office}: {got[office]} vs {published}"


def test_won_revenue_per_rep_and_month(maven: Engine, frames: dict[str, pd.DataFrame]) -> None:
    names = _members(maven, "user")
    rows = _compute(maven, "WON_REVENUE", ("rep",), "month").rows
    got = {(names[r.members["rep"]], r.period_start.isoformat() if r.period_start else ""): r.value for r in rows}
    won = frames["deals"][frames["deals"]["deal_stage"] == "Won"]
    month = won["close_date"].dt.to_period("M").dt.start_time.dt.date.map(lambda d: d.isoformat())
    # The mapping keeps the agent's name (unique in the file) as the user's last_name.
    sums = won.groupby([won["sales_agent"], month])["close_value"].sum()
    want = {cast(tuple[str, str], key): float(value) for key, value in sums.items()}
    assert len(got) == len(want) and sum(v or 0 for v in got.values()) == pytest.approx(sum(want.values()))
    for key, value in want.items():
        assert got[key] == pytest.approx(value, rel=1e-9), key


def test_win_rate_per_manager_and_quarter(maven: Engine, frames: dict[str, pd.DataFrame]) -> None:
    """team = the agent's manager; a ratio of sums at each grain, not an average of the reps' rates."""
    rows = _compute(maven, "WIN_RATE_CLOSED", ("team",), "quarter").rows
    got = {(r.members["team"], r.period_start.isoformat() if r.period_start else ""): r for r in rows}
    closed = frames["deals"][frames["deals"]["deal_stage"].isin(["Won", "Lost"])]
    quarter = closed["close_date"].dt.to_period("Q").dt.start_time.dt.date.map(lambda d: d.isoformat())
    for key, group in closed.groupby([closed["manager"], quarter]):
        row = got.pop(cast(tuple[str, str], key))
        won, total = int((group["deal_stage"] == "Won").sum()), len(group)
        assert (row.numerator, row.denominator) == (won, total), key
        assert row.value == pytest.approx(100 * won / total, rel=1e-9), key
    assert not got, f"periods the reference has no deal in: {sorted(got)}"
