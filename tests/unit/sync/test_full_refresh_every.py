"""objects.<name>.full_refresh_every_days: a stream is re-read in full, with its id reconciliation, once that many
days have passed since its last complete read in the store's run history; the run's notes say why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

import store
from config import parse_config
from connectors.base import Cursor
from quality.checker import QualityChecker
from sync.runner import Stream, SyncPlan, plan_sync, run_plan
from sync.stream import RunSummary
from tests.support.fakes import MAPPING, SPEC, FakeConnector, Page, person

WEEK = timedelta(days=7)


def _run(engine: Engine, checker: QualityChecker, connector: FakeConnector, *, at: datetime,
         every: timedelta | None = WEEK) -> RunSummary:
    plan = SyncPlan([Stream(connector, SPEC, MAPPING, full_refresh_every=every)], {connector.name: connector})
    [summary] = run_plan(plan, engine=engine, checker=checker, clock=lambda: at)
    assert summary.status == "succeeded", summary.error
    return summary


def _live(engine: Engine) -> int:
    with engine.connect() as conn:
        return store.live_counts(conn).get(("toy", "people"), 0)


def test_a_stream_is_refreshed_in_full_once_its_days_have_passed(engine: Engine, checker: QualityChecker) -> None:
    first = _run(engine, checker, FakeConnector([Page(upserts=[person("1"), person("2")])]),
                 at=datetime.now(UTC))
    assert not first.full_refresh  # the first load reads everything anyway
    assert _live(engine) == 2
    with engine.connect() as conn:
        loaded = store.last_complete_read(conn, connection="toy", object="people")
    assert loaded is not None

    # Six days later: not due, an incremental run from the saved cursor.
    early = FakeConnector([Page(upserts=[person("1")])])
    summary = _run(engine, checker, early, at=loaded + timedelta(days=6))
    assert not summary.full_refresh and early.started_from[0] != Cursor()
    assert not any("full refresh" in note for note in summary.notes)

    # Past seven days: a full refresh. Record 2 was purged in the CRM without a delete the feed reports: the
    # complete id listing of the full read finds it.
    due = FakeConnector([Page(upserts=[person("1")], live_ids=frozenset({"1"}))])
    summary = _run(engine, checker, due, at=loaded + timedelta(days=7, minutes=1))
    assert summary.full_refresh and due.started_from[0] == Cursor()
    assert summary.notes[0].startswith("scheduled full refresh (full_refresh_every_days: 7)")
    assert summary.counts.deleted == 1 and _live(engine) == 1
    with engine.connect() as conn:
        refreshed = store.last_complete_read(conn, connection="toy", object="people")
    assert refreshed is not None and refreshed > loaded

    # The refresh that just succeeded restarts the count: the next run is incremental again.
    after = FakeConnector([Page(upserts=[person("1")])])
    assert not _run(engine, checker, after, at=refreshed + timedelta(days=1)).full_refresh


def test_a_failed_full_refresh_does_not_count(engine: Engine, checker: QualityChecker) -> None:
    _run(engine, checker, FakeConnector([Page(upserts=[person("1")])]), at=datetime.now(UTC))
    with engine.connect() as conn:
        loaded = store.last_complete_read(conn, connection="toy", object="people")
    assert loaded is not None
    later = loaded + timedelta(days=8)
    broken = FakeConnector([Page(upserts=[person("1")]), Page(upserts=[person("3")])], fail_after=0)
    plan = SyncPlan([Stream(broken, SPEC, MAPPING, full_refresh_every=WEEK)], {broken.name: broken})
    [failed] = run_plan(plan, engine=engine, checker=checker, clock=lambda: later)
    assert failed.full_refresh and failed.status == "failed"
    with engine.connect() as conn:
        assert store.last_complete_read(conn, connection="toy", object="people") == loaded
    # Still due: the next run tries the full refresh again.
    assert _run(engine, checker, FakeConnector([Page(upserts=[person("1")])]), at=later).full_refresh


def test_without_the_setting_no_run_is_promoted(engine: Engine, checker: QualityChecker) -> None:
    _run(engine, checker, FakeConnector([Page(upserts=[person("1")])]), at=datetime.now(UTC), every=None)
    later = datetime.now(UTC) + timedelta(days=365)
    assert not _run(engine, checker, FakeConnector([Page(upserts=[person("1")])]), at=later, every=None).full_refresh


def test_the_config_setting_reaches_the_stream() -> None:
    cfg = parse_config("""
version: 1
connections:
  hs:
    kind: hubspot
    auth: {flow: private_app, token: pat-na1-00000000-0000-0000-0000-000000000000}
    objects:
      contacts: {full_refresh_every_days: 7}
      companies:
""", env={})
    plan = plan_sync(cfg)
    try:
        every = {s.spec.name: s.full_refresh_every for s in plan.streams}
    finally:
        plan.close()
    assert every == {"contacts": WEEK, "companies": None}
