"""Lead-source and campaign ROI: attributed pipeline and revenue, cost, and conversion rates with Wilson intervals.

Cost is the campaign's ``actual_cost`` (``budget`` is shown beside it, never used as a cost). Lead sources have no
cost in the store, so per source there are attributed amounts and conversion rates, and no ROI.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, case, func, select

from analytics.attribution.interval import wilson
from analytics.attribution.journey import Journey
from store.tables import campaign, campaign_member, lead

NO_CAMPAIGN = "(no campaign)"
NO_SOURCE = "(no source)"


@dataclass(frozen=True, slots=True)
class CampaignRow:
    id: str
    name: str | None
    type: str | None
    actual_cost: float | None
    budget: float | None


def campaigns(conn: Connection) -> list[CampaignRow]:
    rows = conn.execute(select(campaign.c.id, campaign.c.name, campaign.c.type, campaign.c.actual_cost,
                               campaign.c.budget).where(campaign.c.deleted_at.is_(None)).order_by(campaign.c.id))
    return [CampaignRow(*r) for r in rows]


def attributed(credits: Iterable[tuple[Journey, list[float]]], by: str) -> dict[str, float]:
    """Attributed value per campaign id (``by="campaign"``) or per lead source (``by="source"``)."""
    totals: dict[str, float] = defaultdict(float)
    for journey, weights in credits:
        for touch, w in zip(journey.touches, weights, strict=True):
            key = touch.campaign_id or NO_CAMPAIGN if by == "campaign" else touch.lead_source or NO_SOURCE
            totals[key] += w * journey.value
    return dict(totals)


def campaign_roi(conn: Connection, rows: Sequence[CampaignRow], pipeline: dict[str, float],
                 revenue: dict[str, float], converted_people: set[str], person_of: dict[tuple[str, str], str],
                 confidence: float = 0.95) -> list[dict[str, Any]]:
    """One row per campaign: members, response and opportunity rates with intervals, attributed amounts, ROI."""
    members: dict[str, list[tuple[bool, str | None]]] = defaultdict(list)
    for m in conn.execute(select(campaign_member.c.campaign_id, campaign_member.c.responded,
                                 campaign_member.c.contact_id, campaign_member.c.lead_id)
                          .where(campaign_member.c.deleted_at.is_(None))):
        person = person_of.get(("contact", m.contact_id or "")) or person_of.get(("lead", m.lead_id or ""))
        members[m.campaign_id].append((bool(m.responded), person))
    out = []
    for c in rows:
        mine = members.get(c.id, [])
        responded = sum(1 for r, _ in mine if r)
        with_opp = sum(1 for _, p in mine if p is not None and p in converted_people)
        cost = c.actual_cost if c.actual_cost and c.actual_cost > 0 else None
        out.append({
            "campaign_id": c.id, "name": c.name, "type": c.type, "members": len(mine),
            "responded": responded, "response_rate": _rate(responded, len(mine), confidence),
            "with_opportunity": with_opp, "opportunity_rate": _rate(with_opp, len(mine), confidence),
            "pipeline": pipeline.get(c.id, 0.0), "revenue": revenue.get(c.id, 0.0),
            "actual_cost": c.actual_cost, "budget": c.budget,
            "pipeline_roi": None if cost is None else pipeline.get(c.id, 0.0) / cost,
            "revenue_roi": None if cost is None else revenue.get(c.id, 0.0) / cost,
        })
    return out


def source_rows(conn: Connection, pipeline: dict[str, float], revenue: dict[str, float],
                confidence: float = 0.95) -> list[dict[str, Any]]:
    """One row per lead source: leads, converted leads with the rate's interval, attributed amounts."""
    key = func.coalesce(lead.c.lead_source, NO_SOURCE)
    counts = {r.source: (int(r.leads), int(r.converted or 0)) for r in conn.execute(
        select(key.label("source"), func.count().label("leads"),
               func.sum(case((lead.c.converted.is_(True), 1), else_=0)).label("converted"))
        .where(lead.c.deleted_at.is_(None)).group_by(key))}
    out = []
    for source in sorted(set(counts) | set(pipeline) | set(revenue)):
        leads, converted = counts.get(source, (0, 0))
        out.append({"source": source, "leads": leads, "converted": converted,
                    "conversion_rate": _rate(converted, leads, confidence),
                    "pipeline": pipeline.get(source, 0.0), "revenue": revenue.get(source, 0.0)})
    return out


def _rate(successes: int, trials: int, confidence: float) -> dict[str, Any]:
    low, high = wilson(successes, trials, confidence=confidence)
    return {"rate": successes / trials if trials else None, "low": low, "high": high, "confidence": confidence}
