"""Appending to the hash chain without forking it: the head row is updated before anything is read.

The UPDATE of audit_head takes a row lock on PostgreSQL (a second writer waits for the first to commit, then sees
its seq and hash) and SQLite's write lock, so no two transactions ever chain from the same previous event.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, update

from access.audit_canon import GENESIS, event_doc, link_hash
from store.tables import audit_event, audit_head

HEAD_ID = 1


@dataclass(frozen=True, slots=True)
class Link:
    seq: int
    prev_hash: str
    hash: str


def claim(conn: Connection) -> tuple[int, str]:
    """The next seq and the hash it chains from; holds the chain's lock until the transaction ends."""
    bumped = conn.execute(update(audit_head).where(audit_head.c.id == HEAD_ID)
                          .values(seq=audit_head.c.seq + 1).returning(audit_head.c.seq, audit_head.c.hash)).first()
    if bumped is not None:
        return int(bumped.seq), str(bumped.hash)
    return _rebuild_head(conn)


def _rebuild_head(conn: Connection) -> tuple[int, str]:
    """The head row is made by migration 0018; if it was deleted, carry on from the last event (verify reports
    what else is missing)."""
    last = conn.execute(select(audit_event.c.seq, audit_event.c.hash)
                        .order_by(audit_event.c.seq.desc()).limit(1)).first()
    seq, prev = (int(last.seq), str(last.hash)) if last else (0, GENESIS)
    first = conn.execute(select(func.min(audit_event.c.seq))).scalar()
    conn.execute(audit_head.insert().values(id=HEAD_ID, seq=seq + 1, hash=prev,
                                            anchor_seq=int(first) - 1 if first else 0, anchor_hash=GENESIS))
    return seq + 1, prev


def append(conn: Connection, *, seq: int, prev_hash: str, at: datetime, actor_id: int | None, actor_ref: str,
           action: str, target_ref: str, before: Mapping[str, Any] | None,
           after: Mapping[str, Any] | None) -> Link:
    """Write the event at ``seq`` (from ``claim`` in this transaction) and move the head to it."""
    doc = event_doc(seq=seq, at=at, actor_id=actor_id, actor_ref=actor_ref, action=action, target_ref=target_ref,
                    before=before, after=after)
    digest = link_hash(prev_hash, doc)
    conn.execute(audit_event.insert().values(seq=seq, at=at, actor_id=actor_id, actor_ref=actor_ref, action=action,
                                             target_ref=target_ref, before=doc["before"], after=doc["after"],
                                             prev_hash=prev_hash, hash=digest))
    conn.execute(update(audit_head).where(audit_head.c.id == HEAD_ID).values(hash=digest))
    return Link(seq, prev_hash, digest)
