"""The documented cold-start lead model: used until enough conversions are labelled to train one.

score = 0.40 x engagement + 0.35 x intent + 0.25 x fit (weights from ``scoring.weights``), each sub-score 0-100.

* **engagement** — points, each signal capped so no single one dominates: email opens (30 d) 1 each, ≤ 10;
  email clicks (30 d) 3 each, ≤ 15; web visits (30 d) 2 each, ≤ 20; time on site (30 d) 0.5 per minute, ≤ 15;
  form fills (90 d) 8 each, ≤ 24; anything in the last 7 days 1 each, ≤ 10; CRM roll-ups where no visit history is
  logged (web visits, time on site in 90 d): total visits 1 each, ≤ 10, total time on site 0.5 per minute, ≤ 15.
  Sub-score = 100 x (1 - e^(-points/25)).
  Then **recency**: after 30 quiet days the engagement sub-score decays by e^(-(days - 30)/60) — the one negative
  contribution.
* **intent** — pricing-page visits 15 each in 30 d (≤ 45) and 5 each in 31-90 d (≤ 15); demo requests (90 d) 40 each
  (≤ 80). Sub-score = 100 x (1 - e^(-points/40)).
* **fit** — seniority c-level 35 / VP 30 / director 25 / manager 15 / individual 5; company size ≥ 1,000: 25,
  200-999: 20, 50-199: 15, 10-49: 8, < 10: 3; industry, country and source known: 10 each. Sub-score =
  points / 90 x 100.

Each signal's contribution is its share of its sub-score's points x the sub-score x the weight, so the
contributions add up to the score exactly; they are the reasons shown to reps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

VERSION = "lead-rules-2"


@dataclass(frozen=True, slots=True)
class Weights:
    engagement: float = 0.40
    intent: float = 0.35
    fit: float = 0.25


@dataclass(frozen=True, slots=True)
class RuleScores:
    score: np.ndarray  # 0-100
    engagement: np.ndarray
    intent: np.ndarray
    fit: np.ndarray
    contributions: pd.DataFrame  # one column per signal, signed score points, rows add up to ``score``


SENIORITY_POINTS: Mapping[str, float] = {"c_level": 35, "vp": 30, "director": 25, "manager": 15, "individual": 5}
FIT_MAX = 90.0

# signal -> human label used in reasons
LABELS: Mapping[str, str] = {
    "email_opens": "email opens (30d)", "email_clicks": "email clicks (30d)", "web_visits": "web visits (30d)",
    "time_on_site": "time on site (30d)", "form_fills": "form fills (90d)", "last_7_days": "activity in last 7 days",
    "visits_rollup": "site visits (all time)", "time_rollup": "time on site (all time)",
    "recency": "no activity for a while", "pricing_visits": "pricing page visits", "demo_requests": "demo requested",
    "seniority": "title seniority", "company_size": "company size", "industry": "industry known",
    "country": "country known", "source": "lead source known",
}


def _col(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame:
        return np.zeros(len(frame))
    values: np.ndarray = np.nan_to_num(frame[name].to_numpy(dtype=float, na_value=np.nan), nan=0.0)
    return values


def _capped(values: np.ndarray, per: float, cap: float) -> np.ndarray:
    return np.minimum(values * per, cap)


def _size_points(employees: np.ndarray) -> np.ndarray:
    e = np.nan_to_num(employees, nan=-1.0)
    return np.select([e >= 1000, e >= 200, e >= 50, e >= 10, e >= 0], [25.0, 20.0, 15.0, 8.0, 3.0], 0.0)


def _known(frame: pd.DataFrame, name: str, points: float) -> np.ndarray:
    if name not in frame:
        return np.zeros(len(frame))
    return np.where(frame[name].notna().to_numpy(), points, 0.0)


def _saturate(points: dict[str, np.ndarray], scale: float) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Sub-score 100 x (1 - e^(-total/scale)) and each signal's share of it."""
    total = sum(points.values())
    sub = 100.0 * (1.0 - np.exp(-total / scale))
    safe = np.where(total > 0, total, 1.0)
    return sub, {k: sub * v / safe for k, v in points.items()}


def score_rules(frame: pd.DataFrame, weights: Weights | None = None) -> RuleScores:
    """Vectorised over every row of a feature frame (see ``analytics.features``)."""
    w = weights or Weights()
    # Roll-ups stand in for visit history a CRM does not log as activities (HubSpot): they are set aside only where
    # visits are logged, so the same visits never count twice. A rep's call or note is no visit history.
    visits_logged = _col(frame, "web_visit_90d") > 0
    time_logged = _col(frame, "time_on_site_90d") > 0
    engagement_points = {
        "email_opens": _capped(_col(frame, "email_open_30d"), 1, 10),
        "email_clicks": _capped(_col(frame, "email_click_30d"), 3, 15),
        "web_visits": _capped(_col(frame, "web_visit_30d"), 2, 20),
        "time_on_site": _capped(_col(frame, "time_on_site_30d") / 60.0, 0.5, 15),
        "form_fills": _capped(_col(frame, "form_fill_90d"), 8, 24),
        "last_7_days": _capped(sum((_col(frame, f"{t}_7d") for t in ("email_open", "email_click", "web_visit",
                                                                    "form_fill")), np.zeros(len(frame))), 1, 10),
        "visits_rollup": np.where(visits_logged, 0.0, _capped(_col(frame, "web_visits"), 1, 10)),
        "time_rollup": np.where(time_logged, 0.0, _capped(_col(frame, "time_on_site_seconds") / 60.0, 0.5, 15)),
    }
    engagement, eng_parts = _saturate(engagement_points, 25.0)
    quiet = np.nan_to_num(frame["days_since_last_activity"].to_numpy(dtype=float), nan=0.0) \
        if "days_since_last_activity" in frame else np.zeros(len(frame))
    decay = np.where(quiet > 30, np.exp(-(quiet - 30) / 60.0), 1.0)
    recency_loss = engagement * (1.0 - decay)
    engagement = engagement - recency_loss

    pricing_90_only = np.maximum(_col(frame, "pricing_visits_90d") - _col(frame, "pricing_visits_30d"), 0)
    intent_points = {
        "pricing_visits": _capped(_col(frame, "pricing_visits_30d"), 15, 45) + _capped(pricing_90_only, 5, 15),
        "demo_requests": _capped(_col(frame, "demo_requests_90d"), 40, 80),
    }
    intent, int_parts = _saturate(intent_points, 40.0)

    seniority = frame["seniority"].map(SENIORITY_POINTS).to_numpy(dtype=float, na_value=0.0) \
        if "seniority" in frame else np.zeros(len(frame))
    fit_points = {
        "seniority": np.nan_to_num(seniority),
        "company_size": _size_points(frame["employees"].to_numpy(dtype=float, na_value=np.nan)
                                     if "employees" in frame else np.full(len(frame), np.nan)),
        "industry": _known(frame, "industry", 10), "country": _known(frame, "country", 10),
        "source": _known(frame, "lead_source", 10),
    }
    fit = sum(fit_points.values(), np.zeros(len(frame))) / FIT_MAX * 100.0
    fit_parts = {k: v / FIT_MAX * 100.0 for k, v in fit_points.items()}

    # Signals keep their undecayed share; the decay is its own negative reason, so the parts still add up.
    contributions = {k: w.engagement * v for k, v in eng_parts.items()}
    contributions["recency"] = -w.engagement * recency_loss
    contributions.update({k: w.intent * v for k, v in int_parts.items()})
    contributions.update({k: w.fit * v for k, v in fit_parts.items()})
    score = w.engagement * engagement + w.intent * intent + w.fit * fit
    return RuleScores(score=np.clip(score, 0, 100), engagement=engagement, intent=intent, fit=fit,
                      contributions=pd.DataFrame(contributions, index=frame.index))
