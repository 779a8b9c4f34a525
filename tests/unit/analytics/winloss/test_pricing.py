"""Pricing on a store worked out by hand, Welch's interval against its formula, and the isotonic fit against a
pool-adjacent-violators written here.

Ten closed deals, one line each, list 100 (p7: list 100 x 2):

    p1 won  sold 100 (total_price)              depth  0     2025-03-01  Ames
    p2 lost sold 100                            depth  0     2025-02-01
    p3 lost sold 100                            depth  0     2025-02-01
    p4 won  sold 97                             depth  0.03  2025-03-25  Ames  (quarter end: 6 days left)
    p5 won  unit 100 less 4 % (no total)        depth  0.04  2025-03-20  Bell  (11 days left)
    p6 lost unit 100 less 2 (discount_amount)   depth  0.02  2025-02-01
    p7 won  2 x 100, total 170                  depth  0.15  2025-02-10  Bell
    p8 lost sold 88                             depth  0.12  2025-02-10
    p9 won  sold 110 (above list), no quantity  depth -0.10  2025-02-15  Ames
    p10 lost, its line has no list price: not priced
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from math import sqrt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy.stats import t as student
from sqlalchemy import Engine

from analytics.winloss.frame import load_closed
from analytics.winloss.pricing import BIN_LABELS, depth_bins, pricing
from tests.support.stores import fresh_engine
from tests.unit.analytics.winloss.builders import put

DIALECTS = [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]
FEB = date(2025, 2, 1)
DEALS: list[tuple[str, bool, date, str, dict[str, Any]]] = [  # id, won, day, rep, line fields
    ("p1", True, date(2025, 3, 1), "u1", {"list_price": 100, "total_price": 100}),
    ("p2", False, FEB, "u1", {"list_price": 100, "total_price": 100}),
    ("p3", False, FEB, "u2", {"list_price": 100, "total_price": 100}),
    ("p4", True, date(2025, 3, 25), "u1", {"list_price": 100, "total_price": 97}),
    ("p5", True, date(2025, 3, 20), "u2", {"list_price": 100, "unit_price": 100, "discount_percent": 4}),
    ("p6", False, FEB, "u2", {"list_price": 100, "unit_price": 100, "discount_amount": 2}),
    ("p7", True, date(2025, 2, 10), "u2", {"list_price": 100, "quantity": 2, "total_price": 170}),
    ("p8", False, date(2025, 2, 10), "u1", {"list_price": 100, "total_price": 88}),
    ("p9", True, date(2025, 2, 15), "u1", {"list_price": 100, "quantity": None, "total_price": 110}),
    ("p10", False, FEB, "u1", {"unit_price": 50, "total_price": 50}),
]


@pytest.fixture(params=DIALECTS)
def priced(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    for engine in fresh_engine(request.param, tmp_path):
        put(engine,
            crm_user=[{"id": "u1", "last_name": "Ames"}, {"id": "u2", "last_name": "Bell"}],
            opportunity=[{"id": i, "is_closed": True, "is_won": won, "close_date": day, "owner_id": rep}
                         for i, won, day, rep, _ in DEALS],
            line_item=[{"id": f"l{i}", "opportunity_id": i, "name": "Box", "quantity": 1, **line}
                       for i, _, _, _, line in DEALS])
        yield engine


def test_pricing_by_hand(priced: Engine) -> None:
    report = pricing(priced, load_closed(priced))
    assert (report.priced_deals, report.closed_deals) == (9, 10)
    bins = {b.label: b for b in report.bins}
    assert {k: (b.wins, b.deals) for k, b in bins.items()} == {"none": (2, 4), "0-5 %": (2, 3), "10-20 %": (1, 2)}
    assert bins["0-5 %"].mean_depth == pytest.approx(0.03)
    # one-sided Fisher vs none: [[2, 1], [2, 2]]: P(X >= 2), X ~ hypergeom(7, 4 wins, 3 drawn) = (18 + 4)/35
    assert bins["0-5 %"].p_uplift == pytest.approx(22 / 35)
    # [[1, 1], [2, 2]]: 1 - P(X = 0), X ~ hypergeom(6, 3, 2) = 1 - 3/15
    assert bins["10-20 %"].p_uplift == pytest.approx(0.8) and bins["none"].p_uplift is None
    # neither bin wins more often than no discount: every discount on a won deal bought nothing measurable
    wasted = {(r["rep_name"], r["quarter"]): (r["discounted_won_deals"], r["discount"], r["discount_no_uplift"])
              for r in report.no_uplift}
    assert wasted == {("Ames", "2025Q1"): (1, 3.0, 3.0), ("Bell", "2025Q1"): (2, 34.0, 34.0)}
    # won lines sold/list: 1.00, 0.97, 0.96, 0.85, 1.10
    overall = report.dispersion["overall"]
    assert overall["lines"] == 5 and overall["median"] == pytest.approx(0.97)
    assert overall["mean"] == pytest.approx(4.88 / 5)


def test_quarter_end_welch_by_formula(priced: Engine) -> None:
    q = pricing(priced, load_closed(priced)).quarter_end
    assert q is not None
    late, rest = np.array([0.03, 0.04]), np.array([0.0, 0.15, -0.10])  # p4 p5 | p1 p7 p9
    v1, v2 = late.var(ddof=1) / 2, rest.var(ddof=1) / 3
    dof = (v1 + v2) ** 2 / (v1**2 / 1 + v2**2 / 2)
    half = float(student.ppf(0.975, dof)) * sqrt(v1 + v2)
    diff = late.mean() - rest.mean()
    assert (q["deals_quarter_end"], q["deals_rest"]) == (2, 3)
    assert (q["difference"], q["ci_low"], q["ci_high"]) == pytest.approx((diff, diff - half, diff + half))


def _pava(x: np.ndarray, y: np.ndarray, increasing: bool) -> tuple[np.ndarray, np.ndarray]:
    """Pool adjacent violators over the distinct x (ties averaged, weighted by their count)."""
    xs, inverse = np.unique(x, return_inverse=True)
    sums, weights = np.bincount(inverse, y), np.bincount(inverse).astype(float)
    sign = 1.0 if increasing else -1.0
    blocks: list[list[float]] = []  # [mean, weight, count of xs]
    for s, w in zip(sums, weights, strict=True):
        blocks.append([s / w, w, 1])
        while len(blocks) > 1 and sign * blocks[-2][0] > sign * blocks[-1][0]:
            m2, w2, c2 = blocks.pop()
            m1, w1, c1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, c1 + c2])
    fitted = np.concatenate([[m] * int(c) for m, _, c in blocks])
    return xs, fitted


def test_isotonic_equals_pool_adjacent_violators() -> None:
    rng = np.random.default_rng(11)
    depth = np.round(rng.uniform(-0.05, 0.4, 400), 3)
    won = rng.random(400) < 0.7 - depth
    priced = pd.DataFrame({"depth": depth, "is_won": won})
    bins, increasing = depth_bins(priced, [])
    assert increasing is False and [b.label for b in bins] == list(BIN_LABELS)
    xs, fitted = _pava(depth, won.astype(float), increasing=False)
    for b in bins:
        assert b.isotonic == pytest.approx(float(np.interp(b.mean_depth, xs, fitted)), abs=1e-12), b.label
    assert all(a.isotonic >= b.isotonic for a, b in itertools.pairwise(bins))


def test_nothing_priced_is_a_note(tmp_path: Path) -> None:
    for engine in fresh_engine("sqlite", tmp_path):
        put(engine, opportunity=[{"id": "o1", "is_closed": True, "is_won": True}])
        report = pricing(engine, load_closed(engine))
        assert report.priced_deals == 0 and report.bins == []
        assert report.notes == ["no closed deal has a line item with both a list price and a sold value"]


