"""The audit trail: every admin action as one audit_event row (who, what, when, before and after), written in the
transaction of the action itself, so an action is never without its row nor a row without its action.

Rows chain by hash (access/audit_chain.py) and name people only by pseudonym (access/audit_subjects.py);
``list_events`` resolves the pseudonyms still known, so an erased person shows as ``[erased]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select

from access.audit_chain import append, claim
from access.audit_subjects import ERASED, names_of, pseudonymised, ref_of
from store.tables import audit_event

# Keys an audit document must never carry: the trail is read by auditors, not a vault.
SECRET_WORDS = ("password", "hash", "secret", "token_sha256", "totp")


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: an account (id and username), or the command line (id None) run by whoever can reach the store."""

    id: int | None
    name: str


CLI = Actor(None, "cli")


@dataclass(frozen=True, slots=True)
class AuditEvent:
    id: int
    seq: int
    at: datetime
    actor_id: int | None
    actor: str  # the name, or "[erased]"
    action: str
    target: str
    before: Mapping[str, Any] | None  # personal values as refs
    after: Mapping[str, Any] | None
    actor_ref: str
    target_ref: str
    hash: str

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "seq": self.seq, "at": self.at.isoformat(), "actor_id": self.actor_id,
                "actor": self.actor, "actor_ref": self.actor_ref, "action": self.action, "target": self.target,
                "target_ref": self.target_ref, "before": self.before, "after": self.after, "hash": self.hash}


def record(conn: Connection, *, at: datetime, actor: Actor, action: str, target: str,
           before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> None:
    for doc in (before, after):
        leaked = [k for k in (doc or {}) if any(word in k.lower() for word in SECRET_WORDS)]
        if leaked:  # a bug in the caller, not a user's mistake: refuse before it is written
            raise ValueError(f"audit {action} {target}: {', '.join(leaked)} must not be audited (a secret)")
    seq, prev = claim(conn)  # first: the refs below are made under the chain's lock
    append(conn, seq=seq, prev_hash=prev, at=at, actor_id=actor.id, actor_ref=ref_of(conn, actor.name, at=at),
           action=action, target_ref=ref_of(conn, target, at=at), before=pseudonymised(conn, before, at=at),
           after=pseudonymised(conn, after, at=at))


def list_events(engine: Engine, *, limit: int = 100, action: str | None = None) -> list[AuditEvent]:
    """The newest events first."""
    query = select(audit_event).order_by(audit_event.c.seq.desc()).limit(limit)
    if action is not None:
        query = query.where(audit_event.c.action == action)
    with engine.connect() as conn:
        rows = [row._mapping for row in conn.execute(query)]
        names = names_of(conn, {r["actor_ref"] for r in rows} | {r["target_ref"] for r in rows})
    return [event_of(r, names) for r in rows]


def event_of(row: Mapping[Any, Any], names: Mapping[str, str]) -> AuditEvent:
    return AuditEvent(id=row["id"], seq=row["seq"], at=row["at"], actor_id=row["actor_id"],
                      actor=names.get(row["actor_ref"], ERASED), action=row["action"],
                      target=names.get(row["target_ref"], ERASED), before=row["before"], after=row["after"],
                      actor_ref=row["actor_ref"], target_ref=row["target_ref"], hash=row["hash"])


def log_action(engine: Engine, *, at: datetime, actor: Actor, action: str, target: str,
               before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> None:
    """An action that runs its own transactions (a replay, a retry against a CRM): its row in one of its own, after
    it, so the row says what the action found (before) and what it did (after)."""
    with engine.begin() as conn:
        record(conn, at=at, actor=actor, action=action, target=target, before=before, after=after)
