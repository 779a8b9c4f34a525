"""A stream never runs twice at once: PostgreSQL advisory locks, flock on SQLite; a dead holder frees the lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, text

import store
from connectors.base import ChangeBatch, Cursor, ObjectSpec
from hub import exitcodes
from hub.cmd_sync import exit_code
from quality.checker import QualityChecker
from sync.locks import stream_lock
from sync.runner import Stream, SyncPlan, run_plan
from sync.stream import RunSummary
from tests.support.fakes import MAPPING, SPEC, FakeConnector, pages_of, person


def test_a_second_holder_is_refused_until_the_first_lets_go(db: Engine) -> None:
    with stream_lock(db, "hs", "contacts") as first:
        assert first
        with stream_lock(db, "hs", "contacts") as second:
            assert not second
        with stream_lock(db, "hs", "companies") as other_stream:
            assert other_stream
    with stream_lock(db, "hs", "contacts") as again:
        assert again


def test_a_killed_holder_leaves_no_stale_lock(db: Engine) -> None:
    url = db.url.render_as_string(hide_password=False)
    code = ("import sys, time, store; from sync.locks import stream_lock\n"
            f"e = store.make_engine({url!r})\n"
            "with stream_lock(e, 'hs', 'deals') as held:\n"
            "    print('held' if held else 'refused', flush=True); time.sleep(60)\n")
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with stream_lock(db, "hs", "deals") as while_alive:
            assert not while_alive
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    deadline = time.monotonic() + 10
    while True:  # PostgreSQL notices the dead session a moment later
        with stream_lock(db, "hs", "deals") as after:
            if after or time.monotonic() > deadline:
                break
        time.sleep(0.1)
    assert after


def test_run_plan_skips_a_stream_another_process_is_running(db: Engine, checker: QualityChecker) -> None:
    connector = FakeConnector(pages_of([person("1")], 1))
    plan = SyncPlan([Stream(connector, SPEC, MAPPING)], {connector.name: connector})
    with stream_lock(db, connector.name, SPEC.name):
        [locked] = run_plan(plan, engine=db, checker=checker)
    assert locked.status == "locked" and "another process" in (locked.error or "")
    assert connector.started_from == []  # not one API call for a stream somebody else runs
    [ran] = run_plan(plan, engine=db, checker=checker)
    assert ran.status == "succeeded" and ran.counts.upserted == 1


@dataclass(slots=True)
class _Hooked(FakeConnector):
    """Calls ``hook`` once, when the read asks for its second page (the first one is read, nothing landed yet)."""

    hook: Callable[[], None] | None = None

    def read_changes(self, spec: ObjectSpec, since: Cursor, *, fields: Sequence[str],
                     full_refresh: bool = False) -> Iterator[ChangeBatch]:
        for index, batch in enumerate(FakeConnector.read_changes(self, spec, since, fields=fields,
                                                                 full_refresh=full_refresh)):
            if index == 1 and self.hook is not None:
                hook, self.hook = self.hook, None
                hook()
            yield batch


def _terminate_lock_session(engine: Engine) -> None:
    """What an admin's ``pg_terminate_backend`` (or a restarted server, a proxy's idle timeout) does to the run."""
    with engine.connect() as conn:
        pids = conn.execute(text("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = "
                                 "(SELECT oid FROM pg_database WHERE datname = current_database())")).scalars().all()
        assert len(pids) == 1, pids
        assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pids[0]}).scalar_one()
        conn.commit()


def test_a_lost_lock_session_stops_the_run_before_it_lands_beside_another(db: Engine,
                                                                          checker: QualityChecker) -> None:
    if db.dialect.name != "postgresql":
        pytest.skip("a flock cannot be lost while its process lives; PostgreSQL's session lock can")
    second: list[RunSummary] = []

    def lose_the_lock_and_let_another_run() -> None:
        _terminate_lock_session(db)
        rival = FakeConnector(pages_of([person("9")], 1))
        second.extend(run_plan(SyncPlan([Stream(rival, SPEC, MAPPING)], {rival.name: rival}), engine=db,
                               checker=checker))

    first = _Hooked(pages_of([person("1"), person("2"), person("3")], 1), hook=lose_the_lock_and_let_another_run)
    [lost] = run_plan(SyncPlan([Stream(first, SPEC, MAPPING)], {first.name: first}), engine=db, checker=checker)

    assert [s.status for s in second] == ["succeeded"]  # the lock was free: the other run took it and ran
    assert lost.status == "failed" and lost.error_kind == "lock", lost
    assert "lost the stream's lock" in (lost.error or "") and lost.counts.upserted == 0
    assert exit_code([lost]) == exitcodes.RECORDS_FAILED
    with db.connect() as conn:
        rows = {r["id"]: r for r in store.list_runs(conn, connection=first.name)}
        links = conn.execute(text("SELECT source_id FROM source_link ORDER BY source_id")).scalars().all()
    assert rows[lost.run_id]["status"] == "failed" and rows[lost.run_id]["errors"] == [{"kind": "lock"}]
    assert rows[second[0].run_id]["status"] == "succeeded"
    assert links == ["9"]  # nothing of the run that lost its lock landed; its next run reads its pages again
    # (The rival's cursor is the stream's now; a full re-read shows the first run's pages were never landed.)
    [again] = run_plan(SyncPlan([Stream(first, SPEC, MAPPING)], {first.name: first}), engine=db, checker=checker,
                       full_refresh=True)
    assert again.status == "succeeded" and again.counts.upserted == 3

