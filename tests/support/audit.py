"""Audit-trail test helpers: a key, a run of events at known times, and the findings of a verify as pairs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from access.audit import Actor, record
from access.audit_checkpoint import AuditKey
from access.audit_verify import Report

KEY = AuditKey.of("an audit key of at least thirty-two characters")
T0 = datetime(2020, 1, 6, 9, 0, tzinfo=UTC)


def add_events(engine: Engine, n: int, *, start: datetime = T0, step: timedelta = timedelta(minutes=1)) -> None:
    """n events, one per transaction, about user0..user2, acted by ada."""
    for i in range(n):
        with engine.begin() as conn:
            record(conn, at=start + i * step, actor=Actor(1, "ada"), action="account.set_role", target=f"user{i % 3}",
                   before={"role": "rep", "username": f"user{i % 3}"},
                   after={"role": "manager", "username": f"user{i % 3}", "n": i})


def pairs(report: Report) -> list[tuple[int, str]]:
    return [(f.seq, f.kind) for f in report.findings]
