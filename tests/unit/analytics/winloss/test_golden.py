"""A ten-deal store whose win/loss figures are worked out by hand (in the comments), on SQLite and PostgreSQL.

Deals (X, Y: competitors; t1 North, t2 South: territories; Ames, Bell: reps):

    o1  X    won   a1 Ames  2025-03-01  -> t1 (a1's assignment until 2025-06-30)
    o2  X    lost  a1 Ames  2025-08-01  -> t2 (a1's assignment from 2025-07-01)
    o3  X    lost  a2 Bell  2025-03-01  -> t2 (a2 has none: Bell's)
    o4  X    lost  a2 Ames  2025-03-01  -> (none) (neither has one)
    o5  Y    won   a2 Bell  2025-03-01  -> t2
    o6  X+Y  won   a1 Bell  2025-03-01  -> t1
    o7  Y    won   a2 Ames  2025-03-01  -> (none)
    o8  Y    lost  a2 Bell  2025-03-01  -> t2
    o9  -    won   a1 Ames  2025-09-01  -> t2
    o10 -    lost (is_won empty) no account, Bell, 2025-03-01 -> t2
    o11 X    open  a1 Ames  2025-12-01 (expected)
    o12 Y    won but deleted: left out everywhere

Closed: 10 deals, 5 won. Fisher two-sided p = sum of the hypergeometric probabilities (N=10, 5 wins) no larger
than the observed table's.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from math import exp
from pathlib import Path

import pytest
from sqlalchemy import Engine

from analytics.winloss.cells import win_loss
from analytics.winloss.frame import load_closed
from analytics.winloss.shrink import Prior
from tests.support.stores import fresh_engine
from tests.unit.analytics.winloss.builders import golden_store

DIALECTS = [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=DIALECTS)
def golden(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    for engine in fresh_engine(request.param, tmp_path):
        golden_store(engine)
        yield engine


def _by_label(table_cells: list) -> dict:  # type: ignore[type-arg]
    return {c.labels if len(c.labels) > 1 else c.labels[0]: c for c in table_cells}


def test_by_competitor(golden: Engine) -> None:
    table = win_loss(load_closed(golden), ("competitor",))
    assert (table.deals, table.wins) == (10, 5)
    assert table.competitor_fill_rate == pytest.approx(8 / 10)  # o1-o8 face a competitor, o9 and o10 none
    cells = _by_label(table.cells)
    x, y, none = cells["X"], cells["Y"], cells["(none)"]
    assert (x.wins, x.losses, x.open) == (2, 3, 1) and x.win_rate_all == pytest.approx(2 / 6)
    assert (y.wins, y.losses, y.open) == (3, 1, 0)
    assert (none.wins, none.losses) == (1, 1)
    # X: [[2, 3], [3, 2]] against o5 o7 o8 o9 o10; n=5: P(k) = C(5,k)^2/252, observed 100/252 is the largest: p=1
    assert x.p == pytest.approx(1.0) and x.odds_ratio == pytest.approx(4 / 9)
    # Y: [[3, 1], [2, 4]]; n=4: P(k) = (5, 50, 100, 50, 5)/210, observed 50: p = 110/210
    assert y.p == pytest.approx(110 / 210) and y.odds_ratio == pytest.approx(6.0)
    assert none.p == pytest.approx(1.0) and none.odds_ratio == pytest.approx(1.0)
    # BH over (1, 110/210, 1): 3/1·0.524, 3/2·1, 3/3·1, capped by the running minimum from the top: all 1
    assert [c.q for c in table.cells] == pytest.approx([1.0, 1.0, 1.0])
    # Wilson 2/5 by hand: centre (0.4 + z²/10)/(1 + z²/5), half-width z·sqrt(0.048 + z²/100)/(1 + z²/5), z=1.959964
    assert (x.ci_low, x.ci_high) == pytest.approx((0.117621, 0.769276), abs=1e-6)
    assert table.chi_square is None  # o6 sits in both X and Y: the cells overlap
    assert any("overlap" in note for note in table.notes)


def test_by_territory_follows_the_kpi_engines_rule(golden: Engine) -> None:
    table = win_loss(load_closed(golden), ("territory",))
    cells = _by_label(table.cells)
    assert {k: (c.wins, c.losses) for k, c in cells.items()} == {"North": (2, 0), "South": (2, 4), "(none)": (1, 1)}
    north, south = cells["North"], cells["South"]
    # North [[2, 0], [3, 5]], n=2: P(k) = (10, 25, 10)/45, observed 10: p = 20/45; odds ratio infinite -> None
    assert north.p == pytest.approx(20 / 45) and north.odds_ratio is None
    # South [[2, 4], [3, 1]], n=6: P(k) = (5, 50, 100, 50, 5)/210 for k=1..5, observed 50: p = 110/210
    assert south.p == pytest.approx(110 / 210) and south.odds_ratio == pytest.approx(1 / 6)
    # BH: sorted (20/45, 110/210, 1) · (3, 3/2, 1) = (1.333, 0.786, 1), running minimum from the top
    assert north.q == pytest.approx(11 / 14) and south.q == pytest.approx(11 / 14) and cells["(none)"].q == 1.0
    # chi-square, expected 1/1, 3/3, 1/1: (1 + 1) + (1/3 + 1/3) + 0 = 8/3 on 2 dof, p = exp(-8/6)
    assert table.chi_square == pytest.approx((8 / 3, 2, exp(-4 / 3)))


def test_by_rep_and_segment(golden: Engine) -> None:
    data = load_closed(golden)
    reps = _by_label(win_loss(data, ("rep",)).cells)
    assert {k: (c.wins, c.losses) for k, c in reps.items()} == {"Ames": (3, 2), "Bell": (2, 3)}
    segments = _by_label(win_loss(data, ("segment",)).cells)  # tier, else industry; no account: (none)
    assert {k: (c.wins, c.losses) for k, c in segments.items()} == {"ent": (3, 1), "retail": (2, 3),
                                                                    "(none)": (0, 1)}


def test_two_dimensions_make_cells(golden: Engine) -> None:
    cells = _by_label(win_loss(load_closed(golden), ("competitor", "territory")).cells)
    assert {k: (c.wins, c.losses) for k, c in cells.items()} == {
        ("X", "North"): (2, 0), ("X", "South"): (0, 2), ("X", "(none)"): (0, 1),
        ("Y", "North"): (1, 0), ("Y", "South"): (1, 1), ("Y", "(none)"): (1, 0),
        ("(none)", "South"): (1, 1)}


def test_period_filters_by_close_date(golden: Engine) -> None:
    data = load_closed(golden, start=date(2025, 7, 1), end=date(2025, 12, 31))
    assert sorted(data.deals.index) == ["o2", "o9"] and list(data.open.index) == ["o11"]
    assert list(load_closed(golden, end=date(2025, 2, 28)).deals.index) == []


def test_posterior_by_hand() -> None:
    # prior Beta(0.5·4, 0.5·4) and 2 wins of 5: Beta(4, 5), mean 4/9
    mean, low, high = Prior(mean=0.5, concentration=4.0, at_bound=False).posterior(2, 5)
    assert mean == pytest.approx(4 / 9) and low < mean < high
