"""The controlled model: win ~ competitor + log(size) + segment + region, a logistic regression (statsmodels Logit)
whose exponentiated coefficients are odds ratios with 95 % Wald intervals.

A raw win rate by competitor mixes the competitor with where it is met (big deals, one region); the model holds
size, segment and region fixed. Competitors enter as one indicator each (a deal may face several) against deals with
no competitor recorded; segment and region as dummies against their most frequent level. Rare levels are pooled and
separated ones left out (``design``), and a fit that fails or does not converge is reported as such, not raised.
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import statsmodels.api as sm

from analytics.winloss.design import build_design
from analytics.winloss.frame import ClosedDeals
from analytics.winloss.stats import bh_adjust

FACTORS = ("competitor", "segment", "region")


@dataclass(frozen=True)
class Term:
    name: str  # "log_amount" or "factor=level"
    odds_ratio: float
    ci_low: float
    ci_high: float
    p: float
    deals: int  # deals with the level (all deals used, for log_amount)
    q: float | None = None  # Benjamini-Hochberg across the competitor terms (the family the model is asked about)


@dataclass(frozen=True)
class ModelResult:
    formula: str
    deals: int
    converged: bool
    terms: list[Term]
    baselines: dict[str, str]
    pseudo_r2: float | None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def fit_model(data: ClosedDeals, factors: tuple[str, ...] = FACTORS) -> ModelResult:
    formula = "win ~ " + " + ".join(["log(amount)", *factors])
    design = build_design(data, factors)
    y, x, notes = design.y, design.x, design.notes
    if len(y) == 0 or y.nunique() < 2:
        notes.append("no fit: the deals left are all won or all lost (or there are none)")
        return ModelResult(formula, len(y), False, [], design.baselines, None, notes)
    if len(y) <= x.shape[1]:
        notes.append(f"no fit: {len(y)} deals for {x.shape[1]} coefficients")
        return ModelResult(formula, len(y), False, [], design.baselines, None, notes)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fit = sm.Logit(y, x).fit(disp=0, maxiter=200)
    except (np.linalg.LinAlgError, ValueError) as exc:  # singular design, perfect separation left after pooling
        notes.append(f"no fit: {type(exc).__name__}: {exc}")
        return ModelResult(formula, len(y), False, [], design.baselines, None, notes)
    notes.extend(f"statsmodels: {w.message}" for w in caught if "converge" in str(w.message).lower()
                 or "separation" in str(w.message).lower())
    converged = bool(fit.mle_retvals.get("converged", False))
    if not converged:
        notes.append("the fit did not converge: odds ratios are not reliable")
    ci = np.asarray(fit.conf_int(alpha=0.05))
    terms = []
    for i, name in enumerate(x.columns):
        if name == "const":
            continue
        n = int(len(y) if name == "log_amount" else (x[name] == 1).sum())
        terms.append(Term(str(name), float(np.exp(fit.params.iloc[i])), float(np.exp(ci[i, 0])),
                          float(np.exp(ci[i, 1])), float(fit.pvalues.iloc[i]), n))
    return ModelResult(formula, len(y), converged, _with_q(terms), design.baselines, float(fit.prsquared), notes)


def _with_q(terms: list[Term]) -> list[Term]:
    family = [i for i, t in enumerate(terms) if t.name.startswith("competitor=")]
    qs = bh_adjust([terms[i].p for i in family])
    out = list(terms)
    for i, q in zip(family, qs, strict=True):
        out[i] = replace(out[i], q=q)
    return out
