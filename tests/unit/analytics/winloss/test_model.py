"""The controlled model: odds ratios equal an unpenalised logistic fit by scikit-learn on a design built here
independently; rare and separated levels are pooled or left out with a note, never a crash."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from analytics.winloss.frame import ClosedDeals
from analytics.winloss.model import fit_model
from tests.unit.analytics.winloss.synthetic import planted


def _terms(result: object) -> dict[str, float]:
    return {t.name: t.odds_ratio for t in result.terms}  # type: ignore[attr-defined]


def test_odds_ratios_equal_sklearn() -> None:
    data, _ = planted(3, n=2000)
    result = fit_model(data)
    assert result.converged and result.deals == 2000 and result.notes == []
    deals = data.deals
    links = data.links["competitor"].set_index("id")["member"].reindex(deals.index)
    base = {f: deals[f].value_counts().sort_index().idxmax() for f in ("segment", "region")}  # most frequent
    x = pd.concat([np.log(deals["amount"]).rename("log_amount"),
                   pd.get_dummies(links, prefix="competitor", prefix_sep="=", dtype=float),
                   pd.get_dummies(deals["segment"], prefix="segment", prefix_sep="=", dtype=float)
                   .drop(columns=f"segment={base['segment']}"),
                   pd.get_dummies(deals["region"], prefix="region", prefix_sep="=", dtype=float)
                   .drop(columns=f"region={base['region']}")], axis=1)
    fitted = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(x, deals["is_won"])
    want = dict(zip(x.columns, np.exp(fitted.coef_[0]), strict=True))
    got = _terms(result)
    assert set(got) == set(want)
    for name, value in want.items():
        assert got[name] == pytest.approx(value, rel=1e-4), name
    for term in result.terms:
        assert term.ci_low < term.odds_ratio < term.ci_high
    assert result.baselines == {"competitor": "no competitor recorded", **base}


def _with(data: ClosedDeals, *, segment: pd.Series | None = None, won: pd.Series | None = None) -> ClosedDeals:
    deals = data.deals.copy()
    if segment is not None:
        deals["segment"] = segment
    if won is not None:
        deals["is_won"] = won
    return ClosedDeals(deals, data.links, data.names)


def test_a_tiny_level_is_pooled_with_a_note() -> None:
    data, _ = planted(4, n=600)
    segment = data.deals["segment"].copy()
    segment.iloc[:3] = "rare"
    result = fit_model(_with(data, segment=segment))
    assert result.converged
    assert any("segment: 1 level(s) with fewer than 10 deals pooled as (other) (rare)" in n for n in result.notes)
    assert "segment=rare" not in _terms(result)


def test_separation_is_a_note_not_a_crash() -> None:
    data, _ = planted(5, n=800)
    faced = data.links["competitor"]
    p_deals = faced.loc[faced["member"] == "P", "id"]
    won = data.deals["is_won"].copy()
    won[won.index.isin(p_deals)] = False  # every deal against P lost: its odds ratio would be 0
    result = fit_model(_with(data, won=won))
    assert result.converged
    assert "competitor=P" not in _terms(result)
    assert any(n.startswith(f"competitor=P: all {len(p_deals)} deals lost (separation)") for n in result.notes)


def test_one_outcome_only_fits_nothing() -> None:
    data, _ = planted(6, n=100)
    result = fit_model(_with(data, won=pd.Series(True, index=data.deals.index)))
    assert not result.converged and result.terms == []
    assert any("all won or all lost" in n for n in result.notes)
