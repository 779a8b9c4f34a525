"""Closed deals drawn from a known model, as ``ClosedDeals`` (no store): for the model and planted-effect tests."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analytics.winloss.frame import DEAL_COLUMNS, ClosedDeals

COMPETITORS = ("P", "N1", "N2", "N3", "N4", "N5")


def planted(seed: int, *, n: int = 1500, log_odds: Mapping[str, float] | None = None,
            with_competitor: float = 0.8) -> tuple[ClosedDeals, pd.Series]:
    """Closed deals where each faces at most one competitor; a competitor's effect on the log-odds of winning is
    ``log_odds`` (default: P lowers it by log 0.4, the others nothing). Segment and region are null. Returns the
    deals and each deal's true probability of winning."""
    effects = dict.fromkeys(COMPETITORS, 0.0) | dict(log_odds or {"P": float(np.log(0.4))})
    rng = np.random.default_rng(seed)
    ids = [f"d{i:05d}" for i in range(n)]
    draws, names = rng.random(n), rng.choice(list(COMPETITORS), size=n)
    faced = np.array([str(c) if d < with_competitor else None for d, c in zip(draws, names, strict=True)],
                     dtype=object)
    amount = rng.lognormal(9.0, 1.0, size=n)
    logit = 0.2 + np.array([effects[c] if c else 0.0 for c in faced]) + 0.1 * (np.log(amount) - 9.0)
    prob = 1 / (1 + np.exp(-logit))
    deals = pd.DataFrame({
        "id": ids, "is_won": rng.random(n) < prob, "amount": amount,
        "close_date": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 365, size=n), unit="D"),
        "rep": rng.choice(["r1", "r2", "r3", "r4"], size=n), "team": None,
        "segment": rng.choice(["ent", "mid", "smb"], size=n), "region": rng.choice(["DE", "FR", "US"], size=n),
        "industry": None, "account_id": None, "territory": None}).set_index("id", drop=False)
    links = pd.DataFrame({"id": ids, "member": faced}).dropna().reset_index(drop=True)
    empty = pd.DataFrame(columns=["id", "member"])
    return ClosedDeals(deals[[*DEAL_COLUMNS, "territory"]], {"competitor": links, "product": empty}), \
        pd.Series(prob, index=ids)
