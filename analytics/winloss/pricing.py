"""Pricing (FR-034): what discounting buys.

- Win rate against discount depth: closed deals binned by depth (``BINS``; ``none``: sold at or above list), each
  bin's win rate with its Wilson interval and Fisher's test against the no-discount bin; and the isotonic fit
  (scikit-learn ``IsotonicRegression``, direction chosen by the data) of win on depth, the monotone curve nearest
  the deals.
- Quarter-end discounting: the mean depth of won deals closed in the last ``QUARTER_END_DAYS`` days of a calendar
  quarter minus that of the other won deals, with Welch's 95 % interval (scipy ``ttest_ind``).
- Discount with no win uplift, per rep and quarter: the currency given away on won deals whose depth bin wins no
  more often than deals without discount (one-sided Fisher p ≥ 0.05 against the no-discount bin).
- List-vs-sold dispersion: sold ÷ list per line of the won deals, overall and per product (mean, standard
  deviation, coefficient of variation, deciles and quartiles).
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd
from scipy.stats import fisher_exact, ttest_ind
from sklearn.isotonic import IsotonicRegression
from sqlalchemy import Engine

from analytics.winloss.frame import ClosedDeals
from analytics.winloss.prices import deal_prices, line_values, read_lines
from analytics.winloss.stats import wilson

BINS = (-np.inf, 0.0, 0.05, 0.10, 0.20, 0.30, np.inf)  # right-closed: (-inf, 0] is "no discount"
BIN_LABELS = ("none", "0-5 %", "5-10 %", "10-20 %", "20-30 %", ">30 %")
QUARTER_END_DAYS = 14
UPLIFT_ALPHA = 0.05


@dataclass(frozen=True)
class DepthBin:
    label: str
    deals: int
    wins: int
    mean_depth: float
    win_rate: float
    ci_low: float
    ci_high: float
    isotonic: float  # the isotonic fit at the bin's mean depth
    p_uplift: float | None  # one-sided Fisher: this bin wins more often than "none"


@dataclass(frozen=True)
class PricingReport:
    priced_deals: int
    closed_deals: int
    bins: list[DepthBin]
    isotonic_increasing: bool | None
    quarter_end: dict[str, Any] | None
    no_uplift: list[dict[str, Any]]
    dispersion: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def depth_bins(priced: pd.DataFrame, notes: list[str]) -> tuple[list[DepthBin], bool | None]:
    cut = pd.cut(priced["depth"], list(BINS), labels=list(BIN_LABELS), right=True)
    iso = IsotonicRegression(increasing="auto", out_of_bounds="clip")
    won = priced["is_won"].astype(float)
    increasing: bool | None = None
    if priced["depth"].nunique() > 1:
        with warnings.catch_warnings():  # "auto" warns when the direction is uncertain; the report shows the bins
            warnings.simplefilter("ignore", UserWarning)
            iso.fit(priced["depth"], won)
        increasing = bool(iso.increasing_)
    base = priced[cut == "none"]
    base_w, base_n = int(base["is_won"].sum()), len(base)
    if base_n == 0:
        notes.append("no closed deal without discount: no baseline to measure an uplift against")
    out = []
    for label in BIN_LABELS:
        rows = priced[cut == label]
        if rows.empty:
            continue
        w, n = int(rows["is_won"].sum()), len(rows)
        low, high = wilson(w, n) or (0.0, 1.0)
        depth = float(rows["depth"].mean())
        fitted = float(iso.predict([depth])[0]) if increasing is not None else w / n
        p = None
        if label != "none" and base_n:
            p = float(fisher_exact([[w, n - w], [base_w, base_n - base_w]], alternative="greater").pvalue)
        out.append(DepthBin(label, n, w, depth, w / n, low, high, fitted, p))
    return out, increasing


def _quarter_end(priced: pd.DataFrame) -> dict[str, Any] | None:
    won = priced[priced["is_won"] & priced["close_date"].notna()]
    day = pd.to_datetime(won["close_date"])
    quarter_end = (day.dt.to_period("Q").dt.end_time.dt.normalize() - day).dt.days < QUARTER_END_DAYS
    late, rest = won.loc[quarter_end, "depth"], won.loc[~quarter_end, "depth"]
    if len(late) < 2 or len(rest) < 2:
        return None
    test = ttest_ind(late, rest, equal_var=False)
    ci = test.confidence_interval(0.95)
    return {"days": QUARTER_END_DAYS, "deals_quarter_end": len(late), "deals_rest": len(rest),
            "mean_depth_quarter_end": float(late.mean()), "mean_depth_rest": float(rest.mean()),
            "difference": float(late.mean() - rest.mean()), "ci_low": float(ci.low), "ci_high": float(ci.high),
            "p": float(test.pvalue)}


def _no_uplift(priced: pd.DataFrame, bins: list[DepthBin], names: dict[str, str]) -> list[dict[str, Any]]:
    useless = {b.label for b in bins if b.p_uplift is not None and b.p_uplift >= UPLIFT_ALPHA}
    cut = pd.cut(priced["depth"], list(BINS), labels=list(BIN_LABELS), right=True).astype(str)
    won = priced[priced["is_won"] & (priced["discount"] > 0) & priced["close_date"].notna()].copy()
    if won.empty or not any(b.label == "none" for b in bins):
        return []
    won["quarter"] = pd.to_datetime(won["close_date"]).dt.to_period("Q").astype(str)
    won["wasted"] = won["discount"].where(cut[won.index].isin(useless), 0.0)
    grouped = won.groupby([won["rep"].fillna("(none)"), "quarter"]).agg(
        deals=("discount", "size"), discount=("discount", "sum"), no_uplift=("wasted", "sum"))
    out = []
    for key, r in grouped.iterrows():
        rep, quarter = (str(k) for k in cast(tuple[Any, Any], key))
        out.append({"rep": rep, "rep_name": names.get(rep, rep), "quarter": quarter,
                    "discounted_won_deals": int(r["deals"]), "discount": float(r["discount"]),
                    "discount_no_uplift": float(r["no_uplift"])})
    return out


def _spread(ratio: pd.Series) -> dict[str, float]:
    q = ratio.quantile([0.1, 0.25, 0.5, 0.75, 0.9])
    mean, sd = float(ratio.mean()), float(ratio.std(ddof=1)) if len(ratio) > 1 else 0.0
    return {"lines": len(ratio), "mean": mean, "sd": sd, "cv": sd / mean if mean else float("nan"),
            "p10": float(q[0.1]), "p25": float(q[0.25]), "median": float(q[0.5]), "p75": float(q[0.75]),
            "p90": float(q[0.9])}


def _dispersion(values: pd.DataFrame, priced: pd.DataFrame) -> dict[str, Any]:
    won = values[values["opportunity_id"].isin(priced.index[priced["is_won"]])]
    ratio = won["sold_value"] / won["list_value"]
    if ratio.empty:
        return {}
    return {"overall": _spread(ratio),
            "by_product": {str(p): _spread(r) for p, r in ratio.groupby(won["product"].fillna("(none)"))}}


def pricing(engine: Engine, data: ClosedDeals) -> PricingReport:
    values = line_values(read_lines(engine, data))
    priced = deal_prices(data, values)
    notes: list[str] = []
    if values["currency"].dropna().nunique() > 1:
        notes.append(f"line items in {values['currency'].dropna().nunique()} currencies: sums are not converted")
    if priced.empty:
        notes.append("no closed deal has a line item with both a list price and a sold value")
        return PricingReport(0, len(data.deals), [], None, None, [], {}, notes)
    bins, increasing = depth_bins(priced, notes)
    return PricingReport(len(priced), len(data.deals), bins, increasing, _quarter_end(priced),
                         _no_uplift(priced, bins, data.names.get("rep", {})), _dispersion(values, priced), notes)
