"""A stream never runs twice at once: PostgreSQL advisory locks, flock on SQLite; a dead holder frees the lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sqlalchemy import Engine

from quality.checker import QualityChecker
from sync.locks import stream_lock
from sync.runner import Stream, SyncPlan, run_plan
from tests.unit.fakes import MAPPING, SPEC, FakeConnector, pages_of, person


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
