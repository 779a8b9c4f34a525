"""Retention and export of the audit trail.

Pruning removes a whole prefix of the chain, up to a signed checkpoint whose events are all older than the
retention period, and moves the head's anchor to that checkpoint: the first kept event chains from the anchor's
hash, and verify accepts the anchor because a valid signature vouches for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, func, select, update

from access.audit import AuditEvent, event_of
from access.audit_chain import HEAD_ID
from access.audit_checkpoint import AuditKey
from access.audit_subjects import names_of
from store.tables import audit_checkpoint, audit_event, audit_head

DEFAULT_RETENTION = timedelta(days=5 * 365)


@dataclass(frozen=True, slots=True)
class Pruned:
    events: int
    anchor_seq: int  # the chain now starts after this seq (unchanged when nothing was old enough)

    def public(self) -> dict[str, Any]:
        return {"events": self.events, "anchor_seq": self.anchor_seq}


def prune(engine: Engine, key: AuditKey, *, now: datetime, retention: timedelta = DEFAULT_RETENTION) -> Pruned:
    """Delete the events up to the newest validly signed checkpoint whose last event is older than now -
    retention. Events past it are kept even when old: the chain is cut only where a signature anchors it."""
    cutoff = now - retention
    with engine.begin() as conn:
        head = conn.execute(select(audit_head).where(audit_head.c.id == HEAD_ID).with_for_update()).first()
        anchor = int(head.anchor_seq) if head else 0
        points = conn.execute(select(audit_checkpoint).where(audit_checkpoint.c.seq > anchor)
                              .order_by(audit_checkpoint.c.seq.desc())).all()
        for point in points:
            at = conn.execute(select(audit_event.c.at, audit_event.c.hash)
                              .where(audit_event.c.seq == point.seq)).first()
            if (at is None or at.hash != point.hash or at.at >= cutoff
                    or not key.valid(seq=point.seq, hash=point.hash, at=point.at, signature=point.signature)):
                continue
            gone = conn.execute(delete(audit_event).where(audit_event.c.seq <= point.seq)).rowcount
            conn.execute(update(audit_head).where(audit_head.c.id == HEAD_ID)
                         .values(anchor_seq=point.seq, anchor_hash=point.hash))
            return Pruned(gone, point.seq)
    return Pruned(0, anchor)


def export(engine: Engine, *, start: datetime | None = None, end: datetime | None = None) -> list[AuditEvent]:
    """The events with start <= at < end, in chain order, names resolved where still known."""
    query = select(audit_event).order_by(audit_event.c.seq)
    if start is not None:
        query = query.where(audit_event.c.at >= start)
    if end is not None:
        query = query.where(audit_event.c.at < end)
    with engine.connect() as conn:
        rows = [r._mapping for r in conn.execute(query)]
        names = names_of(conn, {r["actor_ref"] for r in rows} | {r["target_ref"] for r in rows})
    return [event_of(r, names) for r in rows]


def count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(audit_event)).scalar() or 0)
