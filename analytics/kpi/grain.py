"""The grains kpi_value holds.

A grain is a dimension (``all``: the total, member ``*``) and a period kind (``all``: the whole range, period_start
1970-01-01). The default grains, each computed over the store's whole range:

- (rep, month), (team, month): what a rep's and a manager's dashboard show;
- (company, quarter): an account's quarterly figures;
- (all, month): the company's trend; (all, all): the headline total.

Additive KPIs are read at coarser grains by summing these (analytics/kpi/materialised.py); other grains compile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from analytics.kpi.query import KpiRequest
from analytics.kpi.schema import DIMENSIONS, PERIODS, Dimension, KpiFile, Period

ALL = "all"
ALL_MEMBERS = "*"
WHOLE_RANGE = date(1970, 1, 1)  # period_start of a whole-range row


@dataclass(frozen=True, slots=True)
class Grain:
    dimension: str  # a Dimension or ALL
    period: str  # a Period or ALL

    def __post_init__(self) -> None:
        if self.dimension != ALL and self.dimension not in DIMENSIONS:
            raise ValueError(f"grain dimension {self.dimension!r}: expected all or one of {', '.join(DIMENSIONS)}")
        if self.period != ALL and self.period not in PERIODS:
            raise ValueError(f"grain period {self.period!r}: expected all or one of {', '.join(PERIODS)}")

    @classmethod
    def parse(cls, text: str) -> Grain:
        """``rep:month``, ``all:all``."""
        dimension, _, period = text.partition(":")
        return cls(dimension, period or ALL)

    def __str__(self) -> str:
        return f"{self.dimension}:{self.period}"

    @property
    def dimensions(self) -> tuple[Dimension, ...]:
        return () if self.dimension == ALL else (_dimension(self.dimension),)

    @property
    def period_kind(self) -> Period | None:
        return None if self.period == ALL else _period(self.period)

    def request(self, kpi: KpiFile) -> KpiRequest:
        """The whole range of ``kpi`` at this grain."""
        return KpiRequest(kpi.code, self.dimensions, self.period_kind)


def _dimension(text: str) -> Dimension:
    return next(d for d in DIMENSIONS if d == text)


def _period(text: str) -> Period:
    return next(p for p in PERIODS if p == text)


DEFAULT_GRAINS: tuple[Grain, ...] = (Grain("rep", "month"), Grain("team", "month"), Grain("company", "quarter"),
                                     Grain(ALL, "month"), Grain(ALL, ALL))
