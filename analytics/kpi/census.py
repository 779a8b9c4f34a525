"""The KPI census: per module and overall, how many KPIs are computed, need data, or cannot be computed.

Two ways of counting, both reported: memberships (a KPI counts once in each module that lists it: the registry
document's per-module figures add up to 664) and distinct KPIs (a KPI counts once: the issue's 60 % goal).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from analytics.kpi.schema import KpiFile, Status

STATUSES: tuple[Status, ...] = ("computed", "needs_data", "not_computable")


@dataclass(frozen=True, slots=True)
class StatusCounts:
    computed: int = 0
    needs_data: int = 0
    not_computable: int = 0

    @classmethod
    def of(cls, kpis: Iterable[KpiFile]) -> StatusCounts:
        counted = Counter(kpi.status for kpi in kpis)
        return cls(**{status: counted[status] for status in STATUSES})

    @property
    def total(self) -> int:
        return self.computed + self.needs_data + self.not_computable

    @property
    def computed_share(self) -> float | None:
        """computed / total; None for no KPIs (a share of nothing is no share, not 0 %)."""
        return self.computed / self.total if self.total else None

    def as_dict(self) -> dict[str, Any]:
        return {"computed": self.computed, "needs_data": self.needs_data, "not_computable": self.not_computable,
                "total": self.total, "computed_share": self.computed_share}


@dataclass(frozen=True, slots=True)
class Census:
    modules: Mapping[str, StatusCounts]  # per module (memberships), in modules.yaml's order
    distinct: StatusCounts  # every KPI once
    memberships: StatusCounts  # the modules' counts summed: a KPI in 8 modules counts 8 times

    def as_dict(self) -> dict[str, Any]:
        return {"modules": {code: counts.as_dict() for code, counts in self.modules.items()},
                "distinct": self.distinct.as_dict(), "memberships": self.memberships.as_dict()}


def census_of(kpis: Iterable[KpiFile], modules: Mapping[str, Iterable[KpiFile]]) -> Census:
    per_module = {code: StatusCounts.of(members) for code, members in modules.items()}
    summed = StatusCounts(**{s: sum(getattr(c, s) for c in per_module.values()) for s in STATUSES})
    return Census(modules=per_module, distinct=StatusCounts.of(kpis), memberships=summed)
