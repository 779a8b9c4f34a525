"""sync/pool.py: units mapped and checked on worker processes land exactly as in one process, in read order.

Invariants under test: the store after a sync with workers is the store after the same sync without (rows,
quarantine and reasons, scores, counts, cursors, echoes, tombstones); the rules that ask the store run in the main
process in cursor order; a unit whose worker raises or dies fails the run there, the cursor staying at the unit
before; a unit that finishes early waits for the ones read before it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select

import store
import sync.pool
import sync.stream
from config import parse_config
from connectors.base import Record, Tombstone
from mapping.spec import FieldRule, ObjectMapping
from quality.checker import QualityChecker
from quality.own_rules import REFERENCE
from quality.suite import Rule, load_suites
from store.tables import metadata, writeback_ledger
from sync.land import Unit
from sync.pool import Checked, Pipeline, UnitFailed
from sync.runner import plan_sync
from sync.stream import RunSummary, run_stream
from tests.support.fakes import MAPPING, SPEC, FakeConnector, Page, page_cursor, person
from tests.support.stores import fresh_engine

# Contacts whose account_id names another contact (a reference rule that must see the units landed before it).
PEOPLE = replace(MAPPING, rules=tuple(
    FieldRule("account_id", "org", "ref", {"object": "people"}) if r.target == "account_id" else r
    for r in MAPPING.rules))
REFERS = Rule("refers_to_known", REFERENCE, {"column": "account_id", "entity": "contact"}, "quarantine")
STARTED = datetime.now(UTC)
REAL_WORK = sync.pool.work


@pytest.fixture(scope="module")
def referring() -> QualityChecker:
    suites = load_suites()
    return QualityChecker({**suites, "contact": (*suites["contact"], REFERS)})


@pytest.fixture(autouse=True)
def wait_for_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every unit after the first goes to the pool (none mapped here while it starts): deterministic tests."""
    monkeypatch.setattr(sync.stream, "Pipeline", partial(Pipeline, inline_while_starting=False))


def _person(pid: str, **overrides: Any) -> Record:
    return person(pid, **{"org": None, **overrides})


def _pages() -> list[Page]:
    """Six pages, three units of two: quarantines (mapping and checks), a warning, a reference to an earlier unit,
    a record read twice, a delete, an echo of our own write-back."""
    return [
        Page([_person("1"), _person("2", mail="bad")]),
        Page([_person("3"), _person("4", family=None)]),
        Page([_person("5", org="1"), _person("6", org="99")]),  # 1 landed in the unit before; 99 never exists
        Page([_person("7", modified="2019-01-01T00:00:00Z"), _person("5", org="1", given="Bo")]),
        Page([_person("8")], deletes=[Tombstone("1", datetime(2024, 6, 1, tzinfo=UTC))]),
        Page([_person("9", org="8"), _person("10", mail="also bad")]),
    ]


def _sync(engine: Engine, checker: QualityChecker, workers: int, pages: Sequence[Page] | None = None) -> RunSummary:
    return run_stream(engine=engine, connector=FakeConnector(list(pages or _pages())), spec=SPEC, mapping=PEOPLE,
                      checker=checker, unit_size=4, workers=workers)


def _with_ledger(engine: Engine) -> None:
    """crmhub wrote person 3's tier back before: reading it again is an echo, not a person's edit."""
    with engine.begin() as conn:
        conn.execute(insert(writeback_ledger).values(
            connection="toy", object="people", source_id="3", field_set="tier", values_hash="h",
            values={"tier": "gold"}, version="2024-02-01T00:00:00+00:00", run_id=None, sent_at=STARTED))


def _dump(engine: Engine) -> dict[str, list[str]]:
    """Every table's rows, with the instants a run stamps from its own clock blanked (all after STARTED)."""
    out = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            rows = [{k: ("<now>" if isinstance(v, datetime) and v >= STARTED else v) for k, v in row.items()}
                    for row in conn.execute(select(table)).mappings()]
            out[table.name] = sorted(repr(sorted(r.items())) for r in rows)
    return out


def test_check_is_finish_of_local(referring: QualityChecker) -> None:
    rows = [{"id": "a", "source_id": "1", "last_name": "X", "email": "a@b.co", "account_id": "known"},
            {"id": "b", "source_id": "2", "last_name": None, "email": "nope", "account_id": "gone"},
            {"id": "c", "source_id": "3", "last_name": "Y", "email": "c@b.co", "account_id": "a",
             "updated_at": datetime(2019, 1, 1, tzinfo=UTC)}]
    now = datetime(2026, 12, 1, tzinfo=UTC)

    def exists(entity: str, ids: Sequence[str]) -> set[str]:
        return {i for i in ids if i == "known"}

    whole = referring.check("contact", rows, exists=exists, now=now)
    split = referring.finish("contact", rows, referring.local("contact", rows, now=now), exists=exists)
    assert (split.passed, split.quarantined, split.scores, split.warnings) == (
        whole.passed, whole.quarantined, whole.scores, whole.warnings)
    assert [row["id"] for row in whole.passed] == ["a", "c"]  # "known" from the store, "a" from the batch
    assert "refers_to_known" in {r["rule"] for r in whole.quarantined[0][1]}
    assert referring.needs_store("contact") and not QualityChecker(load_suites()).needs_store("contact")


def test_a_sync_with_workers_lands_the_same_store(tmp_path: Path, referring: QualityChecker) -> None:
    summaries, dumps = [], []
    for workers in (0, 1, 2):
        (tmp_path / str(workers)).mkdir()
        engine = next(fresh_engine("sqlite", tmp_path / str(workers)))
        try:
            _with_ledger(engine)
            summaries.append(_sync(engine, referring, workers))
            dumps.append(_dump(engine))
        finally:
            engine.dispose()
    inline, pooled, two = summaries
    assert inline.status == "succeeded", inline.error
    assert inline.counts.quarantined == 4 and inline.counts.deleted == 1 and inline.counts.echoes == 1
    assert inline.warnings == {"updated_at_fresh": 1}
    assert inline.cpu_in_workers == 0 and pooled.cpu_in_workers > 0  # the pool did map and check units
    for other in (pooled, two):
        assert (other.status, other.counts, other.warnings, other.api_calls, other.notes) == (
            inline.status, inline.counts, inline.warnings, inline.api_calls, inline.notes)
    assert dumps[1] == dumps[0] and dumps[2] == dumps[0]
    quarantined = [row for row in dumps[0]["quarantine"] if "refers_to_known" in row]
    assert len(quarantined) == 1 and "'99'" in quarantined[0]  # 6 refers to nothing; 5 and 9 to landed units


def raising_work(records: Sequence[Record], mapping: ObjectMapping, connection: str, primary_key: str) -> Checked:
    """A worker that raises on the unit holding person 5 (the second unit)."""
    if any(r["pid"] == "5" for r in records):
        raise RuntimeError("the mapping blew up")
    return sync.pool.work(records, mapping, connection, primary_key)


def dying_work(records: Sequence[Record], mapping: ObjectMapping, connection: str, primary_key: str) -> Checked:
    """A worker process that dies on the unit holding person 8 (the third unit)."""
    if any(r["pid"] == "8" for r in records):
        os._exit(7)
    return sync.pool.work(records, mapping, connection, primary_key)


@pytest.mark.parametrize(("work", "unit", "message"), [
    (raising_work, 2, "the worker process raised RuntimeError: the mapping blew up"),
    (dying_work, 3, "its worker process ended unexpectedly"),
])
def test_a_unit_whose_worker_fails_fails_the_run_at_it(sqlite_db: Engine, referring: QualityChecker,
                                                       monkeypatch: pytest.MonkeyPatch, work: Any, unit: int,
                                                       message: str) -> None:
    monkeypatch.setattr(sync.pool, "work", work)
    failed = _sync(sqlite_db, referring, 1)
    assert failed.status == "failed" and failed.error_kind == "crm"
    assert message in str(failed.error) and f"unit {unit} " in str(failed.error)
    assert isinstance(failed.failure, UnitFailed)
    before = page_cursor(2 * unit - 3)  # the last page of the unit before the failed one
    with sqlite_db.connect() as conn:
        assert store.load_cursor(conn, connection="toy", object="people") == (before.watermark, dict(before.state))
    read = [4, 8][unit - 2]  # what the units before it read: nothing after the failed one landed
    assert failed.counts.read == read

    monkeypatch.setattr(sync.pool, "work", REAL_WORK)
    resumed = _sync(sqlite_db, referring, 1)
    assert resumed.status == "succeeded" and resumed.counts.read == 11 - read


def ordered_work(records: Sequence[Record], mapping: ObjectMapping, connection: str, primary_key: str) -> Checked:
    """The unit holding person 5 finishes only once the unit after it (person 8) has: a later unit first."""
    ids = {r["pid"] for r in records}
    log = Path(records[0]["log"])
    if "5" in ids:
        deadline = time.monotonic() + 120
        while "8" not in log.read_text().split() and time.monotonic() < deadline:
            time.sleep(0.02)
    checked = sync.pool.work(records, mapping, connection, primary_key)
    with log.open("a") as out:
        out.write(" ".join(sorted(ids)) + "\n")
    return checked


def test_units_land_in_read_order_when_a_later_one_finishes_first(
        sqlite_db: Engine, referring: QualityChecker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "finished"
    log.write_text("")
    pages = [Page([{**r, "log": str(log)} for r in p.upserts], p.deletes) for p in _pages()]
    landed: list[Any] = []
    real_land = sync.stream.land

    def land(engine: Engine, unit: Unit, *, run_id: int) -> Any:
        landed.append(unit.cursor)
        return real_land(engine, unit, run_id=run_id)

    monkeypatch.setattr(sync.pool, "work", ordered_work)
    monkeypatch.setattr(sync.stream, "land", land)
    summary = _sync(sqlite_db, referring, 2, pages)
    assert summary.status == "succeeded", summary.error
    finished = log.read_text().split("\n")
    assert finished.index("10 8 9") < finished.index("5 6 7")  # the third unit was mapped before the second
    assert landed == [page_cursor(i) for i in (1, 3, 5)]  # and still landed after it
    assert summary.counts.quarantined == 4  # person 5's reference to person 1 was checked after unit 1 landed


def test_the_pipeline_keeps_at_most_workers_plus_one_units_in_flight(referring: QualityChecker) -> None:
    landed: list[int] = []
    pipeline: Pipeline[int] = Pipeline(workers=1, checker=referring, mapping=MAPPING, connection="toy",
                                       primary_key="pid", land=lambda n, checked: landed.append(n),
                                       inline_while_starting=False)
    try:
        most = 0
        for n in range(8):
            pipeline.put(n, [person(str(n))])
            most = max(most, len(pipeline.in_flight))
        pipeline.drain()
    finally:
        pipeline.close()
    assert landed == list(range(8)) and 1 <= most <= 2


def test_a_fail_rule_broken_on_a_worker_stops_the_run_as_in_one_process(tmp_path: Path) -> None:
    suites = load_suites()
    no_bo = Rule("no_bo", "expect_column_values_to_not_match_regex", {"column": "first_name", "regex": "^Bo$"},
                 "fail")
    checker = QualityChecker({**suites, "contact": (*suites["contact"], no_bo)})
    outcomes = []
    for workers in (0, 1):
        (tmp_path / str(workers)).mkdir()
        engine = next(fresh_engine("sqlite", tmp_path / str(workers)))
        try:
            failed = run_stream(engine=engine, connector=FakeConnector(_pages()), spec=SPEC, mapping=MAPPING,
                                checker=checker, unit_size=4, workers=workers)  # person 5 is read as Bo in unit 2
            with engine.connect() as conn:
                outcomes.append((failed.status, failed.error_kind, failed.error, failed.counts.read,
                                 store.load_cursor(conn, connection="toy", object="people")))
        finally:
            engine.dispose()
    assert outcomes[0] == outcomes[1]
    status, kind, error, read, cursor = outcomes[0]
    assert (status, kind, read) == ("failed", "quality", 4) and "no_bo" in str(error)
    assert cursor == (page_cursor(1).watermark, dict(page_cursor(1).state))


@pytest.mark.parametrize(("cores", "setting", "workers"), [(1, "auto", 0), (2, "auto", 1), (8, "auto", 7),
                                                           (1, 3, 3), (8, 0, 0)])
def test_auto_is_one_worker_per_core_beside_the_main_process(monkeypatch: pytest.MonkeyPatch, cores: int,
                                                             setting: Any, workers: int) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)))
    assert sync.pool.resolve_workers(setting) == workers


def test_the_config_s_worker_count_reaches_the_plan() -> None:
    cfg = parse_config("version: 1\nsync:\n  workers: auto\n")
    assert plan_sync(cfg).workers == "auto" and parse_config("version: 1\n").sync.workers == 0
