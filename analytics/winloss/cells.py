"""The win/loss table: closed deals cut by one or more dimensions (several at once make cells of their members).

Per cell: wins, losses, win rate with its Wilson 95 % interval, Fisher's exact test against every closed deal not in
the cell (odds ratio and p), the Benjamini-Hochberg adjusted p across the table's cells (``q``), and the
empirical-Bayes win rate with its 95 % posterior interval. Per table: the deals, the pooled rate, the fill rate of
competitor data, the chi-square test of the whole dimension where it applies, the prior and notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from analytics.winloss.frame import DIMENSIONS, MULTI, NONE, ClosedDeals
from analytics.winloss.shrink import Prior, fit_prior
from analytics.winloss.stats import bh_adjust, chi_square, fisher_vs_rest, wilson

FDR = 0.10  # a cell is flagged when its BH-adjusted p is below this


class UnknownDimension(ValueError):
    """A --by name that is no dimension."""


@dataclass(frozen=True)
class Cell:
    members: tuple[str, ...]
    labels: tuple[str, ...]
    wins: int
    losses: int
    win_rate: float
    ci_low: float
    ci_high: float
    odds_ratio: float | None  # the cell's odds of winning over the rest's
    p: float | None
    q: float | None = None
    shrunk: float | None = None
    shrunk_low: float | None = None
    shrunk_high: float | None = None
    open: int = 0  # the cell's deals still open (not in any test: only in win_rate_all)

    @property
    def n(self) -> int:
        return self.wins + self.losses

    @property
    def win_rate_all(self) -> float | None:
        """Wins over all the cell's deals, open ones included: the "win rate" of many published dashboards."""
        total = self.n + self.open
        return self.wins / total if total else None

    @property
    def flagged(self) -> bool:
        return self.q is not None and self.q < FDR


@dataclass(frozen=True)
class WinLossTable:
    dims: tuple[str, ...]
    deals: int
    wins: int
    competitor_fill_rate: float | None  # closed deals with a competitor recorded, over closed deals
    cells: list[Cell]
    chi_square: tuple[float, int, float] | None
    prior: Prior | None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["cells"] = [{**asdict(c), "n": c.n, "win_rate_all": c.win_rate_all, "flagged": c.flagged}
                        for c in self.cells]
        out["chi_square"] = (dict(zip(("statistic", "dof", "p"), self.chi_square, strict=True))
                             if self.chi_square else None)
        out["fdr"] = FDR
        return out


def parse_dims(text: str) -> tuple[str, ...]:
    dims = tuple(d.strip() for d in text.split(",") if d.strip())
    unknown = [d for d in dims if d not in DIMENSIONS]
    if not dims or unknown:
        raise UnknownDimension(f"--by {text!r}: {', '.join(unknown) or 'no dimension'} is not one of "
                               f"{', '.join(DIMENSIONS)}")
    return dims


def _cell_members(data: ClosedDeals, dims: Sequence[str], *, of_open: bool = False) -> pd.DataFrame:
    """(id, m0, m1, …): a row per deal per combination of its members."""
    out = pd.DataFrame({"id": (data.open if of_open else data.deals).index})
    for i, dim in enumerate(dims):
        out = out.merge(data.members(dim, of_open=of_open).rename(columns={"member": f"m{i}"}), on="id",
                        how="inner")
    return out


def _open_counts(data: ClosedDeals, dims: Sequence[str]) -> dict[tuple[str, ...], int]:
    keys = [f"m{i}" for i in range(len(dims))]
    counts = _cell_members(data, dims, of_open=True).groupby(keys).size()
    return {tuple(str(k) for k in (key if isinstance(key, tuple) else (key,))): int(v) for key, v in counts.items()}


def win_loss(data: ClosedDeals, dims: Sequence[str]) -> WinLossTable:
    dims = tuple(dims)
    deals = data.deals
    total, total_wins = len(deals), int(deals["is_won"].sum())
    faced = data.links["competitor"]["id"]
    fill = (faced[faced.isin(deals.index)].nunique() / total) if total else None
    notes: list[str] = []
    if total == 0:
        return WinLossTable(dims, 0, 0, fill, [], None, None, ["no closed deals in the period"])
    keys = [f"m{i}" for i in range(len(dims))]
    members = _cell_members(data, dims).merge(deals[["is_won"]], left_on="id", right_index=True)
    grouped = members.groupby(keys, sort=True)["is_won"].agg(["sum", "count"])
    still_open = _open_counts(data, dims)
    raw: list[Cell] = []
    for key, row in grouped.iterrows():
        combo = tuple(str(k) for k in (key if isinstance(key, tuple) else (key,)))
        wins, n = int(row["sum"]), int(row["count"])
        low, high = wilson(wins, n) or (0.0, 1.0)
        odds, p = fisher_vs_rest(wins, n - wins, total_wins - wins, (total - total_wins) - (n - wins))
        labels = tuple(data.names.get(d, {}).get(m, m) for d, m in zip(dims, combo, strict=True))
        raw.append(Cell(combo, labels, wins, n - wins, wins / n, low, high, odds, p,
                        open=still_open.get(combo, 0)))
    qs = bh_adjust([c.p for c in raw])
    prior = fit_prior([c.wins for c in raw], [c.n for c in raw])
    cells = [_finish(c, q, prior) for c, q in zip(raw, qs, strict=True)]
    # The cells partition the deals when no deal has two members of a multi-valued dimension: then (and only
    # then) the cells form a k x 2 contingency table and the beta-binomial's groups are separate.
    partition = bool(members["id"].is_unique)
    chi = chi_square([c.wins for c in cells], [c.losses for c in cells]) if partition else None
    if not partition:
        notes.append(f"{', '.join(d for d in dims if d in MULTI)}: some deals have several members and count in "
                     "each of their cells, so cells overlap; no chi-square test over the whole table, and the "
                     "shrinkage prior treats the cells as separate groups")
    if prior is None:
        notes.append("no shrinkage: fewer than 3 cells, or every deal won or every deal lost")
    elif prior.at_bound:
        notes.append("the cells are no more spread than chance would make them: each shrinks to the pooled rate")
    if "competitor" in dims and fill is not None and fill < 0.5:
        notes.append(f"competitor recorded on {fill:.0%} of closed deals: the {NONE} cell is most of the table")
    return WinLossTable(dims, total, total_wins, fill, cells, chi, prior, notes)


def _finish(cell: Cell, q: float | None, prior: Prior | None) -> Cell:
    if prior is None:
        return Cell(**{**asdict(cell), "q": q})
    mean, low, high = prior.posterior(cell.wins, cell.n)
    return Cell(**{**asdict(cell), "q": q, "shrunk": mean, "shrunk_low": low, "shrunk_high": high})
