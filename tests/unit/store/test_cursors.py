"""Cursors: saved, replaced, loaded, deleted, and only ever committed by the caller."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import Connection

from store.cursors import cursor_details, delete_cursor, load_cursor, save_cursor

STREAM = {"connection": "hubspot-prod", "object": "contacts"}


def test_a_stream_without_a_cursor_loads_none(conn: Connection) -> None:
    assert load_cursor(conn, **STREAM) is None


def test_save_then_load(conn: Connection) -> None:
    watermark = datetime(2024, 6, 1, 10, 0, tzinfo=UTC)
    save_cursor(conn, **STREAM, watermark=watermark, state={"after": "abc", "page": 3}, run_id=7)
    conn.commit()
    assert load_cursor(conn, **STREAM) == (watermark, {"after": "abc", "page": 3})


def test_saving_again_replaces_the_cursor(conn: Connection) -> None:
    save_cursor(conn, **STREAM, watermark=datetime(2024, 6, 1, tzinfo=UTC), state={"after": "abc"}, run_id=1)
    later = datetime(2024, 6, 2, 9, 0, tzinfo=timezone(timedelta(hours=-5)))
    save_cursor(conn, **STREAM, watermark=later, state={}, run_id=2)
    loaded = load_cursor(conn, **STREAM)
    assert loaded == (datetime(2024, 6, 2, 14, 0, tzinfo=UTC), {})
    assert loaded is not None and loaded[0] is not None and loaded[0].tzinfo is UTC


def test_a_cursor_without_watermark_keeps_its_state(conn: Connection) -> None:
    save_cursor(conn, **STREAM, watermark=None, state={"delta_link": "https://crm.example/delta?token=x"}, run_id=None)
    assert load_cursor(conn, **STREAM) == (None, {"delta_link": "https://crm.example/delta?token=x"})


def test_streams_are_independent_and_delete_forgets_one(conn: Connection) -> None:
    other = {"connection": "hubspot-prod", "object": "deals"}
    save_cursor(conn, **STREAM, watermark=datetime(2024, 1, 1, tzinfo=UTC), state={}, run_id=1)
    save_cursor(conn, **other, watermark=datetime(2024, 2, 1, tzinfo=UTC), state={}, run_id=1)
    delete_cursor(conn, **STREAM)
    assert load_cursor(conn, **STREAM) is None
    assert load_cursor(conn, **other) == (datetime(2024, 2, 1, tzinfo=UTC), {})


def test_a_rolled_back_transaction_leaves_no_cursor(conn: Connection) -> None:
    save_cursor(conn, **STREAM, watermark=datetime(2024, 1, 1, tzinfo=UTC), state={}, run_id=1)
    conn.rollback()
    assert load_cursor(conn, **STREAM) is None


def test_details_say_which_run_saved_the_cursor_and_delete_says_whether_there_was_one(conn: Connection) -> None:
    assert cursor_details(conn, **STREAM) is None
    save_cursor(conn, **STREAM, watermark=datetime(2024, 3, 1, tzinfo=UTC), state={"after": "9"}, run_id=12)
    details = cursor_details(conn, **STREAM)
    assert details is not None and details["updated_at"].tzinfo is not None
    assert {k: details[k] for k in ("watermark", "state", "run_id")} == {
        "watermark": datetime(2024, 3, 1, tzinfo=UTC), "state": {"after": "9"}, "run_id": 12}
    assert delete_cursor(conn, **STREAM) is True
    assert delete_cursor(conn, **STREAM) is False
