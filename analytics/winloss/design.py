"""The design matrix of the controlled model: which levels get a column, which are pooled and which cannot be
estimated, each decision written down as a note for the reader of the odds ratios."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.winloss.frame import NONE, ClosedDeals

MIN_LEVEL = 10  # a level with fewer deals is pooled into OTHER: its own odds ratio would be noise
OTHER = "(other)"


@dataclass
class Design:
    y: pd.Series
    x: pd.DataFrame  # const, log_amount, then one 0/1 column per estimated level ("factor=level")
    baselines: dict[str, str]
    notes: list[str] = field(default_factory=list)


def _pool(values: pd.Series, factor: str, notes: list[str]) -> pd.Series:
    counts = values.value_counts()
    rare = sorted(str(v) for v in counts[counts < MIN_LEVEL].index)
    if rare:
        notes.append(f"{factor}: {len(rare)} level(s) with fewer than {MIN_LEVEL} deals pooled as {OTHER} "
                     f"({', '.join(rare[:5])}{', …' if len(rare) > 5 else ''})")
    return values.where(~values.isin(rare), OTHER)


def _competitor_columns(data: ClosedDeals, index: pd.Index, notes: list[str]) -> pd.DataFrame:
    """One 0/1 column per competitor faced (a deal may face several); the baseline is "none recorded"."""
    links = data.links["competitor"]
    links = links[links["id"].isin(index)]
    member = _pool(links["member"], "competitor", notes)
    wide = pd.crosstab(links["id"], member).clip(upper=1)
    wide = wide.reindex(index, fill_value=0)
    return wide.rename(columns=lambda c: f"competitor={c}").astype(float)


def _factor_columns(values: pd.Series, factor: str, baselines: dict[str, str], notes: list[str]) -> pd.DataFrame:
    """Dummy columns of a single-valued factor, its most frequent level the baseline."""
    pooled = _pool(values.fillna(NONE).astype(str), factor, notes)
    if pooled.nunique() < 2:
        notes.append(f"{factor}: one level only ({pooled.iloc[0] if len(pooled) else NONE}), no column")
        return pd.DataFrame(index=values.index)
    counts = pooled.value_counts()
    base = str(sorted(counts[counts == counts.max()].index)[0])
    baselines[factor] = base
    dummies = pd.get_dummies(pooled, prefix=factor, prefix_sep="=", dtype=float)
    return dummies.drop(columns=f"{factor}={base}")


def _drop_separated(y: pd.Series, x: pd.DataFrame, notes: list[str]) -> tuple[pd.Series, pd.DataFrame]:
    """Leave out the deals of a level whose deals all won or all lost: its odds ratio would be 0 or infinite (the
    maximum-likelihood estimate does not exist), and it would stop the fit. The note names it and its deals."""
    keep = pd.Series(True, index=x.index)
    for col in [c for c in x.columns if "=" in c]:
        on = x[col] == 1
        outcomes = y[on & keep]
        if len(outcomes) and outcomes.nunique() == 1:
            notes.append(f"{col}: all {len(outcomes)} deals {'won' if outcomes.iloc[0] else 'lost'} "
                         "(separation): not estimable, its deals left out of the fit")
            keep &= ~on
    x = x[keep]
    x = x.loc[:, (x != 0).any(axis=0) | ~x.columns.str.contains("=")]
    return y[keep], x


def build_design(data: ClosedDeals, factors: tuple[str, ...]) -> Design:
    notes: list[str] = []
    deals = data.deals
    usable = deals["amount"].notna() & (deals["amount"] > 0)
    if (~usable).any():
        notes.append(f"{int((~usable).sum())} closed deal(s) without a positive amount left out (log size)")
    deals = deals[usable]
    y = deals["is_won"].astype(float)
    parts = [pd.DataFrame({"const": 1.0, "log_amount": np.log(deals["amount"].astype(float))}, index=deals.index)]
    baselines: dict[str, str] = {}
    for factor in factors:
        if factor == "competitor":
            columns = _competitor_columns(data, deals.index, notes)
            if columns.shape[1]:
                baselines["competitor"] = "no competitor recorded"
            else:
                notes.append("competitor: none recorded on these deals, no column")
            parts.append(columns)
        else:
            labels = data.names.get(factor, {})  # territory and rep ids read as their names
            parts.append(_factor_columns(deals[factor].map(lambda v, lab=labels: lab.get(v, v)), factor, baselines,
                                         notes))
    x = pd.concat(parts, axis=1)
    y, x = _drop_separated(y, x, notes)
    return Design(y, x, baselines, notes)
