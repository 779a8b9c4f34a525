"""Run history: counts accumulate per batch, finishing records the totals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection

from store.runs import add_run_counts, close_abandoned_runs, finish_run, list_runs, start_run


def _run(conn: Connection, run_id: int) -> dict[str, object]:
    return next(r for r in list_runs(conn, limit=1_000) if r["id"] == run_id)


def test_a_new_run_is_running_with_zero_counts(conn: Connection) -> None:
    before = datetime.now(UTC)
    run_id = start_run(conn, connection="sf", object="Account", full_refresh=True)
    run = _run(conn, run_id)
    assert (run["status"], run["full_refresh"], run["finished_at"], run["errors"]) == ("running", True, None, [])
    assert [run[c] for c in ("read", "upserted", "unchanged", "quarantined", "failed", "deleted", "api_calls")] == [
        0
    ] * 7
    started = run["started_at"]
    assert isinstance(started, datetime) and started.tzinfo is UTC and started >= before.replace(microsecond=0)


def test_batch_counts_accumulate(conn: Connection) -> None:
    run_id = start_run(conn, connection="sf", object="Account", full_refresh=False)
    add_run_counts(conn, run_id=run_id, counts={"read": 200, "upserted": 150, "unchanged": 50}, api_calls=2)
    add_run_counts(conn, run_id=run_id, counts={"read": 100, "upserted": 90, "quarantined": 10}, api_calls=1)
    add_run_counts(conn, run_id=run_id, counts={"deleted": 3})
    run = _run(conn, run_id)
    assert {k: run[k] for k in ("read", "upserted", "unchanged", "quarantined", "failed", "deleted", "api_calls")} == {
        "read": 300,
        "upserted": 240,
        "unchanged": 50,
        "quarantined": 10,
        "failed": 0,
        "deleted": 3,
        "api_calls": 3,
    }


def test_finish_records_final_totals_and_errors(conn: Connection) -> None:
    run_id = start_run(conn, connection="sf", object="Account", full_refresh=False)
    add_run_counts(conn, run_id=run_id, counts={"read": 10, "upserted": 9, "deleted": 2}, api_calls=4)
    errors = [{"source_id": "001A", "message": "timeout", "retryable": True}]
    finish_run(
        conn,
        run_id=run_id,
        status="partial",
        counts={"read": 11, "upserted": 9, "failed": 2},
        api_calls=5,
        error="1 record failed",
        errors=errors,
    )
    run = _run(conn, run_id)
    assert (run["status"], run["read"], run["upserted"], run["failed"], run["deleted"], run["api_calls"]) == (
        "partial",
        11,
        9,
        2,
        2,
        5,
    )
    assert (run["error"], run["errors"]) == ("1 record failed", errors)
    finished = run["finished_at"]
    assert isinstance(finished, datetime) and finished.tzinfo is UTC


def test_bad_status_count_name_or_run_id_are_refused(conn: Connection) -> None:
    run_id = start_run(conn, connection="sf", object="Account", full_refresh=False)
    with pytest.raises(ValueError, match="status"):
        finish_run(conn, run_id=run_id, status="running", counts={}, api_calls=0)
    with pytest.raises(ValueError, match="unknown run count"):
        add_run_counts(conn, run_id=run_id, counts={"upsert": 1})
    with pytest.raises(LookupError):
        add_run_counts(conn, run_id=run_id + 1, counts={"read": 1})


def test_list_runs_newest_first_with_limit_and_connection(conn: Connection) -> None:
    ids = [start_run(conn, connection=c, object="Account", full_refresh=False) for c in ("sf", "hs", "sf", "sf")]
    assert [r["id"] for r in list_runs(conn)] == ids[::-1]
    assert [r["id"] for r in list_runs(conn, limit=2)] == ids[:1:-1]
    assert [r["id"] for r in list_runs(conn, connection="sf")] == [ids[3], ids[2], ids[0]]
    assert list_runs(conn, connection="nobody") == []


def test_a_run_left_running_by_a_dead_process_is_closed_by_the_next_run_of_its_stream(conn: Connection) -> None:
    dead = start_run(conn, connection="hs", object="contacts", full_refresh=False)
    add_run_counts(conn, run_id=dead, counts={"read": 5, "upserted": 5})
    other = start_run(conn, connection="hs", object="companies", full_refresh=False)
    current = start_run(conn, connection="hs", object="contacts", full_refresh=False)
    assert close_abandoned_runs(conn, connection="hs", object="contacts", current_run_id=current) == 1
    runs = {r["id"]: r for r in list_runs(conn)}
    assert runs[dead]["status"] == "failed" and "abandoned" in runs[dead]["error"]
    assert runs[dead]["read"] == 5  # its committed units' counts stay
    assert runs[other]["status"] == "running" and runs[current]["status"] == "running"
