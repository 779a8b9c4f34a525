"""Explained units: the model's columns grouped by rank correlation, ranked by a grouped permutation importance.

Correlated inputs carry one signal (on the bank-marketing import euribor3m, emp.var.rate and nr.employed are one
macro indicator): explained one by one they take three of a record's reason slots and split the credit between them,
so each looks weaker than the signal is. Here numeric columns whose pairwise |Spearman| reaches ``CORRELATED`` join
one group (transitively: a union-find over the pairs), every categorical column is a group of its own, and a group is
permuted, and later set to its baseline, as one unit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

CORRELATED = 0.8  # |Spearman rank correlation| from which two numeric columns count as one signal
MIN_PAIRED_ROWS = 30  # fewer rows with both values: a correlation is noise, the pair is never joined
SHOWN_MEMBERS = 3  # a group label names this many members, then "& N more"
LabelOf = Callable[[str], str]  # a column's reason label, e.g. "custom__nr_employed" -> "nr employed"


def correlated_groups(data: pd.DataFrame, categorical: Sequence[str]) -> list[list[str]]:
    """Groups of ``data``'s columns, each in column order; the groups in the order of their first column.

    NaN-tolerant: each pair is correlated on the rows where both are present (pandas' pairwise-complete ``corr``).
    A constant column has no correlation (NaN) and stays alone.
    """
    columns = list(data.columns)
    parent = {c: c for c in columns}

    def root(c: str) -> str:
        while parent[c] != c:
            parent[c] = parent[parent[c]]  # path halving: the trees stay flat
            c = parent[c]
        return c

    numeric = [c for c in columns if c not in categorical]
    if len(numeric) > 1:
        rho = data[numeric].corr(method="spearman", min_periods=MIN_PAIRED_ROWS).abs().to_numpy()
        for i, j in zip(*np.nonzero(np.triu(np.nan_to_num(rho, nan=0.0) >= CORRELATED, k=1)), strict=True):
            parent[root(numeric[i])] = root(numeric[j])
    members: dict[str, list[str]] = {}
    for c in columns:
        members.setdefault(root(c), []).append(c)
    return list(members.values())


def grouped_importance(predict: Callable[[pd.DataFrame], np.ndarray], sample: pd.DataFrame, y: np.ndarray,
                           groups: Sequence[Sequence[str]], *, n_repeats: int = 2,
                           seed: int = 0) -> list[float]:
    """Mean drop in AUC when all columns of a group are shuffled together (one row permutation per repeat), per
    group. One permutation for the whole group keeps the group's rows intact, so its members' correlation survives
    and the drop is the group's, not what breaking the correlation costs."""
    rng = np.random.default_rng(seed)
    reference = float(roc_auc_score(y, predict(sample)))
    n = len(sample)
    out = []
    for group in groups:
        cols = list(group)
        variants = []
        for _ in range(n_repeats):
            shuffled = sample.copy()
            order = rng.permutation(n)
            for c in cols:
                shuffled[c] = sample[c].to_numpy()[order]
            variants.append(shuffled)
        # The repeats in one call: per-call overhead of a pipeline is a good part of 2,000 rows' cost.
        proba = predict(pd.concat(variants, ignore_index=True))
        drops = [reference - float(roc_auc_score(y, proba[r * n:(r + 1) * n])) for r in range(n_repeats)]
        out.append(float(np.mean(drops)))
    return out


def chosen_units(importance: Sequence[float], limit: int) -> list[int]:
    """Indices of the groups to explain: the ``limit`` most important with importance > 0, and always the most
    important one even when none is > 0, so that every scored record has a reason to show."""
    ranked = [int(i) for i in np.argsort(-np.asarray(importance, dtype=float), kind="stable")]
    kept = [i for i in ranked[:limit] if importance[i] > 0]
    return kept or ranked[:1]


def joined_label(labels: Sequence[str]) -> str:
    """"a", "a & b", "a, b & c", "a, b, c & 2 more": the members a rep reads, most important first."""
    shown = list(labels[:SHOWN_MEMBERS])
    rest = len(labels) - len(shown)
    if rest:
        return f"{', '.join(shown)} & {rest} more"
    if len(shown) <= 1:
        return "".join(shown)
    return f"{', '.join(shown[:-1])} & {shown[-1]}"


def member_order(groups: Sequence[Sequence[str]], single: dict[str, float]) -> list[list[str]]:
    """Each group's members by their own importance, most important first (ties keep column order)."""
    return [sorted(group, key=lambda c: -single.get(c, 0.0)) for group in groups]


def as_groups(explained: Sequence[str], groups: dict[str, list[str]] | Any) -> list[list[str]]:
    """The columns behind each explained unit; a unit without a stored group (artifacts stored before groups
    existed) is its own single column."""
    stored = groups if isinstance(groups, dict) else {}
    return [list(stored.get(name, [name])) for name in explained]
