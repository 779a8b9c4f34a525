"""What routing reads from and writes to the store: unassigned leads, reps' open load, lead probabilities,
history outcomes, expected deal values, the round-robin state, and the decisions."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, exists, func, insert, not_, or_, select

from analytics.routing.effects import Outcome
from analytics.routing.eligibility import field_value
from store.tables import lead, lead_score, opportunity, routing_decision

LEAD_COLUMNS = [c for c in lead.c if c.name not in ("synced_at",)]


def _lead_dicts(conn: Connection, where: Any) -> list[dict[str, Any]]:
    rows = conn.execute(select(*LEAD_COLUMNS).where(where).order_by(lead.c.created_at, lead.c.id)).mappings()
    return [dict(r) for r in rows]


def _closed(statuses: Collection[str]) -> Any:
    return func.lower(func.coalesce(lead.c.status, "")).in_([s.casefold() for s in statuses])


def unassigned_leads(conn: Connection, *, closed_statuses: Collection[str]) -> list[dict[str, Any]]:
    """Live, open leads with no owner in the store and no routing decision that assigned them (queued ones come
    back), oldest first."""
    routed = exists().where(routing_decision.c.lead_id == lead.c.id, routing_decision.c.rep_id.is_not(None))
    return _lead_dicts(conn, and_(lead.c.deleted_at.is_(None), lead.c.owner_id.is_(None),
                                  or_(lead.c.converted.is_(None), not_(lead.c.converted)),
                                  not_(_closed(closed_statuses)), not_(routed)))


def recent_leads(conn: Connection, limit: int) -> list[dict[str, Any]]:
    """The latest ``limit`` live leads by creation, whoever owns them: a stand-in for the mix of leads to come."""
    rows = conn.execute(select(*LEAD_COLUMNS).where(lead.c.deleted_at.is_(None))
                        .order_by(lead.c.created_at.desc(), lead.c.id.desc()).limit(limit)).mappings()
    return [dict(r) for r in rows]


def open_loads(conn: Connection, reps: Collection[str], *, closed_statuses: Collection[str]) -> dict[str, int]:
    """Open leads per rep: owned in the store, plus those routing assigned that the store does not show owned yet
    (their owner is written back to the CRM, then synced)."""
    open_lead = and_(lead.c.deleted_at.is_(None), or_(lead.c.converted.is_(None), not_(lead.c.converted)),
                     not_(_closed(closed_statuses)))
    loads = dict.fromkeys(reps, 0)
    owned = select(lead.c.owner_id, func.count()).where(open_lead, lead.c.owner_id.in_(list(reps)))
    for rep, n in conn.execute(owned.group_by(lead.c.owner_id)):
        loads[rep] += n
    pending = (select(routing_decision.c.rep_id, func.count(func.distinct(routing_decision.c.lead_id)))
               .join(lead, lead.c.id == routing_decision.c.lead_id)
               .where(open_lead, lead.c.owner_id.is_(None), routing_decision.c.rep_id.in_(list(reps)))
               .group_by(routing_decision.c.rep_id))
    for rep, n in conn.execute(pending):
        loads[rep] += n
    return loads


def probabilities(conn: Connection, lead_ids: Sequence[str]) -> dict[str, tuple[float, str]]:
    """Each scored lead's conversion probability and where it came from: the trained model's calibrated
    probability, else the rule score / 100 (a ranking, not calibrated: said so in the decision)."""
    found: dict[str, tuple[float, str]] = {}
    for start in range(0, len(lead_ids), 500):
        chunk = list(lead_ids[start:start + 500])
        stmt = select(lead_score.c.record_id, lead_score.c.probability, lead_score.c.score, lead_score.c.model_version
                      ).where(lead_score.c.entity == "lead", lead_score.c.record_id.in_(chunk))
        for record_id, probability, score, version in conn.execute(stmt):
            found[record_id] = ((float(probability), f"lead_score.probability ({version})") if probability is not None
                                else (float(score) / 100.0, f"lead_score.score/100 ({version}, uncalibrated)"))
    return found


def history(conn: Connection, reps: Collection[str], *, segment_field: str, closed_statuses: Collection[str],
            after_days: int | None, now: datetime) -> list[Outcome]:
    """Finished leads of ``reps``: converted, closed by status, or older than ``after_days`` (scoring.labels)."""
    over = or_(lead.c.converted.is_(True), _closed(closed_statuses))
    if after_days is not None:
        over = or_(over, lead.c.created_at <= now - timedelta(days=after_days))
    # Only the columns an outcome needs: history is the biggest read of a run.
    segment = lead.c.custom if segment_field.startswith("custom.") else lead.c[segment_field]
    stmt = select(lead.c.owner_id, lead.c.converted, segment.label(segment_field.split(".")[0])).where(
        lead.c.deleted_at.is_(None), lead.c.owner_id.in_(list(reps)), over)
    return [Outcome(str(owner), field_value({segment_field.split(".")[0]: value}, segment_field), bool(converted))
            for owner, converted, value in conn.execute(stmt)]


def deal_values(conn: Connection, *, segment_field: str) -> dict[str | None, float]:
    """Mean amount of won opportunities that converted leads became, per lead segment."""
    stmt = (select(*LEAD_COLUMNS, opportunity.c.amount.label("won_amount"))
            .join(opportunity, opportunity.c.id == lead.c.converted_opportunity_id)
            .where(opportunity.c.is_won.is_(True), opportunity.c.amount.is_not(None), opportunity.c.amount > 0,
                   opportunity.c.deleted_at.is_(None)))
    sums: dict[str | None, list[float]] = {}
    for r in conn.execute(stmt).mappings():
        cell = sums.setdefault(field_value(dict(r), segment_field), [0.0, 0.0])
        cell[0] += float(r["won_amount"])
        cell[1] += 1
    return {segment: total / n for segment, (total, n) in sums.items()}


def last_state(conn: Connection, pool: str) -> dict[str, float]:
    """The pool's round-robin credits after its latest stored online decision ({} for a new pool)."""
    stmt = (select(routing_decision.c.state_after).where(routing_decision.c.pool == pool,
                                                         routing_decision.c.state_after.is_not(None))
            .order_by(routing_decision.c.id.desc()).limit(1))
    state = conn.execute(stmt).scalar()
    return {str(k): float(v) for k, v in (state or {}).items()}


def save(conn: Connection, decisions: Iterable[Mapping[str, Any]]) -> int:
    rows = list(decisions)
    if rows:
        conn.execute(insert(routing_decision), rows)
    return len(rows)


def decisions(conn: Connection, *, run_id: str | None = None, lead_id: str | None = None) -> list[dict[str, Any]]:
    stmt = select(routing_decision).order_by(routing_decision.c.id)
    if run_id is not None:
        stmt = stmt.where(routing_decision.c.run_id == run_id)
    if lead_id is not None:
        stmt = stmt.where(routing_decision.c.lead_id == lead_id)
    return [dict(r) for r in conn.execute(stmt).mappings()]
