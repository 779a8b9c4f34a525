"""Record scores: every record's latest score kept, without rewriting a score that did not change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from store.quality_scores import save_scores, score_history
from store.tables import record_quality
from tests.support.statements import statements, touching


def _save(conn: Connection, run_id: int, scores: list[tuple[str, float, list[str]]],
          unchanged: frozenset[str] = frozenset()) -> list[str]:
    with statements(conn) as seen:
        save_scores(conn, run_id=run_id, connection="hs", object="contacts", entity="contact", scores=scores,
                    unchanged=unchanged)
    return seen


def _rows(conn: Connection) -> dict[str, dict[str, Any]]:
    return {r["record_id"]: dict(r) for r in conn.execute(select(record_quality)).mappings()}


def test_an_unchanged_record_with_the_same_score_keeps_its_row(conn: Connection) -> None:
    first = [("a", 1.0, []), ("b", 0.8, ["valid_email", "has_phone"])]
    _save(conn, 1, first)
    before = _rows(conn)
    seen = _save(conn, 2, first, unchanged=frozenset({"a", "b"}))
    assert touching(seen, "INSERT", "record_quality") == []
    assert _rows(conn) == before  # run_id and scored_at stay the check that gave the score
    # The run's mean still counts every record checked.
    latest = score_history(conn)[0]
    assert (latest["run_id"], latest["records"], latest["score"]) == (2, 2, 0.9)


def test_a_changed_score_or_rules_or_record_is_written(conn: Connection) -> None:
    _save(conn, 1, [("a", 1.0, []), ("b", 0.8, ["valid_email", "has_phone"]), ("c", 1.0, []), ("d", 1.0, [])])
    seen = _save(conn, 2, [("a", 0.5, ["valid_email"]),  # same record, rules changed: a new score
                           ("b", 0.8, ["has_phone", "valid_email"]),  # same score, rules listed otherwise
                           ("c", 1.0, []),  # record changed (not in unchanged): written as before
                           ("d", 1.0, []),  # unchanged, same score: kept
                           ("e", 1.0, [])],  # new record
                 unchanged=frozenset({"a", "b", "d", "e"}))
    assert len(touching(seen, "INSERT", "record_quality")) == 1
    rows = _rows(conn)
    assert {rid: (r["score"], r["failed"], r["run_id"]) for rid, r in rows.items()} == {
        "a": (0.5, ["valid_email"], 2), "b": (0.8, ["has_phone", "valid_email"], 2), "c": (1.0, [], 2),
        "d": (1.0, [], 1), "e": (1.0, [], 2)}


def test_without_unchanged_records_every_score_is_written_without_a_lookup(conn: Connection) -> None:
    _save(conn, 1, [("a", 1.0, [])])
    seen = _save(conn, 2, [("a", 1.0, [])])
    assert touching(seen, "SELECT", "record_quality") == []
    assert _rows(conn)["a"]["run_id"] == 2
