"""Revenue forecast per rep, team and company, by month or quarter, with Monte Carlo intervals and a backtest.

expected won revenue in a period = Σ open deals: amount x P(won within the period) + run-rate of pipeline not yet
created (revenue won inside a period from deals created inside it).

* P(won within a month | open at its start) comes from a **hazard model** fitted on history: for every past month,
  the deals open at its start and whether they were won in it, against the deal's age (logistic in age and age²).
  B2B selling has a quarter rhythm (deals pushed to quarter end), so the hazard and the run-rate are taken from past
  months **in the same position in the quarter** once one exists, else from all past months. A quarter combines
  its three months' hazards.
* Deal amounts are point-in-time: the stage history's amount as of the forecast date when it exists.
* Intervals: each open deal is won or not (Bernoulli with its probability) and the run-rate is drawn from its
  history, 2,000 times; p10 / p50 / p90 of the sums.
* Backtest: at the start of each past month, forecast it from what was known then, and compare with two baselines —
  the CRM's stage-weighted pipeline (Σ amount x stage win rate of open deals due to close in the month) and last
  month's actual — by MAPE, MAE and bias.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sqlalchemy import Connection, Engine, select

from analytics import registry
from analytics.deals import load
from analytics.timeutil import utc_now
from store.tables import crm_user, forecast, forecast_adjustment

VERSION = "forecast-hazard-1"
SIMULATIONS = 2000
LEVELS = ("rep", "team", "company")


def _month_in_quarter(period: pd.Period) -> int:
    return (period.month - 1) % 3


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    # pandas-stubs types record keys as Hashable; this module's frames are labelled by str.
    return cast(list[dict[str, Any]], frame.to_dict("records"))


def _naive(ts: pd.Series) -> pd.Series:
    naive: pd.Series = ts.dt.tz_convert("UTC").dt.tz_localize(None)
    return naive


def prepare(data: dict[str, pd.DataFrame]) -> pd.DataFrame:
    deals = data["deals"].copy()
    deals["created"] = _naive(deals["created_at"])
    deals["closed"] = _naive(deals["closed_at"])
    deals["won"] = deals["is_won"].fillna(False).astype(bool) & deals["is_closed"].fillna(False).astype(bool)
    deals["amount"] = pd.to_numeric(deals["amount"], errors="coerce").fillna(0.0)
    return deals[deals["created"].notna()]


def open_at(deals: pd.DataFrame, origin: pd.Timestamp) -> pd.DataFrame:
    """Deals created before ``origin`` and not yet closed then (closed later, or still open)."""
    closed_flag = deals["is_closed"].fillna(False).astype(bool)
    still_open = (deals["closed"] >= origin) | (deals["closed"].isna() & ~closed_flag)
    return deals[(deals["created"] < origin) & still_open]


def amount_at(deals: pd.DataFrame, stages: pd.DataFrame, origin: pd.Timestamp) -> pd.Series:
    """The amount each deal showed at ``origin``: the stage history's latest before it, else the deal's."""
    if stages.empty:
        return deals["amount"]
    s = stages[(_naive(stages["changed_at"]) < origin) & stages["opportunity_id"].isin(deals.index)]
    latest = s.sort_values("changed_at").groupby("opportunity_id")["amount"].last().dropna()
    return latest.reindex(deals.index).fillna(deals["amount"]).astype(float)


def won_by_period(deals: pd.DataFrame, freq: str) -> pd.Series:
    won = deals[deals["won"] & deals["closed"].notna()]
    return won.groupby(won["closed"].dt.to_period(freq))["amount"].sum()


def run_rate_history(deals: pd.DataFrame, freq: str) -> pd.Series:
    """Revenue won inside each period from deals created inside that same period."""
    won = deals[deals["won"] & deals["closed"].notna()]
    same = won[won["closed"].dt.to_period(freq) == won["created"].dt.to_period(freq)]
    history: pd.Series = same.groupby(same["closed"].dt.to_period(freq))["amount"].sum()
    return history


@dataclass(slots=True)
class Hazards:
    """Monthly P(won in the month | open at its start, age), per position in the quarter, fitted on history."""

    by_position: dict[int, LogisticRegression]
    pooled: LogisticRegression | None

    def probability(self, age_days: np.ndarray, month: pd.Period) -> np.ndarray:
        fitted = self.by_position.get(_month_in_quarter(month), self.pooled)
        if fitted is None or len(age_days) == 0:  # scikit-learn refuses to predict for no deals at all
            return np.zeros(len(age_days))
        probability: np.ndarray = fitted.predict_proba(_age_design(age_days))[:, 1]
        return probability


def _age_design(age_days: np.ndarray) -> np.ndarray:
    years = np.asarray(age_days, dtype=float) / 100.0
    design: np.ndarray = np.c_[years, years**2]
    return design


def _fit(panel: pd.DataFrame) -> LogisticRegression | None:
    if panel.empty or panel["y"].nunique() < 2:
        return None
    return LogisticRegression(C=1.0, max_iter=1000).fit(_age_design(panel["age"].to_numpy()), panel["y"])


def fit_hazards(deals: pd.DataFrame, before: pd.Period) -> Hazards:
    """From months before ``before`` that saw at least one close (earlier months say nothing about closing)."""
    first_close = deals["closed"].min()
    if pd.isna(first_close):
        return Hazards({}, None)
    rows = []
    for month in pd.period_range(first_close.to_period("M"), before - 1, freq="M"):
        start, end = month.start_time, month.end_time
        live = open_at(deals, start)
        won = (live["won"] & (live["closed"] <= end)).astype(int)
        rows.append(pd.DataFrame({"age": (start - live["created"]).dt.days.to_numpy(), "y": won.to_numpy(),
                                  "position": _month_in_quarter(month)}))
    panel = pd.concat(rows) if rows else pd.DataFrame(columns=["age", "y", "position"])
    by_position = {}
    for position, part in panel.groupby("position"):
        fitted = _fit(part)
        if fitted is not None:
            by_position[int(cast(int, position))] = fitted  # the column holds month positions 0..2
    return Hazards(by_position, _fit(panel))


def run_rate_for(history: pd.Series, period: pd.Period) -> tuple[float, np.ndarray]:
    """Expected run-rate and the values to draw from: same position in the quarter when seen, else last three."""
    past = history[history.index < period]
    if past.empty:
        return 0.0, np.array([0.0])
    if period.freqstr.startswith("M"):
        same = past[[_month_in_quarter(p) == _month_in_quarter(period) for p in past.index]]
        if not same.empty:
            return float(same.iloc[-1]), same.to_numpy(dtype=float)
    recent = past.iloc[-3:]
    return float(recent.mean()), recent.to_numpy(dtype=float)


def period_probability(hazards: Hazards, age_days: np.ndarray, period: pd.Period) -> np.ndarray:
    """P(won within ``period``) for deals open at its start: months' hazards combined, ages moving on."""
    if period.freqstr.startswith("M"):
        return hazards.probability(age_days, period)
    survive = np.ones(len(age_days))
    won = np.zeros(len(age_days))
    for i, month in enumerate(pd.period_range(period.start_time, period.end_time, freq="M")):
        p = hazards.probability(np.asarray(age_days) + 30.4 * i, month)
        won += survive * p
        survive *= 1 - p
    return won


@dataclass(slots=True)
class PeriodForecast:
    period: pd.Period
    deals: pd.DataFrame  # open deals with amount, probability, owner_id
    run_rate: float
    run_rate_draws: np.ndarray
    # Closed deals known at the period's start; without both won and lost ones no win timing can be learnt, and
    # open deals then add nothing to the forecast (the run-rate alone): a note says so.
    closed_known: int = 0
    hazards_fitted: bool = True

    @property
    def expected(self) -> float:
        return float((self.deals["amount"] * self.deals["probability"]).sum() + self.run_rate)


def forecast_period(deals: pd.DataFrame, stages: pd.DataFrame, period: pd.Period) -> PeriodForecast:
    """Forecast ``period`` from what was known at its start."""
    origin = period.start_time
    known = deals[deals["created"] < origin]
    # What the past looked like at the origin: outcomes after it are hidden.
    history = known.assign(won=known["won"] & (known["closed"] < origin),
                           closed=known["closed"].where(known["closed"] < origin),
                           is_closed=known["closed"] < origin)
    hazards = fit_hazards(history, origin.to_period("M"))
    live = open_at(deals, origin).copy()
    live["amount"] = amount_at(live, stages, origin)
    live["probability"] = period_probability(hazards, (origin - live["created"]).dt.days.to_numpy(), period)
    rate, draws = run_rate_for(run_rate_history(history, period.freqstr[0]), period)
    return PeriodForecast(period, live, rate, draws, closed_known=int(history["is_closed"].sum()),
                          hazards_fitted=hazards.pooled is not None)


def note_for(fc: PeriodForecast) -> str | None:
    """Why a period's forecast rests on the run-rate alone, in words an admin can act on; None when it does not."""
    if fc.hazards_fitted or fc.deals.empty:
        return None
    return (f"{fc.period}: not enough closed deals to learn when deals win ({fc.closed_known} closed before the "
            f"period, and both won and lost ones are needed); its {len(fc.deals)} open deal(s) add nothing, so the "
            "forecast is the run-rate of past won revenue alone")


def simulate(fc: PeriodForecast, groups: pd.Series, shares: pd.Series, *, seed: int = 0,
             sims: int = SIMULATIONS) -> pd.DataFrame:
    """p10/p50/p90 per group by Monte Carlo; ``groups`` maps deal → group, ``shares`` group → run-rate share."""
    rng = np.random.default_rng(seed)
    keys = sorted(set(groups.dropna().tolist()) | set(shares.index.tolist()))
    index = {k: i for i, k in enumerate(keys)}
    g = np.array([index.get(k, -1) for k in groups.reindex(fc.deals.index).tolist()], dtype=int)
    amounts = fc.deals["amount"].to_numpy(dtype=float)
    probs = fc.deals["probability"].to_numpy(dtype=float)
    share = shares.reindex(keys).fillna(0.0).to_numpy(dtype=float)
    totals = np.zeros((sims, len(keys)))
    onehot = np.zeros((len(amounts), len(keys)))
    valid = g >= 0
    onehot[np.flatnonzero(valid), g[valid]] = 1.0
    for start in range(0, sims, 250):
        n = min(250, sims - start)
        hits = (rng.random((n, len(amounts))) < probs) * amounts
        totals[start:start + n] = hits @ onehot
    run = rng.choice(fc.run_rate_draws, size=sims) if len(fc.run_rate_draws) else np.zeros(sims)
    totals += run[:, None] * share[None, :]
    expected = (fc.deals["amount"] * fc.deals["probability"]).groupby(groups.reindex(fc.deals.index)).sum()
    return pd.DataFrame({
        "key": keys,
        "expected": [float(expected.get(k, 0.0)) + fc.run_rate * float(share[index[k]]) for k in keys],
        "pipeline": [float(expected.get(k, 0.0)) for k in keys],
        "run_rate": [fc.run_rate * float(share[index[k]]) for k in keys],
        "p10": np.percentile(totals, 10, axis=0), "p50": np.percentile(totals, 50, axis=0),
        "p90": np.percentile(totals, 90, axis=0)})


def _teams(conn: Connection) -> dict[str, str]:
    return {row.id: row.team for row in conn.execute(select(crm_user.c.id, crm_user.c.team)
                                                     .where(crm_user.c.team.is_not(None)))}


def run_forecast(engine: Engine, *, period_kind: str = "month", periods: int = 2, as_of: datetime | None = None,
                 seed: int = 0) -> dict[str, Any]:
    """Forecast the period containing ``as_of`` and the next ones, per rep, team and company; store the rows."""
    if period_kind not in ("month", "quarter"):
        raise ValueError(f"period must be month or quarter, got {period_kind!r}")
    freq = "M" if period_kind == "month" else "Q"
    as_of = as_of or utc_now()
    with engine.connect() as conn:
        data = load(conn)
        teams = _teams(conn)
    deals = prepare(data)
    first = pd.Timestamp(as_of.replace(tzinfo=None)).to_period(freq)
    run_id = str(uuid.uuid4())
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    for period in pd.period_range(first, periods=periods, freq=freq):
        fc = forecast_period(deals, data["stages"], period)
        note = note_for(fc)
        if note:
            notes.append(note)
        share = _rep_shares(deals, period)
        owners = fc.deals["owner_id"].fillna("(no owner)")
        for level in LEVELS:
            if level == "rep":
                groups, shares = owners, share
            elif level == "team":
                groups = owners.map(lambda o: teams.get(o, "(no team)"))
                shares = share.groupby(share.index.map(lambda o: teams.get(o, "(no team)"))).sum()
            else:
                groups, shares = owners.map(lambda _o: "company"), pd.Series({"company": 1.0})
            table = simulate(fc, groups, shares, seed=seed)
            rows += [{"run_id": run_id, "model_version": VERSION, "period_kind": period_kind,
                      "period_start": period.start_time.date(), "level": level, **r,
                      "created_at": utc_now()} for r in _records(table)]
    with engine.begin() as conn:
        registry.ensure_rule_model(conn, kind="forecast", version=VERSION, features=["deal age", "position in "
                                   "quarter", "amount", "run-rate"], params={"simulations": SIMULATIONS})
        if rows:
            conn.execute(forecast.insert(), rows)
    return {"run_id": run_id, "model_version": VERSION, "period": period_kind,
            "rows": _with_adjustments(engine, rows), "notes": notes}


def _rep_shares(deals: pd.DataFrame, period: pd.Period) -> pd.Series:
    """Each rep's share of the run-rate: their share of in-period-created won revenue before this period."""
    history = run_rate_deals(deals, period.freqstr[0])
    history = history[history["closed"].dt.to_period(period.freqstr[0]) < period]
    by_rep = history.groupby(history["owner_id"].fillna("(no owner)"))["amount"].sum()
    total = by_rep.sum()
    shares: pd.Series = by_rep / total if total > 0 else by_rep
    return shares


def run_rate_deals(deals: pd.DataFrame, freq: str) -> pd.DataFrame:
    won = deals[deals["won"] & deals["closed"].notna()]
    same: pd.DataFrame = won[won["closed"].dt.to_period(freq) == won["created"].dt.to_period(freq)]
    return same


# --- backtest ---------------------------------------------------------------------------------------------------

def stage_weighted(deals: pd.DataFrame, stages: pd.DataFrame, period: pd.Period) -> float:
    """The CRM's view: open deals due to close in the period x their stage's win rate (CRM probability if set)."""
    origin = period.start_time
    live = open_at(deals, origin)
    due = live[(live["closed"] >= origin) & (live["closed"] <= period.end_time)]
    history = deals[deals["closed"] < origin]
    overall = float(history["won"].mean()) if len(history) else 0.0
    crm = pd.to_numeric(due["probability"], errors="coerce")
    crm = crm.where(crm <= 1, crm / 100.0)
    return float((amount_at(due, stages, origin) * crm.fillna(overall)).sum())


def metrics(forecasts: Sequence[float] | pd.Series, actuals: Sequence[float] | pd.Series) -> dict[str, float | None]:
    """MAPE, MAE and bias; a figure the months cannot define (MAPE with no month that won anything) is None."""
    f, a = np.asarray(forecasts, dtype=float), np.asarray(actuals, dtype=float)
    ok = a != 0
    if not len(a):
        return {"mape": None, "mae": None, "bias": None}
    return {"mape": float(np.mean(np.abs(f[ok] - a[ok]) / np.abs(a[ok]))) if ok.any() else None,
            "mae": float(np.mean(np.abs(f - a))),
            "bias": float(np.sum(f - a) / np.sum(np.abs(a))) if ok.any() else None}


def backtest(data: dict[str, pd.DataFrame], *, first: str | None = None, last: str | None = None) -> dict[str, Any]:
    """Month by month: the model, the stage-weighted pipeline and last month's actual against what was won.

    A month is scored only once a month with closes exists before it (the naive baseline needs one, and the
    hazards learn from closes), so every method is scored on the same months.
    """
    deals = prepare(data)
    actual = won_by_period(deals, "M")
    if actual.empty:
        return {"months": [], "model": {}, "stage_weighted": {}, "last_period": {},
                "note": "no deal has been won yet: there is nothing to backtest against"}
    start = pd.Period(first, "M") if first else actual.index.min() + 1
    end = pd.Period(last, "M") if last else actual.index.max()
    rows = []
    for month in pd.period_range(max(start, actual.index.min() + 1), end, freq="M"):
        fc = forecast_period(deals, data["stages"], month)
        rows.append({"month": str(month), "actual": float(actual.get(month, 0.0)), "model": fc.expected,
                     "stage_weighted": stage_weighted(deals, data["stages"], month),
                     "last_period": float(actual.get(month - 1, 0.0))})
    if not rows:
        return {"months": [], "model": {}, "stage_weighted": {}, "last_period": {},
                "note": "a backtest needs a month that won revenue before the months it scores; "
                        f"revenue was won only in {', '.join(str(p) for p in actual.index)}"}
    table = pd.DataFrame(rows)
    return {"months": rows, **{name: metrics(table[name], table["actual"])
                               for name in ("model", "stage_weighted", "last_period")}}


def record_backtest(engine: Engine, result: dict[str, Any]) -> None:
    """Keep the backtest with the forecast model's version in the registry."""
    with engine.begin() as conn:
        registry.ensure_rule_model(conn, kind="forecast", version=VERSION, features=["deal age", "position in "
                                   "quarter", "amount", "run-rate"], params={"simulations": SIMULATIONS})
        registry.update_metrics(conn, VERSION, {"backtest": {k: v for k, v in result.items() if k != "months"},
                                                "backtest_months": result["months"]})


# --- manual adjustments (audit trail) ---------------------------------------------------------------------------

def adjust(engine: Engine, *, period_kind: str, period_start: date, level: str, key: str, value: float,
           reason: str, author: str) -> dict[str, Any]:
    """Record a manual override; every adjustment is kept, the latest one is the value in force."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    if not reason.strip() or not author.strip():
        raise ValueError("an adjustment needs a reason and an author (the audit trail)")
    with engine.begin() as conn:
        previous = current_value(conn, period_kind=period_kind, period_start=period_start, level=level, key=key)
        row = {"period_kind": period_kind, "period_start": period_start, "level": level, "key": key,
               "previous_value": previous, "value": float(value), "reason": reason, "author": author,
               "created_at": utc_now()}
        conn.execute(forecast_adjustment.insert(), [row])
    return row


def current_value(conn: Connection, *, period_kind: str, period_start: date, level: str, key: str) -> float | None:
    """The latest adjustment's value, else the latest forecast's expected value, else None."""
    where_adj = [forecast_adjustment.c.period_kind == period_kind, forecast_adjustment.c.period_start == period_start,
                 forecast_adjustment.c.level == level, forecast_adjustment.c.key == key]
    adjusted = conn.execute(select(forecast_adjustment.c.value).where(*where_adj)
                            .order_by(forecast_adjustment.c.id.desc()).limit(1)).scalar()
    if adjusted is not None:
        return float(adjusted)
    latest = conn.execute(select(forecast.c.expected).where(
        forecast.c.period_kind == period_kind, forecast.c.period_start == period_start, forecast.c.level == level,
        forecast.c.key == key).order_by(forecast.c.id.desc()).limit(1)).scalar()
    return None if latest is None else float(latest)


def adjustments(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(forecast_adjustment)
                                              .order_by(forecast_adjustment.c.id)).mappings()]


def _with_adjustments(engine: Engine, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        out = []
        for r in rows:
            adjusted = conn.execute(select(forecast_adjustment.c.value).where(
                forecast_adjustment.c.period_kind == r["period_kind"],
                forecast_adjustment.c.period_start == r["period_start"], forecast_adjustment.c.level == r["level"],
                forecast_adjustment.c.key == r["key"]).order_by(forecast_adjustment.c.id.desc()).limit(1)).scalar()
            out.append({**{k: v for k, v in r.items() if k != "run_id"}, "adjusted": adjusted})
        return out
