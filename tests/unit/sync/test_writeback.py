"""The write-back engine on a real store with an in-memory CRM: idempotent, guarded, every record accounted for.

Invariant 5: a ledger hash per (connection, object, record, field set) makes unchanged values free; every record
gets a result; failures go to a dead-letter list marked retryable or not; a value a person changed after we read it
is not overwritten silently; our own write is never mistaken for a person's edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

import store
from connectors.base import ApiUsage, ObjectSpec, OutboundChange, WriteResult
from quality.checker import QualityChecker
from store.tables import writeback_ledger, writeback_result
from sync.stream import run_stream
from sync.writeback import Desired, retry_dead_letters, run_writeback
from tests.support.fakes import MAPPING, SPEC, FakeConnector, Page, person

READ_AT = datetime.fromisoformat("2024-02-01T00:00:00+00:00")  # the fakes' records' modified time


@dataclass
class FakeCrm:
    """Records' written fields and modified times; a person may edit; some writes fail."""

    name: str = "toy"
    modified: dict[str, datetime] = field(default_factory=dict)
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    fail: dict[str, tuple[str, bool]] = field(default_factory=dict)  # source_id -> (message, retryable)
    usage: ApiUsage = field(default_factory=ApiUsage)
    batch: int = 2
    clock: datetime = READ_AT

    def person_edits(self, sid: str) -> None:
        self.clock += timedelta(minutes=5)
        self.modified[sid] = self.clock

    def read_current(self, spec: ObjectSpec, source_ids: Sequence[str],
                     fields: Sequence[str]) -> dict[str, tuple[dict[str, Any], str | None]]:
        self.usage.calls += 1
        return {sid: ({f: self.values.get(sid, {}).get(f) for f in fields}, self.modified[sid].isoformat())
                for sid in source_ids if sid in self.modified}

    def write(self, spec: ObjectSpec, changes: Sequence[OutboundChange]) -> list[WriteResult]:
        self.usage.calls += -(-len(changes) // self.batch)
        out = []
        for c in changes:
            if c.source_id in self.fail:
                message, retryable = self.fail[c.source_id]
                out.append(WriteResult(c.source_id, "failed", message, retryable))
            elif c.expected_version and datetime.fromisoformat(c.expected_version) != self.modified[c.source_id]:
                out.append(WriteResult(c.source_id, "conflict", f"changed at {self.modified[c.source_id]}"))
            else:
                self.clock += timedelta(seconds=1)
                self.modified[c.source_id] = self.clock
                self.values[c.source_id] = dict(c.values)
                out.append(WriteResult(c.source_id, "updated", version=self.clock.isoformat()))
        return out


@pytest.fixture
def crm(engine: Engine, checker: QualityChecker) -> FakeCrm:
    ids = [str(i) for i in range(6)]
    source = FakeConnector([Page(upserts=[person(i) for i in ids])])
    assert run_stream(engine=engine, connector=source, spec=SPEC, mapping=MAPPING, checker=checker).ok
    return FakeCrm(modified=dict.fromkeys(ids, READ_AT))


def scores(ids: Sequence[str], value: int) -> list[Desired]:
    return [Desired(i, {"crmhub_score": value + (int(i) if i.isdigit() else 0), "crmhub_grade": "warm"}) for i in ids]


def _write(engine: Engine, crm: FakeCrm, desired: list[Desired], **kw: Any) -> Any:
    return run_writeback(engine, crm, SPEC, field_set="lead_score", desired=desired, **kw)  # type: ignore[arg-type]


def _results(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(writeback_result).order_by(writeback_result.c.id)).mappings()]


def test_unchanged_values_cost_no_call_and_changed_ones_only_themselves(engine: Engine, crm: FakeCrm) -> None:
    first = _write(engine, crm, scores([str(i) for i in range(6)], 50))
    assert (first.status, first.sent, first.updated, first.api_calls) == ("succeeded", 6, 6, 3)
    again = _write(engine, crm, scores([str(i) for i in range(6)], 50))
    assert (again.sent, again.unchanged, again.api_calls) == (0, 6, 0)
    changed = _write(engine, crm, scores(["0", "1"], 60) + scores(["2", "3", "4", "5"], 50))
    assert (changed.sent, changed.unchanged, changed.api_calls) == (2, 4, 1)
    assert crm.values["1"]["crmhub_score"] == 61
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(writeback_ledger)).scalar_one() == 6
    assert len(_results(engine)) == 8  # one result per record sent, never more, never fewer


def test_our_own_write_is_not_taken_for_a_persons_edit(engine: Engine, crm: FakeCrm) -> None:
    _write(engine, crm, scores(["0"], 10))
    # No sync in between: the CRM's modified time is now our write's, which only the ledger knows.
    second = _write(engine, crm, scores(["0"], 20))
    assert (second.updated, second.conflicts, second.skipped) == (1, 0, 0)


@pytest.mark.parametrize(("policy", "status", "kept"), [("skip", "skipped", True), ("flag", "conflict", True),
                                                        ("overwrite", "updated", False)])
def test_a_persons_edit_after_our_read_follows_the_conflict_policy(
    engine: Engine, crm: FakeCrm, policy: str, status: str, kept: bool
) -> None:
    crm.values["2"] = {"crmhub_score": 99}
    crm.person_edits("2")
    summary = _write(engine, crm, scores(["1", "2"], 40), policy=policy)
    assert summary.updated == 1 + (not kept)
    assert crm.values["2"] == ({"crmhub_score": 99} if kept else {"crmhub_score": 42, "crmhub_grade": "warm"})
    row = next(r for r in _results(engine) if r["source_id"] == "2")
    assert row["status"] == status and (row["message"] or status == "updated")
    with engine.connect() as conn:
        open_ids = [d["source_id"] for d in store.open_dead_letters(conn)]
    assert open_ids == (["2"] if policy == "flag" else [])
    # A kept value is not in the ledger: the next run tries again (and meets the same guard) rather than forget.
    assert _write(engine, crm, scores(["2"], 40), policy=policy).unchanged == (0 if kept else 1)


def test_failures_go_to_the_dead_letter_list_and_retry_resolves_the_retryable(engine: Engine, crm: FakeCrm) -> None:
    crm.fail = {"3": ("UNABLE_TO_LOCK_ROW: record locked", True), "4": ("INVALID_FIELD: crmhub_grade", False)}
    summary = _write(engine, crm, scores([str(i) for i in range(6)], 0))
    assert (summary.status, summary.updated, summary.failed) == ("partial", 4, 2)
    with engine.connect() as conn:
        dead = {d["source_id"]: d["retryable"] for d in store.open_dead_letters(conn)}
    assert dead == {"3": True, "4": False}
    crm.fail = {"4": ("INVALID_FIELD: crmhub_grade", False)}
    retried = retry_dead_letters(engine, crm, SPEC, field_set="lead_score")  # type: ignore[arg-type]
    assert (retried.sent, retried.updated, retried.api_calls) == (1, 1, 1)  # only the retryable one
    with engine.connect() as conn:
        assert [d["source_id"] for d in store.open_dead_letters(conn)] == ["4"]
    assert crm.values["3"] == {"crmhub_score": 3, "crmhub_grade": "warm"}


def test_dry_run_says_what_would_be_sent_and_why_and_sends_nothing(engine: Engine, crm: FakeCrm) -> None:
    _write(engine, crm, scores(["0"], 5))
    preview = _write(engine, crm, scores(["0", "1"], 5) + scores(["nope"], 5), dry_run=True)
    assert (preview.status, preview.api_calls, preview.sent, preview.unchanged) == ("dry-run", 0, 1, 1)
    why = {p["source_id"]: p["why"] for p in preview.preview}
    assert why == {"1": "never sent", "nope": "people nope was never read from toy: sync it first"}
    assert "1" not in crm.values and len(_results(engine)) == 1


def test_deleted_and_unknown_records_are_refused_with_a_reason(engine: Engine, crm: FakeCrm,
                                                              checker: QualityChecker) -> None:
    from connectors.base import Tombstone

    gone = FakeConnector([Page(deletes=[Tombstone("5")])])
    assert run_stream(engine=engine, connector=gone, spec=SPEC, mapping=MAPPING, checker=checker, full_refresh=True).ok
    summary = _write(engine, crm, scores(["5", "77"], 1))
    assert (summary.sent, summary.refused, summary.api_calls) == (0, 2, 0)
    reasons = {r["source_id"]: r["message"] for r in _results(engine)}
    assert "deleted" in reasons["5"] and "never read" in reasons["77"]


def test_intents_a_killed_run_left_are_settled_from_the_crm_not_sent_twice(engine: Engine, crm: FakeCrm) -> None:
    from store import writeback as ledger

    wanted = scores([str(i) for i in range(4)], 70)
    # A run recorded its intents, the CRM applied the first two, and the process died before hearing back.
    with engine.begin() as conn:
        run_id = store.start_run(conn, connection="toy", object="writeback/people", full_refresh=False)
        ledger.record_intents(conn, [{"run_id": run_id, "connection": "toy", "object": SPEC.name, "source_id":
                                      d.source_id, "field_set": "lead_score", "values": dict(d.values)}
                                     for d in wanted])
    for d in wanted[:2]:
        crm.values[d.source_id] = dict(d.values)
    summary = _write(engine, crm, wanted)
    assert (summary.reconciled, summary.sent, summary.updated) == (2, 2, 2)  # the two applied are not re-sent
    assert crm.values["3"] == dict(wanted[3].values)
    with engine.connect() as conn:
        statuses = conn.execute(select(writeback_result.c.source_id, writeback_result.c.status,
                                       writeback_result.c.resolved_at.is_(None))).all()
        assert conn.execute(select(func.count()).select_from(writeback_ledger)).scalar_one() == 4
    assert sorted((sid, st) for sid, st, open_ in statuses if open_) == [
        ("0", "updated"), ("1", "updated"), ("2", "updated"), ("3", "updated")]
    assert _write(engine, crm, wanted).unchanged == 4
