"""The audit chain: each row's hash is SHA-256 over the previous hash and the event's canonical JSON (checked by an
independent computation here), and verify names the exact row and what was done to it when a row is edited,
deleted, inserted or reordered, or the tail is cut; pseudonyms keep names out of the chain, so erasure leaves it
whole."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, insert, select, update

from access import list_events
from access.audit_canon import GENESIS, row_hash
from access.audit_checkpoint import AuditKey, AuditKeyMissing, Checkpointer, CheckpointPolicy, read_lines
from access.audit_subjects import forget
from access.audit_verify import verify
from store.tables import audit_checkpoint, audit_event, audit_head, audit_subject
from tests.support.audit import KEY, T0, add_events, pairs


def _rows(engine: Engine) -> list[dict]:  # type: ignore[type-arg]
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(audit_event).order_by(audit_event.c.seq))]


def _set(engine: Engine, seq: int, **values: object) -> None:
    with engine.begin() as conn:
        conn.execute(update(audit_event).where(audit_event.c.seq == seq).values(**values))


def test_hashes_match_an_independent_computation(engine: Engine) -> None:
    add_events(engine, 4)
    rows = _rows(engine)
    prev = GENESIS
    for n, row in enumerate(rows, start=1):
        at = row["at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
        doc = {"action": row["action"], "actor_id": 1, "actor_ref": row["actor_ref"], "after": row["after"],
               "at": at, "before": row["before"], "seq": n, "target_ref": row["target_ref"]}
        text = json.dumps(doc, sort_keys=True, separators=(",", ":"))
        assert (row["seq"], row["prev_hash"]) == (n, prev)
        assert row["hash"] == hashlib.sha256((prev + text).encode()).hexdigest()
        prev = row["hash"]
    report = verify(engine, KEY)
    assert report.ok and (report.events, report.first_seq, report.last_seq) == (4, 1, 4)


def test_no_name_is_stored_in_the_chain(engine: Engine) -> None:
    add_events(engine, 3)
    text = json.dumps(_rows(engine), default=str)
    # As whole words: hashes and pseudonyms are hex, and "ada" is a run of hex digits a random one may contain.
    assert not any(re.search(rf"\b{name}\b", text) for name in ("ada", "user0", "user1", "user2"))
    events = list_events(engine)
    assert [(e.actor, e.target) for e in events] == [("ada", "user2"), ("ada", "user1"), ("ada", "user0")]
    assert events[0].after is not None and events[0].after["username"] == events[0].target_ref


def test_erasure_keeps_the_chain_whole(engine: Engine) -> None:
    add_events(engine, 6)
    with engine.begin() as conn:
        assert forget(conn, ["user1"]) == 1
    assert [e.target for e in list_events(engine)][:3] == ["user2", "[erased]", "user0"]
    assert verify(engine, KEY).ok


def test_edited_row(engine: Engine) -> None:
    add_events(engine, 6)
    _set(engine, 4, after={"role": "admin"})
    assert pairs(verify(engine, KEY)) == [(4, "edited")]


def test_edited_row_with_its_hash_recomputed(engine: Engine) -> None:
    add_events(engine, 6)
    Checkpointer(engine, KEY).write()  # signs seq 6
    row = _rows(engine)[3]
    row["action"] = "account.create"
    _set(engine, 4, action="account.create", hash=row_hash(row))
    assert pairs(verify(engine, KEY)) == [(5, "broken_link")]


def test_rewritten_tail_is_caught_by_the_checkpoint(engine: Engine) -> None:
    add_events(engine, 6)
    Checkpointer(engine, KEY).write()
    prev = _rows(engine)[2]["hash"]
    for row in _rows(engine)[3:]:  # rewrite 4..6, each hash recomputed and chained: only the signature tells
        row["action"], row["prev_hash"] = "account.create", prev
        prev = row_hash(row)
        _set(engine, row["seq"], action="account.create", prev_hash=row["prev_hash"], hash=prev)
    assert pairs(verify(engine, KEY)) == [(6, "mismatch")]


def test_deleted_row(engine: Engine) -> None:
    add_events(engine, 6)
    with engine.begin() as conn:
        conn.execute(delete(audit_event).where(audit_event.c.seq == 3))
    assert pairs(verify(engine, KEY)) == [(3, "deleted")]


def test_inserted_row(engine: Engine) -> None:
    add_events(engine, 6)
    Checkpointer(engine, KEY).write()  # signs seq 6
    rows = _rows(engine)
    with engine.begin() as conn:  # make room at seq 3 (top down: seq is unique), then re-chain everything after
        for row in reversed(rows[2:]):
            conn.execute(update(audit_event).where(audit_event.c.id == row["id"]).values(seq=row["seq"] + 1))
        forged = {k: v for k, v in rows[2].items() if k != "id"} | {"action": "account.disable"}
        forged["hash"] = row_hash(forged)
        conn.execute(insert(audit_event).values(**forged))
        prev = forged["hash"]
        for row in rows[2:]:
            row |= {"seq": row["seq"] + 1, "prev_hash": prev}
            prev = row_hash(row)
            conn.execute(update(audit_event).where(audit_event.c.id == row["id"])
                         .values(prev_hash=row["prev_hash"], hash=prev))
        conn.execute(update(audit_head).values(seq=7, hash=prev))
    assert pairs(verify(engine, KEY)) == [(3, "inserted"), (6, "mismatch")]


def test_row_added_past_the_head(engine: Engine) -> None:
    add_events(engine, 4)
    row = {k: v for k, v in _rows(engine)[3].items() if k != "id"} | {"seq": 9}
    with engine.begin() as conn:  # past the head: a gap, and the head says the trail ends at 4
        conn.execute(insert(audit_event).values(**row))
    assert pairs(verify(engine, KEY)) == [(5, "deleted"), (5, "inserted"), (9, "edited")]


def test_reordered_rows(engine: Engine) -> None:
    add_events(engine, 6)
    with engine.begin() as conn:  # swap seq 3 and 4 (through a free number: seq is unique)
        conn.execute(update(audit_event).where(audit_event.c.seq == 3).values(seq=99))
        conn.execute(update(audit_event).where(audit_event.c.seq == 4).values(seq=3))
        conn.execute(update(audit_event).where(audit_event.c.seq == 99).values(seq=4))
    assert pairs(verify(engine, KEY)) == [(3, "reordered")]


def test_truncated_tail(engine: Engine, tmp_path: Path) -> None:
    add_events(engine, 6)
    file = tmp_path / "audit.jsonl"
    Checkpointer(engine, KEY, CheckpointPolicy(file=file)).write()
    with engine.begin() as conn:  # cut 5 and 6, and cover the tracks in the head
        conn.execute(delete(audit_event).where(audit_event.c.seq >= 5))
        conn.execute(update(audit_head).values(seq=4, hash=_rows(engine)[3]["hash"]))
    assert pairs(verify(engine, KEY)) == [(5, "truncated")]
    with engine.begin() as conn:  # and the checkpoint row too: the file still has it
        conn.execute(delete(audit_checkpoint))
    assert pairs(verify(engine, KEY, file=file)) == [(5, "truncated"), (6, "checkpoint_deleted")]
    assert pairs(verify(engine, KEY)) == []  # without the file, a cut that removed its checkpoint goes unseen


def test_forged_checkpoint_and_wrong_key(engine: Engine) -> None:
    add_events(engine, 3)
    Checkpointer(engine, KEY).write()
    other = AuditKey.of("another key of at least thirty-two characters")
    assert pairs(verify(engine, other)) == [(3, "forged")]
    with engine.begin() as conn:
        conn.execute(update(audit_checkpoint).values(seq=2))
    assert pairs(verify(engine, KEY)) == [(2, "forged")]


def test_missing_or_short_key_is_a_clear_error() -> None:
    with pytest.raises(AuditKeyMissing, match="CRMHUB_AUDIT_KEY is not set"):
        AuditKey.of(None)
    with pytest.raises(AuditKeyMissing, match="has 5 characters: at least 32 expected"):
        AuditKey.of("short")


def test_checkpoint_due_every_n_events_or_after_the_interval(sqlite_db: Engine, tmp_path: Path) -> None:
    now = [T0]
    file = tmp_path / "cp.jsonl"
    points = Checkpointer(sqlite_db, KEY, CheckpointPolicy(every=3, interval=timedelta(minutes=5), file=file),
                          clock=lambda: now[0])
    assert not points.due() and points.write() is None  # nothing to sign yet
    add_events(sqlite_db, 2)
    assert points.due()  # the first events: no checkpoint yet
    first = points.write()
    assert first is not None and first.seq == 2
    add_events(sqlite_db, 2)
    assert not points.due()  # 2 < 3 events, 0 minutes
    now[0] = T0 + timedelta(minutes=5)
    assert points.due()
    now[0] = T0
    add_events(sqlite_db, 1)
    assert points.write_if_due() is not None
    assert [(p.seq, p.hash) for p in read_lines(file)] == [(2, first.hash), (5, _rows(sqlite_db)[4]["hash"])]
    with sqlite_db.connect() as conn:
        assert conn.execute(select(audit_checkpoint.c.seq).order_by(audit_checkpoint.c.id)).scalars().all() == [2, 5]
        names = conn.execute(select(audit_subject.c.name).order_by(audit_subject.c.name)).scalars().all()
    assert names == ["ada", "user0", "user1"]  # each add_events call starts at user0: 2 + 2 + 1 events
