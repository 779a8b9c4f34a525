"""sync/stream.py and sync/land.py on a real store (SQLite file and PostgreSQL) with an in-memory connector.

Invariants under test: every record read is counted once (read = upserted + unchanged + quarantined +
failed); the cursor moves with its data, in the same transaction; a failure mid-stream resumes without loss or
duplicates; tombstones are idempotent; quarantined records keep their native payload; the store refuses naive
datetimes.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import StatementError

import store
from connectors.base import Cursor, Tombstone
from connectors.errors import BudgetExhausted
from mapping.canonical_ids import canonical_id
from quality.checker import QualityChecker
from store.tables import contact, record_quality, source_link, sync_run
from sync.counts import Counts
from sync.land import Unit, content_hash, land
from sync.stream import RunSummary, run_stream
from tests.support.fakes import MAPPING, SPEC, T0, FakeConnector, Page, page_cursor, pages_of, person
from tests.support.statements import statements, touching

DELETED_AT = datetime(2024, 5, 2, 9, 30, tzinfo=UTC)


def _run(
    engine: Engine,
    connector: FakeConnector,
    checker: QualityChecker,
    *,
    unit_size: int = 2000,
    full_refresh: bool = False,
    progress: Any = None,
) -> RunSummary:
    return run_stream(
        engine=engine,
        connector=connector,
        spec=SPEC,
        mapping=MAPPING,
        checker=checker,
        full_refresh=full_refresh,
        unit_size=unit_size,
        progress=progress,
    )


def _contacts(engine: Engine) -> dict[str, dict[str, Any]]:
    with engine.connect() as conn:
        return {r["source_id"]: dict(r) for r in conn.execute(select(contact)).mappings()}


def _links(engine: Engine) -> dict[str, dict[str, Any]]:
    with engine.connect() as conn:
        return {r["source_id"]: dict(r) for r in conn.execute(select(source_link)).mappings()}


def _run_row(engine: Engine, run_id: int) -> dict[str, Any]:
    with engine.connect() as conn:
        return dict(conn.execute(select(sync_run).where(sync_run.c.id == run_id)).mappings().one())


def _cursor(engine: Engine) -> tuple[datetime | None, dict[str, Any]] | None:
    with engine.connect() as conn:
        return store.load_cursor(conn, connection="toy", object="people")


def _count(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _assert_run_row_matches(engine: Engine, summary: RunSummary) -> None:
    row = _run_row(engine, summary.run_id)
    assert row["status"] == summary.status
    assert {k: row[k] for k in summary.counts.as_dict()} == summary.counts.as_dict()
    assert row["api_calls"] == summary.api_calls
    assert row["finished_at"] is not None


def test_a_run_lands_rows_and_its_counts_reconcile(engine: Engine, checker: QualityChecker) -> None:
    records = [
        person("1"),
        person("2", modified="n/a"),
        person("3", family=None),
        person("4", mail="bad"),
        person("5"),
        person("6", tier=""),
    ]
    connector = FakeConnector(pages_of(records, 2))
    summary = _run(engine, connector, checker, unit_size=3)
    assert summary.status == "succeeded" and summary.ok
    assert summary.counts == Counts(read=6, upserted=3, unchanged=0, quarantined=3, failed=0, deleted=0)
    assert summary.counts.reconciles()
    assert summary.api_calls == 3
    _assert_run_row_matches(engine, summary)
    assert connector.fields_asked == [MAPPING.source_fields()]

    rows = _contacts(engine)
    assert set(rows) == {"1", "5", "6"}
    one = rows["1"]
    assert one["id"] == canonical_id("toy", "people", "1")
    assert (one["source_connection"], one["source_object"]) == ("toy", "people")
    assert (one["first_name"], one["last_name"], one["email"]) == ("Ada", "Family 1", "p1@example.com")
    assert one["account_id"] == canonical_id("toy", "orgs", "o1")
    assert one["created_at"] == datetime(2024, 1, 1, 8, 0, tzinfo=UTC)  # +02:00 converted, the instant kept
    assert one["custom"] == {"tier": "gold"}
    assert rows["6"]["custom"] == {}
    assert one["deleted_at"] is None and one["synced_at"].tzinfo is not None

    links = _links(engine)
    assert set(links) == {"1", "5", "6"}
    assert links["1"]["canonical_id"] == one["id"]
    assert links["1"]["entity"] == "contact"
    assert links["1"]["source_modified_at"] == datetime(2024, 2, 1, tzinfo=UTC)
    assert (links["1"]["first_run_id"], links["1"]["last_run_id"]) == (summary.run_id, summary.run_id)
    assert not links["1"]["is_deleted"]


def test_a_second_identical_run_is_unchanged_and_writes_nothing(
    engine: Engine, checker: QualityChecker
) -> None:
    pages = pages_of([person(str(i)) for i in range(1, 6)], 2)
    first = _run(engine, FakeConnector(pages), checker, unit_size=2)
    before_rows, before_links = _contacts(engine), _links(engine)
    second = _run(engine, FakeConnector(pages), checker, unit_size=2, full_refresh=True)
    assert second.status == "succeeded"
    assert second.counts == Counts(read=5, upserted=0, unchanged=5)
    assert second.counts.reconciles()
    _assert_run_row_matches(engine, second)
    assert _contacts(engine) == before_rows  # synced_at included: nothing was rewritten
    assert _links(engine) == before_links  # last_run_id still the first run's
    assert {link["last_run_id"] for link in before_links.values()} == {first.run_id}


def test_a_changed_record_is_upserted_and_only_it(engine: Engine, checker: QualityChecker) -> None:
    records = [person("1"), person("2"), person("3")]
    first = _run(engine, FakeConnector(pages_of(records, 3)), checker)
    before = _contacts(engine)
    changed = [person("1"), person("2", given="Grace", modified="2024-03-01T00:00:00Z"), person("3")]
    second = _run(engine, FakeConnector(pages_of(changed, 3)), checker, full_refresh=True)
    assert second.counts == Counts(read=3, upserted=1, unchanged=2)
    after, links = _contacts(engine), _links(engine)
    assert after["2"]["first_name"] == "Grace"
    assert after["2"]["updated_at"] == datetime(2024, 3, 1, tzinfo=UTC)
    assert after["2"]["synced_at"] >= before["2"]["synced_at"]
    assert after["1"] == before["1"] and after["3"] == before["3"]
    assert (links["2"]["first_run_id"], links["2"]["last_run_id"]) == (first.run_id, second.run_id)
    assert links["1"]["last_run_id"] == first.run_id
    assert len(after) == 3


def test_tombstones_mark_links_and_rows_deleted_idempotently(engine: Engine, checker: QualityChecker) -> None:
    _run(engine, FakeConnector(pages_of([person("1"), person("2")], 2)), checker)
    tombstones = Page(deletes=[Tombstone("1", DELETED_AT), Tombstone("ghost", None)])
    first = _run(engine, FakeConnector([tombstones]), checker, full_refresh=True)
    assert first.status == "succeeded"
    assert first.counts == Counts(read=0, deleted=1)  # only a live link going deleted counts
    _assert_run_row_matches(engine, first)
    rows, links = _contacts(engine), _links(engine)
    assert rows["1"]["deleted_at"] == DELETED_AT
    assert rows["2"]["deleted_at"] is None
    assert (links["1"]["is_deleted"], links["1"]["deleted_at"], links["1"]["last_run_id"]) == (
        True,
        DELETED_AT,
        first.run_id,
    )
    assert links["ghost"]["is_deleted"] and links["ghost"]["content_hash"] is None
    assert links["ghost"]["canonical_id"] == canonical_id("toy", "people", "ghost")
    assert not links["2"]["is_deleted"]

    later = Page(deletes=[Tombstone("1", DELETED_AT + timedelta(days=1))])
    again = _run(engine, FakeConnector([later, tombstones]), checker, full_refresh=True)
    assert again.counts == Counts(read=0, deleted=0)
    assert _contacts(engine) == rows  # the first deletion time stays
    assert _links(engine) == links


def test_a_record_deleted_later_in_the_same_unit_ends_deleted(
    engine: Engine, checker: QualityChecker
) -> None:
    pages = [Page(upserts=[person("1"), person("2")]), Page(deletes=[Tombstone("1", DELETED_AT)])]
    summary = _run(engine, FakeConnector(pages), checker)
    assert summary.counts == Counts(read=2, upserted=2, deleted=1)
    assert _contacts(engine)["1"]["deleted_at"] == DELETED_AT
    assert _links(engine)["1"]["is_deleted"]


def test_a_record_restored_later_in_the_same_unit_ends_alive(engine: Engine, checker: QualityChecker) -> None:
    _run(engine, FakeConnector([Page(upserts=[person("1")])]), checker)
    pages = [Page(deletes=[Tombstone("1", DELETED_AT)]), Page(upserts=[person("1", given="Back")])]
    _run(engine, FakeConnector(pages), checker, full_refresh=True)
    assert _contacts(engine)["1"]["deleted_at"] is None
    assert not _links(engine)["1"]["is_deleted"]


def test_the_cursor_saved_is_the_last_landed_batchs(engine: Engine, checker: QualityChecker) -> None:
    connector = FakeConnector(pages_of([person(str(i)) for i in range(10)], 2))  # 5 pages
    seen: list[tuple[Any, int]] = []
    summary = _run(
        engine,
        connector,
        checker,
        unit_size=4,
        progress=lambda counts: seen.append((_cursor(engine), counts.read)),
    )
    # Units of two pages: [0, 1], [2, 3], [4]; each saved the cursor of its last page with its rows.
    expected = [page_cursor(1), page_cursor(3), page_cursor(4)]
    assert seen == [
        ((c.watermark, dict(c.state)), read) for c, read in zip(expected, [4, 8, 10], strict=True)
    ]
    assert _cursor(engine) == (T0 + timedelta(minutes=4), {"page": 5})
    assert summary.counts.read == 10

    again = FakeConnector(connector.pages)
    resumed = _run(engine, again, checker, unit_size=4)
    assert again.started_from == [Cursor(T0 + timedelta(minutes=4), {"page": 5})]
    assert resumed.counts == Counts()
    assert _cursor(engine) == (T0 + timedelta(minutes=4), {"page": 5})  # nothing read, nothing moved


def test_a_failure_mid_stream_resumes_without_loss_or_duplicates(
    engine: Engine, checker: QualityChecker
) -> None:
    pages = pages_of([person(str(i)) for i in range(12)], 2)  # 6 pages
    failing = FakeConnector(pages, fail_after=5)
    failed = _run(engine, failing, checker, unit_size=4)
    assert failed.status == "failed" and not failed.ok
    assert "HTTP 503 from the fake" in (failed.error or "")
    assert failed.counts == Counts(read=10, upserted=10)
    assert failed.counts.reconciles()
    row = _run_row(engine, failed.run_id)
    assert (row["status"], row["read"], row["upserted"]) == ("failed", 10, 10)
    assert "HTTP 503 from the fake" in row["error"]
    # Pages 0-4 were read whole: they landed, and the cursor stands right after page 4, never beyond.
    assert _cursor(engine) == (T0 + timedelta(minutes=4), {"page": 5})
    assert set(_contacts(engine)) == {str(i) for i in range(10)}

    rerun = FakeConnector(pages, overlap=1)  # re-reads the boundary page, as a closed window start does
    resumed = _run(engine, rerun, checker, unit_size=4)
    assert rerun.started_from == [Cursor(T0 + timedelta(minutes=4), {"page": 5})]
    assert resumed.status == "succeeded"
    assert resumed.counts == Counts(read=4, upserted=2, unchanged=2)
    assert set(_contacts(engine)) == {str(i) for i in range(12)}
    assert _count(engine, contact) == 12
    assert _count(engine, source_link) == 12
    assert _cursor(engine) == (T0 + timedelta(minutes=5), {"page": 6})


def test_a_budget_stop_lands_what_was_read(engine: Engine, checker: QualityChecker) -> None:
    stop = BudgetExhausted("stopped at 80% of the daily API limit", connection="toy")
    connector = FakeConnector(pages_of([person(str(i)) for i in range(6)], 2), fail_after=2, fail_with=stop)
    summary = _run(engine, connector, checker, unit_size=100)
    assert summary.status == "stopped"
    assert "80% of the daily API limit" in (summary.error or "")
    assert summary.counts == Counts(read=4, upserted=4)
    assert _cursor(engine) == (T0 + timedelta(minutes=1), {"page": 2})
    assert _run_row(engine, summary.run_id)["status"] == "stopped"


def test_quarantined_records_keep_their_native_payload_and_reasons(
    engine: Engine, checker: QualityChecker
) -> None:
    bad_time, no_name = person("7", modified="n/a"), person("8", family="  ", mail="Not An Email")
    summary = _run(engine, FakeConnector([Page(upserts=[person("1"), bad_time, no_name])]), checker)
    assert summary.counts == Counts(read=3, upserted=1, quarantined=2)
    with engine.connect() as conn:
        kept = {q["source_id"]: q for q in store.list_quarantine(conn, connection="toy", object="people")}
    assert set(kept) == {"7", "8"}
    assert kept["7"]["payload"] == bad_time
    assert kept["8"]["payload"] == no_name
    for q in kept.values():
        assert (q["run_id"], q["entity"], q["status"]) == (summary.run_id, "contact", "open")
        assert q["created_at"].tzinfo is not None
    assert kept["7"]["reasons"] == [
        {
            "field": "updated_at",
            "source_field": "modified",
            "rule": "transform:datetime",
            "message": "modified: expected an ISO-8601 date-time with a UTC offset, got 'n/a'",
            "value": "n/a",
        }
    ]
    assert [(r["field"], r["rule"]) for r in kept["8"]["reasons"]] == [
        ("last_name", "last_name_required"),
        ("email", "email_format"),
    ]
    assert kept["8"]["reasons"][1]["value"] == "not an email"  # the mapped value the rule saw
    assert set(_contacts(engine)) == set(_links(engine)) == {"1"}


def test_a_newer_read_or_a_delete_supersedes_open_quarantine(engine: Engine, checker: QualityChecker) -> None:
    def quarantined() -> list[tuple[str, int, str]]:
        with engine.connect() as conn:
            rows = store.list_quarantine(conn, connection="toy", object="people", status=None)
        return [(q["source_id"], q["run_id"], q["status"]) for q in rows]

    first = _run(
        engine,
        FakeConnector([Page(upserts=[person("1"), person("7", modified="n/a"), person("8", family=None)])]),
        checker,
    )
    assert quarantined() == [("7", first.run_id, "open"), ("8", first.run_id, "open")]

    second = _run(
        engine, FakeConnector([Page(upserts=[person("7", modified="still n/a")])]), checker, full_refresh=True
    )
    assert second.counts == Counts(read=1, quarantined=1)
    assert quarantined() == [
        ("7", first.run_id, "replayed"),
        ("8", first.run_id, "open"),
        ("7", second.run_id, "open"),
    ]  # one open row per record, not one per run

    fixed = [Page(upserts=[person("7")]), Page(deletes=[Tombstone("8", DELETED_AT)])]
    third = _run(engine, FakeConnector(fixed), checker, full_refresh=True)
    assert third.counts == Counts(read=1, upserted=1, deleted=0)  # 8 never landed: no live link went deleted
    # 7 read again: replayed; 8 deleted in the CRM: closed as deleted (and emptied, store/erasure.py)
    assert [(sid, status) for sid, _, status in quarantined()] == [("7", "replayed"), ("8", "deleted"),
                                                                   ("7", "replayed")]
    with engine.connect() as conn:
        assert all(q["resolved_at"] is not None for q in store.list_quarantine(conn, status=None))
        assert store.quarantine_summary(conn) == []
    assert set(_contacts(engine)) == {"1", "7"}


def test_the_same_record_twice_in_one_unit_lands_its_later_read(
    engine: Engine, checker: QualityChecker
) -> None:
    pages = [Page(upserts=[person("1"), person("2")]), Page(upserts=[person("1", given="Later")])]
    summary = _run(engine, FakeConnector(pages), checker)
    assert summary.status == "succeeded", summary.error
    assert _contacts(engine)["1"]["first_name"] == "Later"


def test_an_unexpected_error_still_closes_the_run(engine: Engine, checker: QualityChecker) -> None:
    connector = FakeConnector(
        pages_of([person("1")], 1), fail_after=0, fail_with=RuntimeError("connector bug")
    )
    with pytest.raises(RuntimeError, match="connector bug"):
        _run(engine, connector, checker)
    with engine.connect() as conn:
        (run,) = store.list_runs(conn, connection="toy")
    assert run["status"] == "failed"
    assert "connector bug" in (run["error"] or "")


# --- land() directly ---
def _unit(passed: list[dict[str, Any]], *, cursor: Cursor | None = None) -> Unit:
    return Unit(
        connection="toy",
        object="people",
        entity="contact",
        read=len(passed),
        passed=passed,
        quarantined=[],
        deletes=[],
        cursor=cursor or page_cursor(0),
        api_calls=1,
    )


def _row(source_id: str, **values: Any) -> dict[str, Any]:
    return {
        "id": canonical_id("toy", "people", source_id),
        "source_connection": "toy",
        "source_object": "people",
        "source_id": source_id,
        "last_name": "Byron",
        "custom": {},
        **values,
    }


def _start(engine: Engine) -> int:
    with engine.begin() as conn:
        return store.start_run(conn, connection="toy", object="people", full_refresh=False)


def test_land_keeps_the_later_read_of_a_record_in_one_unit(engine: Engine) -> None:
    counts = land(
        engine, _unit([_row("1", first_name="Early"), _row("1", first_name="Late")]), run_id=_start(engine)
    )
    assert counts == Counts(read=2, upserted=1, unchanged=1)
    assert _contacts(engine)["1"]["first_name"] == "Late"


def test_the_store_refuses_naive_datetimes_and_lands_nothing(engine: Engine) -> None:
    run_id = _start(engine)
    naive = _row("1", created_at=datetime(2024, 1, 1, 12, 0))
    with pytest.raises(
        StatementError, match="UtcDateTime refuses naive datetime 2024-01-01T12:00:00"
    ) as info:
        land(engine, _unit([naive]), run_id=run_id)
    assert isinstance(info.value.orig, ValueError)
    assert _contacts(engine) == {} and _links(engine) == {}
    assert _cursor(engine) is None  # the cursor did not move without its data
    assert _run_row(engine, run_id)["read"] == 0
    with pytest.raises(ValueError, match="must be timezone-aware"):
        Cursor(datetime(2024, 1, 1, 12, 0))


def test_content_hash_ignores_write_times_only() -> None:
    row = _row("1", first_name="Ada")
    assert content_hash(row) == content_hash(
        {**row, "synced_at": datetime.now(UTC), "deleted_at": DELETED_AT}
    )
    assert content_hash(row) != content_hash({**row, "first_name": "Grace"})
    assert content_hash(row) == content_hash(dict(reversed(list(row.items()))))


def test_content_hash_keeps_the_digest_stored_before_for_every_value_type() -> None:
    """Stored hashes must keep matching after an upgrade, or every record is rewritten once: this digest is what
    ``blake2b(json.dumps(row, sort_keys=True, default=str))`` gave for this row before the hash was sped up."""
    row = {"id": "c7be7aae-4a1c-538d-ade0-cf07ee84baed", "source_id": "1000", "name": "Zoë \"Q\" O'Brien\n\t✓ 😀",
           "count": 42, "big": 2**70, "neg": -7, "ratio": 0.1, "huge": 1e16, "tiny": 5e-324, "whole": 3.0,
           "nan": float("nan"), "inf": float("inf"), "flag": True, "off": False, "missing": None,
           "created_at": datetime(2024, 8, 23, 19, 23, tzinfo=UTC),
           "updated_at": datetime(2024, 8, 26, 19, 23, 5, 120, tzinfo=UTC),
           "offset": datetime(2024, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=2))), "naive": datetime(2024, 1, 1),
           "birthday": date(1990, 2, 28), "amount": Decimal("1234.5600"),
           "uid": uuid.UUID("6f1c2f0e-9a53-4b8e-b1f4-6c0de1c2a6b1"),
           "custom": {"z": [1, "two", None, {"b": 2, "a": 1}], "a": {"nested": date(2024, 1, 1)}}, "tags": ["x", "y"],
           "empty": {}, "tup": (1, 2)}
    assert content_hash(row) == "043bc2c672822bc246903b52e9dc974f"
    assert content_hash({**row, "synced_at": datetime.now(UTC), "deleted_at": None}) == content_hash(row)


def test_an_unchanged_record_rescored_alike_costs_no_score_write(engine: Engine) -> None:
    rows = [_row(str(i), first_name=f"P{i}") for i in range(3)]
    scores = [(r["id"], 1.0, []) for r in rows]
    first_run = _start(engine)
    assert land(engine, replace(_unit(rows), scores=scores), run_id=first_run).upserted == 3
    with statements(engine) as seen:
        again = land(engine, replace(_unit(rows), scores=scores), run_id=_start(engine))
    assert again == Counts(read=3, unchanged=3)
    assert touching(seen, "INSERT", "record_quality") == []
    assert touching(seen, "UPDATE", "quarantine") == []  # nothing open: nothing to supersede
    # A rule added since: the same record now breaks it, and its new score is written.
    rescored = [(rows[0]["id"], 0.5, ["has_phone"]), *scores[1:]]
    run_id = _start(engine)
    land(engine, replace(_unit(rows), scores=rescored), run_id=run_id)
    with engine.connect() as conn:
        kept = {r.record_id: (r.score, r.failed, r.run_id) for r in conn.execute(select(record_quality))}
    assert kept[rows[0]["id"]] == (0.5, ["has_phone"], run_id)
    assert kept[rows[1]["id"]] == (1.0, [], first_run)  # unchanged and scored alike: the row that gave it


def test_a_complete_id_listing_tombstones_what_the_crm_purged(engine: Engine, checker: QualityChecker) -> None:
    first = _run(engine, FakeConnector(pages_of([person(str(i)) for i in range(6)], 3)), checker)
    assert first.counts.upserted == 6
    # The CRM purged 1 and 4 without a delete record; its listing (taken before the read) says so. Record 9 was
    # created after the listing and is read in the same run: it must stay alive.
    listing = Page(live_ids=frozenset({"0", "2", "3", "5"}))
    again = FakeConnector([listing, Page(upserts=[person("2", given="Grace"), person("9")])])
    second = _run(engine, again, checker, full_refresh=True)
    assert second.status == "succeeded" and second.counts.deleted == 2
    links = _links(engine)
    assert {sid for sid, link in links.items() if link["is_deleted"]} == {"1", "4"}
    assert links["9"]["is_deleted"] is False and _contacts(engine)["2"]["first_name"] == "Grace"
    assert _contacts(engine)["4"]["deleted_at"] is not None
    # The next listing includes 9; landing it is a no-op: already-deleted links are not counted twice.
    later = Page(live_ids=frozenset({"0", "2", "3", "5", "9"}))
    assert _run(engine, FakeConnector([later]), checker, full_refresh=True).counts.deleted == 0
