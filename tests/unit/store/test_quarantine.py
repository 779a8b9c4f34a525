"""Quarantine: kept with reasons, listed, summarised by rule, resolved once."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection

from store.quarantine import (
    add_quarantine,
    list_quarantine,
    quarantine_summary,
    resolve_quarantine,
    supersede_quarantine,
)
from tests.support.statements import statements, touching


def _reason(field: str, rule: str, value: Any = None) -> dict[str, Any]:
    return {"field": field, "rule": rule, "message": f"{field} fails {rule}", "value": value}


def _record(
    source_id: str, reasons: list[dict[str, Any]], *, connection: str = "sf", object: str = "Contact"
) -> dict[str, Any]:
    return {
        "run_id": 1,
        "connection": connection,
        "object": object,
        "source_id": source_id,
        "entity": "contact",
        "payload": {"Id": source_id, "Email": "not-an-email"},
        "reasons": reasons,
    }


@pytest.fixture
def filled(conn: Connection) -> Connection:
    add_quarantine(
        conn,
        [
            _record("1", [_reason("email", "valid_email", "not-an-email"), _reason("phone", "valid_phone", "12")]),
            _record("2", [_reason("email", "valid_email"), _reason("alt_email", "valid_email")]),
            _record("3", [_reason("country", "iso_country", "Atlantis")]),
            _record("4", [_reason("email", "valid_email")], connection="hs", object="contacts"),
        ],
    )
    return conn


def test_added_records_are_open_with_payload_and_reasons(filled: Connection) -> None:
    rows = list_quarantine(filled, connection="sf")
    assert [r["source_id"] for r in rows] == ["1", "2", "3"]
    first = rows[0]
    assert (first["status"], first["resolved_at"], first["payload"]) == (
        "open",
        None,
        {"Id": "1", "Email": "not-an-email"},
    )
    assert first["reasons"][0] == _reason("email", "valid_email", "not-an-email")
    assert first["created_at"].tzinfo is not None


def test_list_filters_and_limit(filled: Connection) -> None:
    assert [r["source_id"] for r in list_quarantine(filled)] == ["1", "2", "3", "4"]
    assert [r["source_id"] for r in list_quarantine(filled, object="contacts")] == ["4"]
    assert [r["source_id"] for r in list_quarantine(filled, limit=2)] == ["1", "2"]
    assert list_quarantine(filled, status="dismissed") == []


def test_list_by_rule_and_after_an_id(filled: Connection) -> None:
    """The console lists one rule's records page by page; a record failing the rule on two fields is listed once."""
    assert [r["source_id"] for r in list_quarantine(filled, rule="valid_email")] == ["1", "2", "4"]
    assert [r["source_id"] for r in list_quarantine(filled, rule="iso_country")] == ["3"]
    assert list_quarantine(filled, rule="no_such_rule") == []
    first = list_quarantine(filled, rule="valid_email", limit=2)
    rest = list_quarantine(filled, rule="valid_email", after_id=first[-1]["id"])
    assert [r["source_id"] for r in rest] == ["4"]
    assert [r["source_id"] for r in list_quarantine(filled, rule="valid_email", connection="sf")] == ["1", "2"]


def test_summary_counts_records_per_rule(filled: Connection) -> None:
    assert quarantine_summary(filled) == [
        {"connection": "hs", "object": "contacts", "rule": "valid_email", "count": 1},
        {"connection": "sf", "object": "Contact", "rule": "iso_country", "count": 1},
        {"connection": "sf", "object": "Contact", "rule": "valid_email", "count": 2},
        {"connection": "sf", "object": "Contact", "rule": "valid_phone", "count": 1},
    ]


def test_resolve_closes_open_records_once(filled: Connection) -> None:
    ids = {r["source_id"]: r["id"] for r in list_quarantine(filled)}
    assert resolve_quarantine(filled, ids=[ids["1"], ids["2"]], status="replayed") == 2
    assert resolve_quarantine(filled, ids=[ids["2"], ids["3"]], status="dismissed") == 1
    assert [r["source_id"] for r in list_quarantine(filled)] == ["4"]
    replayed = list_quarantine(filled, status="replayed")
    assert [r["source_id"] for r in replayed] == ["1", "2"]
    assert all(r["resolved_at"] is not None for r in replayed)
    assert quarantine_summary(filled) == [
        {"connection": "hs", "object": "contacts", "rule": "valid_email", "count": 1},
    ]
    every_status = {(r["connection"], r["rule"]): r["count"] for r in quarantine_summary(filled, status=None)}
    assert every_status == {
        ("hs", "valid_email"): 1,
        ("sf", "valid_email"): 2,
        ("sf", "valid_phone"): 1,
        ("sf", "iso_country"): 1,
    }


def test_bad_input_is_refused(conn: Connection) -> None:
    with pytest.raises(ValueError, match="non-empty list of reasons"):
        add_quarantine(conn, [_record("9", [])])
    with pytest.raises(ValueError, match="status"):
        resolve_quarantine(conn, ids=[1], status="open")
    assert add_quarantine(conn, []) == 0


def test_supersede_closes_only_the_reread_records_of_that_object(filled: Connection) -> None:
    """Records read again close their own open rows, as many ids as a unit holds (more than one 900-id chunk; on
    PostgreSQL one array parameter per chunk), and never another connection's row with the same source id."""
    reread = ["1", "3", *(f"absent-{i}" for i in range(2_000))]
    assert supersede_quarantine(filled, connection="sf", object="Contact", source_ids=reread) == 2
    assert supersede_quarantine(filled, connection="sf", object="Contact", source_ids=reread) == 0
    assert supersede_quarantine(filled, connection="sf", object="contacts", source_ids=["4"]) == 0
    assert sorted(r["source_id"] for r in list_quarantine(filled)) == ["2", "4"]
    assert sorted(r["source_id"] for r in list_quarantine(filled, status="replayed")) == ["1", "3"]


def test_supersede_updates_nothing_when_the_stream_has_no_open_row(filled: Connection) -> None:
    """A unit of a stream with nothing open (here: only another connection's row) costs one probe, no UPDATE."""
    unit = [f"id-{i}" for i in range(2_000)]
    with statements(filled) as seen:
        assert supersede_quarantine(filled, connection="sf", object="contacts", source_ids=unit) == 0
    assert touching(seen, "UPDATE", "quarantine") == []
    assert len(seen) == 1
    assert [r["status"] for r in list_quarantine(filled, status=None)] == ["open"] * 4


def test_supersede_updates_only_the_ids_that_have_an_open_row(filled: Connection) -> None:
    unit = ["3", *(f"id-{i}" for i in range(2_000))]
    with statements(filled) as seen:
        assert supersede_quarantine(filled, connection="sf", object="Contact", source_ids=unit) == 1
    assert len(touching(seen, "UPDATE", "quarantine")) == 1  # not one per 900 ids of the unit
    assert [r["source_id"] for r in list_quarantine(filled, status="replayed")] == ["3"]
    assert list_quarantine(filled, status="replayed")[0]["resolved_at"] is not None


def test_supersede_with_more_open_rows_than_half_the_ids_updates_every_chunk(filled: Connection) -> None:
    add_quarantine(filled, [_record(f"open-{i}", [_reason("email", "valid_email")]) for i in range(1_100)])
    reread = ["1", "3", *(f"absent-{i}" for i in range(2_000))]  # 1,103 open rows: more than it probes (1,001)
    with statements(filled) as seen:
        assert supersede_quarantine(filled, connection="sf", object="Contact", source_ids=reread) == 2
    assert len(touching(seen, "UPDATE", "quarantine")) == 3  # 2,002 ids in 900-id chunks, as before the probe
    replayed = list_quarantine(filled, status="replayed")
    assert sorted(r["source_id"] for r in replayed) == ["1", "3"]
    assert len(list_quarantine(filled, connection="sf", limit=5_000)) == 1_101
