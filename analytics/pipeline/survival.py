"""Censoring-aware durations with lifelines: Kaplan-Meier for "how long until it ends" (open deals censored, not
dropped) and Aalen-Johansen for the wins among them (lost deals a competing outcome, not a censoring).

Why not the plain mean of closed deals: it sees only the deals that already finished, which are the quick ones
while the slow ones are still open, so it runs short; ``naive_bias_days`` says by how much here.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from lifelines import AalenJohansenFitter, KaplanMeierFitter
from lifelines.utils import restricted_mean_survival_time

CENSORED, EVENT, COMPETING = 0, 1, 2
# Below this many finished durations a median or p80 says more about chance than about the pipeline.
MIN_EVENTS = 3


@dataclass(frozen=True, slots=True)
class Durations:
    """Days until the spell or deal ended. ``median``/``p80``: Kaplan-Meier (any end; None when fewer than
    ``MIN_EVENTS`` ended or the curve never falls that far). ``event_share``: Aalen-Johansen probability of ending in
    the event of interest (won / advanced) rather than the competing one by the last time observed;
    ``event_median``: the time by which half of those events have happened. ``naive_*``: finished durations only;
    ``km_mean``: the Kaplan-Meier restricted mean up to the longest duration seen; ``naive_bias_days`` = naive mean
    minus it (negative: the naive mean understates)."""

    n: int
    n_event: int
    n_competing: int
    n_censored: int
    median: float | None
    p80: float | None
    event_share: float | None
    event_median: float | None
    naive_mean: float | None
    naive_median: float | None
    km_mean: float | None
    naive_bias_days: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _finite(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def durations(days: np.ndarray, ends: np.ndarray) -> Durations:
    """``days`` >= 0, ``ends`` one of CENSORED, EVENT, COMPETING per duration."""
    days = np.maximum(np.asarray(days, dtype=float), 0.0)
    ends = np.asarray(ends, dtype=int)
    finished = ends != CENSORED
    n_event, n_competing = int((ends == EVENT).sum()), int((ends == COMPETING).sum())
    base = {"n": len(days), "n_event": n_event, "n_competing": n_competing, "n_censored": int((~finished).sum())}
    if finished.sum() < MIN_EVENTS:
        return Durations(**base, median=None, p80=None, event_share=None, event_median=None,
                         naive_mean=_finite(float(days[finished].mean())) if finished.any() else None,
                         naive_median=_finite(float(np.median(days[finished]))) if finished.any() else None,
                         km_mean=None, naive_bias_days=None)
    km = KaplanMeierFitter().fit(days, event_observed=finished)
    with warnings.catch_warnings():
        # lifelines reads quantiles and the restricted mean off the step function, which for Kaplan-Meier is the
        # estimate itself: its "approximating" note is about smooth curves.
        warnings.simplefilter("ignore")
        km_mean = float(restricted_mean_survival_time(km, t=float(days.max())))
    median, p80 = _quantile(km, 0.5), _quantile(km, 0.2)
    naive_mean = float(days[finished].mean())
    share, event_median = _event_incidence(days, ends) if n_event else (0.0, None)
    return Durations(**base, median=median, p80=p80,
                     event_share=share, event_median=event_median, naive_mean=naive_mean,
                     naive_median=float(np.median(days[finished])), km_mean=km_mean,
                     naive_bias_days=naive_mean - km_mean)


def _quantile(km: KaplanMeierFitter, q: float) -> float | None:
    """The first time S(t) <= q (the usual Kaplan-Meier quantile), None when it never falls that far. lifelines'
    ``percentile`` compares floats exactly, and S is a product of fractions (1 - 3/6 may come out a hair above 0.5).
    """
    curve = km.survival_function_.iloc[:, 0]
    below = curve.index[curve.to_numpy() <= q + 1e-9]
    return float(below[0]) if len(below) else None


def _event_incidence(days: np.ndarray, ends: np.ndarray) -> tuple[float, float | None]:
    """Aalen-Johansen cumulative incidence of EVENT at the end, and when it reaches half of that."""
    # lifelines breaks ties by jittering; a fixed seed keeps the figures the same run after run.
    fitter = AalenJohansenFitter(seed=0, calculate_variance=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the "tied event times were jittered" note
        fitter.fit(days, ends, event_of_interest=EVENT)
    curve = fitter.cumulative_density_.iloc[:, 0]
    share = float(curve.iloc[-1])
    if share <= 0:
        return 0.0, None
    reached = curve.index[curve.to_numpy() >= share / 2]
    return share, float(reached[0])
