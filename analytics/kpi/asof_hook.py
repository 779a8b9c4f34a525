"""The engine's as-of hook (analytics/kpi/hooks.py AsOfHook) on the opportunities' stage history (asof.py).

The periods are those meeting the request's range [start, end) up to today (the org's local date): a state after
today is not known yet, so later periods are not listed; a range left open starts at the first deal's creation. A
request without a period is one state: at the range's end, or today's end when that is sooner. Only opportunities
keep a history (entities.yaml ``history``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause

from analytics.kpi.asof import PERIOD_COLUMN, as_of_rows, period_bounds
from analytics.kpi.catalog import Measure
from analytics.kpi.errors import KpiNotComputable
from analytics.kpi.schema import Period
from analytics.kpi.zone import Clock, to_local
from store.tables import opportunity


@dataclass(slots=True)
class StageHistory:
    engine: Engine
    zone: str = "UTC"
    fiscal_start: int = 1
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    _first: date | None = field(default=None, init=False)

    def today(self) -> date:
        return to_local(self.clock(), self.zone).date()

    def first_day(self) -> date:
        """The local day the first live deal was created (today when there is none)."""
        if self._first is None:
            with self.engine.connect() as conn:
                first = conn.execute(select(func.min(opportunity.c.created_at))
                                     .where(opportunity.c.deleted_at.is_(None))).scalar()
            self._first = to_local(first, self.zone).date() if isinstance(first, datetime) else self.today()
        return self._first

    def states(self, measure: Measure, *, period: Period | None, start: date | None, end: date | None,
               clock: Clock) -> tuple[FromClause, ColumnElement[Any]]:
        if measure.spec.entity != "opportunity":
            raise KpiNotComputable(f"measure {measure.name} is as_of, but only opportunities keep a stage history "
                                   f"(opportunity_stage); {measure.spec.entity} has none")
        tomorrow = self.today() + timedelta(days=1)  # a state after today is not known yet
        last = min(end, tomorrow) if end else tomorrow
        first = min(start or self.first_day(), last - timedelta(days=1))
        bounds = [(first, last)] if period is None else period_bounds(first, last, period, self.fiscal_start)
        rows = as_of_rows(bounds, clock.zone).subquery("as_of_states")
        return rows, rows.c[PERIOD_COLUMN]
