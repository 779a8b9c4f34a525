"""A tombstone keeps the ids and the deletion time, not the person (store/erasure.py), on SQLite and PostgreSQL:
the canonical row, the quarantined payloads, the identity tables and the scores of a deleted record; and the
quarantine rows of deleted records purged after the retention a sync run applies."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select, update

import store
from config import parse_config
from config.errors import ConfigFileError
from connectors.base import ObjectSpec, Tombstone
from mapping.canonical_ids import canonical_id
from mapping.spec import resolve
from quality.checker import QualityChecker
from store.erasure import erased_columns
from store.tables import (
    contact,
    identity_cluster,
    identity_member,
    identity_merge,
    lead_score,
    metadata,
    quarantine,
    source_link,
)
from sync.runner import Stream, SyncPlan, run_plan
from sync.stream import run_stream
from sync.writeback.scores import desired_values
from tests.support.fakes import MAPPING, SPEC, FakeConnector, Page, person

NOW = datetime.now(UTC)
GONE, KEPT, QUARANTINED = "1", "2", "8"
PERSONAL = ("Family 1", "p1@example.com", "Family 8", "not an email")


def _run(engine: Engine, checker: QualityChecker, pages: list[Page], *, full_refresh: bool = True) -> None:
    summary = run_stream(engine=engine, connector=FakeConnector(pages), spec=SPEC, mapping=MAPPING, checker=checker,
                         full_refresh=full_refresh)
    assert summary.status == "succeeded", summary.error


def _cid(source_id: str) -> str:
    return canonical_id("toy", "people", source_id)


def _seed_identity_and_scores(engine: Engine) -> None:
    """What `identity resolve` and `score leads` leave for the two contacts: one cluster, a merge, two scores."""
    golden = {"first_name": "Ada", "last_name": "Family 1", "email": "p1@example.com", "title": None}
    sources = {"first_name": {"record": _cid(KEPT), "connection": "toy", "rule": "priority"},
               "last_name": {"record": _cid(GONE), "connection": "toy", "rule": "priority"},
               "email": {"record": _cid(GONE), "connection": "toy", "rule": "priority"}}
    with engine.begin() as conn:
        conn.execute(insert(identity_cluster).values(id="cl-1", kind="person", golden=golden, sources=sources,
                                                     member_count=2, updated_at=NOW))
        conn.execute(insert(identity_member), [
            {"entity": "contact", "record_id": _cid(sid), "cluster_id": "cl-1", "connection": "toy",
             "object": "people", "source_id": sid, "rule": "email", "confidence": 1.0, "updated_at": NOW}
            for sid in (GONE, KEPT)])
        conn.execute(insert(identity_merge).values(kind="person", record_a=_cid(GONE), record_b=_cid(KEPT),
                                                   rule="email", confidence=1.0, evidence={"email": "p1@example.com"},
                                                   status="active", created_at=NOW))
        conn.execute(insert(lead_score), [
            {"entity": "contact", "record_id": _cid(sid), "score": 80.0, "grade": "hot", "engagement": 70.0,
             "intent": 60.0, "fit": 90.0, "reasons": "opened emails", "contributions": "[]",
             "model_version": "lead-rules-2", "scored_at": NOW, "valid_until": NOW + timedelta(days=1)}
            for sid in (GONE, KEPT)])


def _everything(engine: Engine) -> str:
    """Every row of every table, as text: where a deleted person's name or email would show."""
    with engine.connect() as conn:
        rows = [dict(r) for table in metadata.sorted_tables for r in conn.execute(select(table)).mappings()]
    return json.dumps(rows, default=str).lower()


def test_a_delete_leaves_ids_and_deletion_time_but_not_the_person(engine: Engine, checker: QualityChecker) -> None:
    bad = person(QUARANTINED, mail="Not An Email")
    _run(engine, checker, [Page(upserts=[person(GONE), person(KEPT), bad])], full_refresh=False)
    _seed_identity_and_scores(engine)
    assert all(p.lower() in _everything(engine) for p in PERSONAL)  # the fixture does hold them

    deleted_at = NOW - timedelta(hours=1)
    _run(engine, checker, [Page(deletes=[Tombstone(GONE, deleted_at), Tombstone(QUARANTINED, deleted_at)])])

    dump = _everything(engine)
    assert [p for p in PERSONAL if p.lower() in dump] == []
    with engine.connect() as conn:
        rows = {r["source_id"]: dict(r) for r in conn.execute(select(contact)).mappings()}
        links = {r["source_id"]: dict(r) for r in conn.execute(select(source_link)).mappings()}
        kept_rows = [dict(r) for r in conn.execute(select(quarantine)).mappings()]
        cluster = conn.execute(select(identity_cluster)).mappings().one()
        members = conn.execute(select(identity_member.c.source_id)).scalars().all()
        merge = conn.execute(select(identity_merge)).mappings().one()
        scored = conn.execute(select(lead_score.c.record_id)).scalars().all()
        desired = list(desired_values(conn, connection="toy", object="people", entity="contact",
                                      fields={"lead_score": "score__c"}))
    tomb = rows[GONE]
    assert (tomb["id"], tomb["source_connection"], tomb["source_object"], tomb["deleted_at"]) == (
        _cid(GONE), "toy", "people", deleted_at)
    assert [c for c in erased_columns("contact") if tomb[c] is not None] == []
    assert rows[KEPT]["last_name"] == "Family 2" and rows[KEPT]["custom"] == {"tier": "gold"}
    assert links[GONE]["is_deleted"] and links[QUARANTINED]["is_deleted"]
    # The quarantined record: closed as deleted, its payload and the values its reasons quoted gone.
    assert [(q["source_id"], q["status"], q["payload"]) for q in kept_rows] == [(QUARANTINED, "deleted", {})]
    assert kept_rows[0]["reasons"] == [{"field": "email", "rule": "email_format"}]
    # Identity: the member gone, the golden values it supplied gone, the merge's quoted email gone.
    assert members == [KEPT] and cluster["member_count"] == 1
    assert cluster["golden"] == {"first_name": "Ada", "last_name": None, "email": None, "title": None}
    assert set(cluster["sources"]) == {"first_name"}
    assert merge["evidence"] == {}
    # Scores: only the live contact keeps one, and only it is written back.
    assert scored == [_cid(KEPT)]
    assert [d.source_id for d in desired] == [KEPT]


def test_a_record_restored_after_its_erasure_comes_back_whole(engine: Engine, checker: QualityChecker) -> None:
    _run(engine, checker, [Page(upserts=[person(GONE)])], full_refresh=False)
    _run(engine, checker, [Page(deletes=[Tombstone(GONE, NOW)])])
    _run(engine, checker, [Page(upserts=[person(GONE)])])
    with engine.connect() as conn:
        row = conn.execute(select(contact)).mappings().one()
    assert (row["deleted_at"], row["last_name"], row["email"]) == (None, "Family 1", "p1@example.com")


def _quarantine_row(source_id: str, *, status: str, resolved_at: datetime | None) -> dict[str, Any]:
    return {"run_id": 1, "connection": "toy", "object": "people", "source_id": source_id, "entity": "contact",
            "payload": {}, "reasons": [{"field": "email", "rule": "email_format"}], "status": status,
            "created_at": NOW - timedelta(days=60), "resolved_at": resolved_at}


def test_sync_purges_quarantine_of_records_deleted_longer_ago_than_the_retention(
    engine: Engine, checker: QualityChecker
) -> None:
    _run(engine, checker, [Page(upserts=[person("old"), person("recent")])], full_refresh=False)
    with engine.begin() as conn:
        store.tombstone(conn, connection="toy", object="people", run_id=1,
                        items=[("old", NOW - timedelta(days=40), None), ("recent", NOW - timedelta(days=10), None)],
                        canonical_of=lambda sid: ("contact", _cid(sid)))
        conn.execute(insert(quarantine), [
            _quarantine_row("old", status="replayed", resolved_at=NOW - timedelta(days=50)),
            _quarantine_row("recent", status="replayed", resolved_at=NOW - timedelta(days=50)),
            # deleted while it sat in quarantine (no link): closed as deleted 31 and 29 days ago
            _quarantine_row("q-old", status="deleted", resolved_at=NOW - timedelta(days=31)),
            _quarantine_row("q-recent", status="deleted", resolved_at=NOW - timedelta(days=29)),
            # live records' history and open rows are not the retention's business
            _quarantine_row("live", status="replayed", resolved_at=NOW - timedelta(days=400)),
            _quarantine_row("old", status="open", resolved_at=None),
        ])
    connector = FakeConnector([Page(upserts=[person("live")])])
    plan = SyncPlan([Stream(connector, SPEC, MAPPING)], {connector.name: connector},
                    quarantine_retention=timedelta(days=30))
    [summary] = run_plan(plan, engine=engine, checker=checker, full_refresh=True)
    assert summary.status == "succeeded"
    with engine.connect() as conn:
        left = sorted((r.source_id, r.status) for r in conn.execute(select(quarantine)))
    assert left == [("live", "replayed"), ("old", "open"), ("q-recent", "deleted"), ("recent", "replayed")]


def test_a_zero_retention_purges_at_the_next_run(engine: Engine, checker: QualityChecker) -> None:
    bad = person(QUARANTINED, mail="Not An Email")
    _run(engine, checker, [Page(upserts=[bad])], full_refresh=False)
    with engine.begin() as conn:
        conn.execute(update(quarantine).values(created_at=NOW - timedelta(days=1)))
    connector = FakeConnector([Page(deletes=[Tombstone(QUARANTINED, NOW - timedelta(seconds=1))])])
    plan = SyncPlan([Stream(connector, SPEC, MAPPING)], {connector.name: connector}, quarantine_retention=timedelta())
    run_plan(plan, engine=engine, checker=checker, full_refresh=True)
    with engine.connect() as conn:
        assert conn.execute(select(quarantine)).all() == []


def test_the_retention_is_a_store_setting_with_a_default() -> None:
    assert parse_config("version: 1\n").store.deleted_quarantine_retention_days == 30
    assert parse_config("version: 1\nstore: {deleted_quarantine_retention_days: 7}\n"
                        ).store.deleted_quarantine_retention_days == 7
    with pytest.raises(ConfigFileError, match="deleted_quarantine_retention_days"):
        parse_config("version: 1\nstore: {deleted_quarantine_retention_days: -1}\n")


def test_a_tombstone_erases_a_new_entity_the_same_way(engine: Engine, checker: QualityChecker) -> None:
    """Issue 17's tables are canonical tables like the others: a deleted NPS response keeps ids and times only."""
    spec = ObjectSpec(name="npsResponse_c", entity="feedback", primary_key="marketoGUID", cursor_field="updatedAt")
    [mapping] = resolve("marketo", ["npsResponse_c"], {"npsResponse_c": {
        "entity": "feedback",
        "fields": {"score": "score", "comment": "comment", "feedback_type": {"const": "nps"},
                   "contact_id": {"from": "leadId", "ref": "leads"}, "updated_at": "updatedAt"},
        "custom": ["surveyName"]}}, connection="toy").values()
    answer = {"marketoGUID": "g1", "score": "3", "comment": "Ada Lovelace here: call me on +44 20 7946 0123",
              "leadId": "1001", "updatedAt": "2026-01-01T00:00:00Z", "surveyName": "Q1 NPS"}

    def run(*pages: Page) -> None:  # the cursor moves a page each time: the second run reads the second page
        summary = run_stream(engine=engine, connector=FakeConnector(list(pages), objects=(spec,)), spec=spec,
                             mapping=mapping, checker=checker, full_refresh=False)
        assert summary.status == "succeeded", summary.error

    created = Page(upserts=[answer])
    run(created)
    table = store.canonical_tables["feedback"]
    with engine.connect() as conn:
        landed = conn.execute(select(table)).mappings().one()
    assert (landed["score"], landed["feedback_type"], landed["custom"]) == (3.0, "nps", {"surveyName": "Q1 NPS"})

    run(created, Page(deletes=[Tombstone("g1", deleted_at=NOW)]))
    with engine.connect() as conn:
        gone = conn.execute(select(table)).mappings().one()
    assert gone["deleted_at"] is not None and gone["source_id"] == "g1"
    assert all(gone[column] is None for column in erased_columns("feedback"))
    assert {"comment", "contact_id", "score", "custom"} <= set(erased_columns("feedback"))
    assert "ada lovelace" not in _everything(engine)
