"""Source links: hashes for change detection, live upserts, idempotent tombstones, live counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, select

from store.links import link_hashes, live_counts, tombstone, upsert_links
from store.tables import contact, source_link
from store.upsert import upsert

SYNCED = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
HS = {"connection": "hs", "object": "contacts"}


def _link(source_id: str, *, run_id: int, content_hash: str = "h0", **extra: Any) -> dict[str, Any]:
    return {
        **HS,
        "source_id": source_id,
        "entity": "contact",
        "canonical_id": f"c-{source_id}",
        "content_hash": content_hash,
        "last_run_id": run_id,
        **extra,
    }


def _seed_contacts(conn: Connection, source_ids: list[str], *, run_id: int = 1) -> None:
    upsert(
        conn,
        contact,
        [
            {
                "id": f"c-{sid}",
                "source_connection": "hs",
                "source_object": "contacts",
                "source_id": sid,
                "email": f"{sid}@example.com",
                "synced_at": SYNCED,
            }
            for sid in source_ids
        ],
        key=["id"],
    )
    upsert_links(conn, [_link(sid, run_id=run_id) for sid in source_ids])


def _links(conn: Connection) -> dict[str, dict[str, Any]]:
    return {row["source_id"]: dict(row) for row in conn.execute(select(source_link)).mappings()}


def _deleted_at(conn: Connection) -> dict[str, datetime | None]:
    return dict(conn.execute(select(contact.c.source_id, contact.c.deleted_at)).tuples().all())


def _canonical_of(source_id: str) -> tuple[str, str]:
    return "contact", f"c-{source_id}"


def test_link_hashes_reports_known_ids_across_chunks(conn: Connection) -> None:
    ids = [str(n) for n in range(2_000)]
    upsert_links(conn, [_link(sid, run_id=1, content_hash=f"h{sid}") for sid in ids])
    upsert_links(conn, [{**_link("x", run_id=1), "object": "companies"}])
    found = link_hashes(conn, **HS, source_ids=[*ids, "unknown", "x"])
    assert len(found) == 2_000
    assert found["1999"] == ("h1999", False)
    assert "unknown" not in found and "x" not in found


def test_upsert_links_keeps_first_run_and_revives_deleted_links(conn: Connection) -> None:
    _seed_contacts(conn, ["a"], run_id=1)
    tombstone(conn, **HS, items=[("a", None, None)], run_id=2, canonical_of=_canonical_of)
    assert upsert_links(conn, [_link("a", run_id=3, content_hash="h1")]) == 1
    link = _links(conn)["a"]
    assert (link["first_run_id"], link["last_run_id"], link["content_hash"]) == (1, 3, "h1")
    assert (link["is_deleted"], link["deleted_at"], link["merged_into"]) == (False, None, None)
    assert link_hashes(conn, **HS, source_ids=["a"]) == {"a": ("h1", False)}


def test_tombstone_marks_links_and_canonical_rows(conn: Connection) -> None:
    _seed_contacts(conn, ["a", "b", "c"])
    when = datetime(2024, 5, 2, 12, 0, tzinfo=UTC)
    before = datetime.now(UTC) - timedelta(seconds=1)
    changed = tombstone(conn, **HS, items=[("a", when, None), ("b", None, "c")], run_id=2, canonical_of=_canonical_of)
    assert changed == 2
    links = _links(conn)
    assert (links["a"]["is_deleted"], links["a"]["deleted_at"], links["a"]["last_run_id"]) == (True, when, 2)
    assert (links["b"]["is_deleted"], links["b"]["merged_into"]) == (True, "c")
    assert links["b"]["deleted_at"] >= before
    assert links["c"]["is_deleted"] is False
    deleted = _deleted_at(conn)
    assert deleted["a"] == when and deleted["b"] == links["b"]["deleted_at"] and deleted["c"] is None
    assert link_hashes(conn, **HS, source_ids=["a", "b", "c"]) == {
        "a": ("h0", True),
        "b": ("h0", True),
        "c": ("h0", False),
    }


def test_tombstone_is_idempotent(conn: Connection) -> None:
    _seed_contacts(conn, ["a"])
    first = datetime(2024, 5, 2, tzinfo=UTC)
    assert tombstone(conn, **HS, items=[("a", first, None)], run_id=2, canonical_of=_canonical_of) == 1
    snapshot = (_links(conn), _deleted_at(conn))
    later = datetime(2024, 6, 1, tzinfo=UTC)
    assert (
        tombstone(conn, **HS, items=[("a", later, None), ("a", None, None)], run_id=3, canonical_of=_canonical_of) == 0
    )
    assert (_links(conn), _deleted_at(conn)) == snapshot


def test_tombstone_creates_links_for_never_seen_ids(conn: Connection) -> None:
    seen: list[str] = []

    def canonical_of(source_id: str) -> tuple[str, str]:
        seen.append(source_id)
        return "contact", f"c-{source_id}"

    when = datetime(2024, 5, 2, tzinfo=UTC)
    assert tombstone(conn, **HS, items=[("ghost", when, None)], run_id=4, canonical_of=canonical_of) == 0
    link = _links(conn)["ghost"]
    assert seen == ["ghost"]
    assert (link["entity"], link["canonical_id"], link["is_deleted"], link["deleted_at"]) == (
        "contact",
        "c-ghost",
        True,
        when,
    )
    assert (link["content_hash"], link["first_run_id"], link["last_run_id"]) == (None, 4, 4)
    assert link_hashes(conn, **HS, source_ids=["ghost"]) == {"ghost": (None, True)}
    assert tombstone(conn, **HS, items=[("ghost", None, None)], run_id=5, canonical_of=canonical_of) == 0
    assert seen == ["ghost"]


def test_tombstone_refuses_unknown_entities(conn: Connection) -> None:
    # Neither a canonical table nor a raw table the registry knows (a raw_ name included).
    for entity in ("person", "raw_hs__nothing"):
        with pytest.raises(ValueError, match=f"unknown entity table '{entity}': neither a canonical table"):
            tombstone(conn, **HS, items=[("x", None, None)], run_id=1, canonical_of=lambda sid, e=entity: (e, sid))


def test_tombstone_of_nothing_changes_nothing(conn: Connection) -> None:
    assert tombstone(conn, **HS, items=[], run_id=1, canonical_of=_canonical_of) == 0


def test_live_counts_per_stream(conn: Connection) -> None:
    _seed_contacts(conn, ["a", "b", "c"])
    upsert_links(conn, [{**_link("d", run_id=1), "connection": "sf", "object": "Contact"}])
    tombstone(conn, **HS, items=[("b", None, None), ("ghost", None, None)], run_id=2, canonical_of=_canonical_of)
    assert live_counts(conn) == {("hs", "contacts"): 2, ("sf", "Contact"): 1}
