"""Concurrent writers never fork the chain: threads appending at once (each in its own transaction) end in one
chain, seq 1..n without a gap, that verifies. On PostgreSQL the head row's lock serialises them; on SQLite the
write lock."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import Engine, select

from access.audit import Actor, record
from access.audit_verify import verify
from store.tables import audit_event, audit_head
from tests.support.audit import KEY

THREADS, EACH = 8, 15


def test_concurrent_appends_make_one_chain(engine: Engine) -> None:
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(EACH):
                with engine.begin() as conn:
                    record(conn, at=datetime(2026, 1, 1, tzinfo=UTC), actor=Actor(n, f"writer{n}"),
                           action="token.create", target=f"user{i}", before=None, after={"i": i, "n": n})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with engine.connect() as conn:
        seqs = conn.execute(select(audit_event.c.seq).order_by(audit_event.c.seq)).scalars().all()
        head = conn.execute(select(audit_head.c.seq)).scalar_one()
    assert seqs == list(range(1, THREADS * EACH + 1)) and head == THREADS * EACH
    report = verify(engine, KEY)
    assert report.ok, report.findings
