"""Censoring-aware durations: a hand-computed Kaplan-Meier and Aalen-Johansen, and where nothing is censored the
plain order statistics of pandas/numpy (an independent computation)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.pipeline.survival import CENSORED, COMPETING, EVENT, durations


def test_hand_computed_kaplan_meier_and_aalen_johansen() -> None:
    """Times 1 E, 2 censored, 3 E, 4 competing, 5 E, 6 censored. KM: S(1)=5/6, S(3)=5/6*3/4=0.625,
    S(4)=0.625*2/3=0.41667, S(5)=0.41667/2=0.20833: median 4 (first S <= 0.5), p80 never (S stays above 0.2).
    Restricted mean to 6: 1 + 5/6 + 5/6 + 0.625 + 0.41667 + 0.20833 = 3.91667; naive mean of finished
    (1+3+4+5)/4 = 3.25. Aalen-Johansen for E: 1/6, + S(3-)*1/4 = 5/24, + S(5-)*1/2 = 5/24: 0.58333, half of it
    (0.29167) reached at 3."""
    out = durations(np.array([1, 2, 3, 4, 5, 6.0]), np.array([EVENT, CENSORED, EVENT, COMPETING, EVENT, CENSORED]))
    assert (out.n, out.n_event, out.n_competing, out.n_censored) == (6, 3, 1, 2)
    assert out.median == 4.0
    assert out.p80 is None
    assert out.km_mean == pytest.approx(1 + 5 / 6 + 5 / 6 + 0.625 + 5 / 12 + 5 / 24)
    assert out.naive_mean == pytest.approx(3.25)
    assert out.naive_bias_days == pytest.approx(3.25 - (1 + 5 / 6 + 5 / 6 + 0.625 + 5 / 12 + 5 / 24))
    assert out.event_share == pytest.approx(1 / 6 + 5 / 24 + 5 / 24)
    assert out.event_median == 3.0


def test_too_few_finished_gives_no_median() -> None:
    out = durations(np.array([1.0, 2.0, 9.0]), np.array([EVENT, CENSORED, EVENT]))
    assert out.median is None and out.p80 is None and out.naive_mean == pytest.approx(5.0)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.integers(min_value=1, max_value=200), min_size=3, max_size=60),
       st.lists(st.booleans(), min_size=60, max_size=60))
def test_without_censoring_equals_order_statistics(days: list[int], won: list[bool]) -> None:
    """Nothing censored: KM's median and p80 are the empirical quantiles (smallest x with F(x) >= q, numpy's
    inverted_cdf), its restricted mean is the mean (no bias), and the Aalen-Johansen share is the plain share."""
    values = np.array(days, dtype=float)
    ends = np.where(np.array(won[: len(days)]), EVENT, COMPETING)
    out = durations(values, ends)
    assert out.median == np.quantile(values, 0.5, method="inverted_cdf")
    assert out.p80 == np.quantile(values, 0.8, method="inverted_cdf")
    assert out.km_mean == pytest.approx(pd.Series(values).mean())
    assert out.naive_bias_days == pytest.approx(0.0, abs=1e-9)
    assert out.event_share == pytest.approx((ends == EVENT).mean(), abs=1e-3)  # lifelines jitters ties


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.floats(min_value=0.5, max_value=100), st.sampled_from([CENSORED, EVENT, COMPETING])),
                min_size=5, max_size=50))
def test_censoring_never_makes_the_median_shorter_than_the_finished_ones_alone(
        pairs: list[tuple[float, int]]) -> None:
    """Censored durations only add time at risk: the KM median is at least the median of the finished durations
    computed as if nothing else existed, when both exist."""
    days = np.array([p[0] for p in pairs])
    ends = np.array([p[1] for p in pairs])
    out = durations(days, ends)
    finished = days[ends != CENSORED]
    if out.median is not None:
        assert out.median >= np.quantile(finished, 0.5, method="inverted_cdf") - 1e-9
    if out.event_share is not None:
        assert 0.0 <= out.event_share <= 1.0 + 1e-9
