"""The audit trail: every admin action as one audit_event row (who, what, when, before and after), written in the
transaction of the action itself, so an action is never without its row nor a row without its action."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select

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
    at: datetime
    actor_id: int | None
    actor: str
    action: str
    target: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at.isoformat(), "actor_id": self.actor_id, "actor": self.actor,
                "action": self.action, "target": self.target, "before": self.before, "after": self.after}


def record(conn: Connection, *, at: datetime, actor: Actor, action: str, target: str,
           before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> None:
    for doc in (before, after):
        leaked = [k for k in (doc or {}) if any(word in k.lower() for word in SECRET_WORDS)]
        if leaked:  # a bug in the caller, not a user's mistake: refuse before it is written
            raise ValueError(f"audit {action} {target}: {', '.join(leaked)} must not be audited (a secret)")
    conn.execute(audit_event.insert().values(at=at, actor_id=actor.id, actor=actor.name, action=action,
                                             target=target, before=dict(before) if before else None,
                                             after=dict(after) if after else None))


def list_events(engine: Engine, *, limit: int = 100, action: str | None = None) -> list[AuditEvent]:
    """The newest events first."""
    query = select(audit_event).order_by(audit_event.c.id.desc()).limit(limit)
    if action is not None:
        query = query.where(audit_event.c.action == action)
    with engine.connect() as conn:
        return [AuditEvent(**dict(row._mapping)) for row in conn.execute(query)]


def log_action(engine: Engine, *, at: datetime, actor: Actor, action: str, target: str,
               before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> None:
    """An action that runs its own transactions (a replay, a retry against a CRM): its row in one of its own, after
    it, so the row says what the action found (before) and what it did (after)."""
    with engine.begin() as conn:
        record(conn, at=at, actor=actor, action=action, target=target, before=before, after=after)
