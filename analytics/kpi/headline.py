"""Headline KPIs per rep or per team over a window: what a sales dashboard opens on, one row per member.

Each value comes through ``query.compute``, so from kpi_value wherever the stored values answer the request exactly
(the additive KPIs roll up from the months refreshed) and compiled from the store's rows otherwise; each KPI says
which. The window is whole fiscal quarters (``trailing_quarters``): quota periods fall inside it whole, and it is
on the stored months' boundaries. An as-of KPI (open pipeline) is read as of the window's last day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import Engine, select

from analytics.kpi.calendar import bucket
from analytics.kpi.catalog import Catalog
from analytics.kpi.dims import UNKNOWN
from analytics.kpi.query import KpiRequest, compute
from analytics.kpi.schema import KpiFile
from config.models.kpi import KpiSettings
from store.tables import crm_user

# Won revenue, the win rate over closed deals, the mean won deal, the won deals' cycle, the pipeline open at the
# window's end, won revenue against quota, activities logged, and won revenue with key accounts.
HEADLINE_KPIS: tuple[str, ...] = ("WON_REVENUE", "WIN_RATE_CLOSED", "AVERAGE_WON_DEAL_SIZE", "SALES_CYCLE_LENGTH_WON",
                                  "OPEN_PIPELINE_VALUE", "QUOTA_ATTAINMENT", "ACTIVITIES_LOGGED",
                                  "KEY_ACCOUNT_WON_REVENUE")
HeadlineDimension = Literal["rep", "team"]


@dataclass(frozen=True, slots=True)
class HeadlineKpi:
    code: str
    name: str
    unit: str
    source: str  # kpi_value | compiled
    warnings: tuple[str, ...]  # what its values leave out (amounts with no exchange rate …)


@dataclass(frozen=True, slots=True)
class HeadlineRow:
    member: str  # the rep's crm_user id, or the team's name
    label: str  # the rep's name and connection, or the team's name
    values: dict[str, float | None]  # KPI code -> value (None: no value, e.g. a rate over no closed deal)


@dataclass(frozen=True, slots=True)
class Headlines:
    dimension: HeadlineDimension
    start: date
    end: date  # the first day not counted
    kpis: tuple[HeadlineKpi, ...]
    rows: tuple[HeadlineRow, ...]  # by the first KPI's value, highest first; members without one last

    def as_dict(self) -> dict[str, Any]:
        return {"dimension": self.dimension, "start": self.start.isoformat(), "end": self.end.isoformat(),
                "kpis": [{"code": k.code, "name": k.name, "unit": k.unit, "source": k.source,
                          "warnings": list(k.warnings)} for k in self.kpis],
                "rows": [{"member": r.member, "label": r.label, "values": r.values} for r in self.rows]}


def trailing_quarters(now: datetime, settings: KpiSettings, count: int = 4) -> tuple[date, date]:
    """[start, end): the ``count`` whole fiscal quarters before the one ``now`` falls in (in the org's zone)."""
    end = bucket(now, "fiscal_quarter", settings.fiscal_year_start_month, settings.time_zone)
    months = end.year * 12 + end.month - 1 - 3 * count
    return date(months // 12, months % 12 + 1, 1), end


def headlines(engine: Engine, kpis: Sequence[KpiFile], *, dimension: HeadlineDimension, start: date, end: date,
              catalog: Catalog, settings: KpiSettings) -> Headlines:
    """``kpis`` per ``dimension`` member over [start, end); a member any KPI has is a row."""
    found: list[HeadlineKpi] = []
    values: dict[str, dict[str, float | None]] = {}
    for kpi in kpis:
        result = compute(engine, kpi, KpiRequest(kpi.code, (dimension,), None, start, end), catalog=catalog,
                         settings=settings)
        found.append(HeadlineKpi(kpi.code, kpi.name, kpi.unit, result.source, result.warnings))
        for row in result.rows:
            values.setdefault(row.members[dimension], {})[kpi.code] = row.value
    labels = _rep_labels(engine, set(values)) if dimension == "rep" else {}
    rows = [HeadlineRow(member, labels.get(member) or _label(member, dimension),
                        {k.code: got.get(k.code) for k in found})
            for member, got in values.items()]
    first = found[0].code if found else ""
    rows.sort(key=lambda r: (r.values.get(first) is None, -(r.values.get(first) or 0.0), r.label))
    return Headlines(dimension, start, end, tuple(found), tuple(rows))


def _label(member: str, dimension: str) -> str:
    return f"(no {dimension})" if member == UNKNOWN else member


def _rep_labels(engine: Engine, ids: set[str]) -> dict[str, str]:
    """A rep's name (else e-mail, else id) and the connection it comes from."""
    u = crm_user.c
    with engine.connect() as conn:
        rows = conn.execute(select(u.id, u.first_name, u.last_name, u.email, u.source_connection)
                            .where(u.id.in_(sorted(ids - {UNKNOWN})))).all()
    return {r.id: f"{' '.join(p for p in (r.first_name, r.last_name) if p) or r.email or r.id} · "
                  f"{r.source_connection}" for r in rows}
