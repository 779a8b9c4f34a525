"""Retention: pruning removes a whole prefix up to a signed checkpoint older than the retention period, keeps it as
the anchor, and verify still passes; a prefix cut without a signature behind it is reported. Export filters by time
and resolves names."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, delete, update

from access.audit_checkpoint import Checkpointer
from access.audit_retention import export, prune
from access.audit_subjects import forget
from access.audit_verify import verify
from store.tables import audit_event, audit_head
from tests.support.audit import KEY, T0, add_events, pairs

DAY = timedelta(days=1)


def _trail(engine: Engine) -> None:
    """Events 1-4 a day apart from T0, checkpoint at 4; events 5-7, checkpoint at 7; event 8."""
    now = [T0]
    points = Checkpointer(engine, KEY, clock=lambda: now[0])
    add_events(engine, 4, step=DAY)
    now[0] = T0 + 3 * DAY
    points.write()
    add_events(engine, 3, start=T0 + 4 * DAY, step=DAY)
    now[0] = T0 + 6 * DAY
    points.write()
    add_events(engine, 1, start=T0 + 7 * DAY)


def test_prune_cuts_at_a_signed_checkpoint_and_verify_passes(engine: Engine) -> None:
    _trail(engine)
    retention = timedelta(days=30)
    assert prune(engine, KEY, now=T0 + 3 * DAY + retention, retention=retention).events == 0  # seq 4 not old yet
    pruned = prune(engine, KEY, now=T0 + 5 * DAY + retention, retention=retention)  # 4 old enough, 7 not
    assert (pruned.events, pruned.anchor_seq) == (4, 4)
    report = verify(engine, KEY)
    assert report.ok and (report.events, report.first_seq, report.last_seq, report.anchor_seq) == (4, 5, 8, 4)
    pruned = prune(engine, KEY, now=T0 + 365 * DAY, retention=retention)  # 8 is past the last checkpoint: kept
    assert (pruned.events, pruned.anchor_seq) == (3, 7)
    assert verify(engine, KEY).ok and [e.seq for e in export(engine)] == [8]


def test_an_unsigned_cut_is_reported(engine: Engine) -> None:
    _trail(engine)
    with engine.begin() as conn:  # delete 1-2 and move the anchor there: no checkpoint signed seq 2
        conn.execute(delete(audit_event).where(audit_event.c.seq <= 2))
        row = conn.execute(audit_event.select().where(audit_event.c.seq == 3)).first()
        assert row is not None
        conn.execute(update(audit_head).values(anchor_seq=2, anchor_hash=row.prev_hash))
    assert pairs(verify(engine, KEY)) == [(2, "anchor")]


def test_export_by_time_with_erased_names(engine: Engine) -> None:
    _trail(engine)
    with engine.begin() as conn:
        forget(conn, ["user1"])
    events = export(engine, start=T0 + DAY, end=T0 + 4 * DAY)
    assert [(e.seq, e.target) for e in events] == [(2, "[erased]"), (3, "user2"), (4, "user0")]
