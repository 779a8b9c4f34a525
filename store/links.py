"""Source links: which CRM record became which canonical row, its content hash, and whether it was deleted."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence, Set
from contextlib import closing
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, false, func, or_, select, update

from store.binds import announce, as_core_errors, driver_connection
from store.chunking import IN_LIST_CHUNK, chunked
from store.erasure import erase_canonical, strip_quarantine
from store.raw import entity_table
from store.tables import source_link
from store.upsert import upsert

LINK_KEY: tuple[str, ...] = ("connection", "object", "source_id")


def link_hashes(
    conn: Connection, *, connection: str, object: str, source_ids: Sequence[str]
) -> dict[str, tuple[str | None, bool]]:
    """source_id → (content_hash, is_deleted) for the ids already linked; unknown ids are absent.

    The hash is ``None`` for a tombstone of a record that was never read alive.
    """
    ids = list(dict.fromkeys(source_ids))
    if not ids:
        return {}
    # A unit asks for 2,000 ids: straight to the driver, since Core's expanding IN and result rows cost more than
    # the query. PostgreSQL takes them as one array parameter: one round trip, one index probe per id.
    postgresql = conn.dialect.name == "postgresql"
    chunks = [ids] if postgresql else chunked(ids, IN_LIST_CHUNK)
    query = "SELECT source_id, content_hash, is_deleted FROM source_link WHERE connection = {0} AND object = {0} AND "
    found: dict[str, tuple[str | None, bool]] = {}
    with as_core_errors(conn, query), closing(driver_connection(conn).cursor()) as cursor:
        for chunk in chunks:
            params: tuple[Any, ...]
            if postgresql:
                sql, params = query.format("%s") + "source_id = ANY(%s)", (connection, object, list(chunk))
            else:
                sql, params = (query.format("?") + f"source_id IN ({', '.join('?' for _ in chunk)})",
                               (connection, object, *chunk))
            announce(conn, cursor, sql, params)
            cursor.execute(sql, params)
            found.update({source_id: (content_hash, bool(is_deleted))
                          for source_id, content_hash, is_deleted in cursor.fetchall()})
    return found


def upsert_links(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> int:
    """Upsert links of records read alive in this batch.

    Columns the rows leave out get the values of a live link: ``is_deleted`` false, no ``deleted_at`` or
    ``merged_into`` (so an undeleted record comes back to life), ``updated_at`` now, and ``first_run_id`` equal
    to ``last_run_id``. An existing link keeps its ``first_run_id``.
    """
    if not rows:
        return 0
    now = datetime.now(UTC)
    filled = [_live_link(row, now) for row in rows]
    update_columns = [c for c in filled[0] if c not in LINK_KEY and c != "first_run_id"]
    return upsert(conn, source_link, filled, key=LINK_KEY, update=update_columns)


def _live_link(row: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    link = {"is_deleted": False, "deleted_at": None, "merged_into": None, "updated_at": now, **row}
    if "first_run_id" not in link and "last_run_id" in link:
        link["first_run_id"] = link["last_run_id"]
    return link


def tombstone(
    conn: Connection,
    *,
    connection: str,
    object: str,
    items: Sequence[tuple[str, datetime | None, str | None]],
    run_id: int,
    canonical_of: Callable[[str], tuple[str, str]],
) -> int:
    """Mark records deleted: their links and the ``deleted_at`` of their canonical rows, whose personal columns,
    quarantined payloads, identity links and scores are erased (``store.erasure``).

    ``items`` are (source_id, deleted_at, merged_into); a missing deletion time becomes now. Ids never seen
    get a link created as deleted, with (entity, canonical_id) from ``canonical_of``. Links already deleted are
    left alone, so re-deleting is a no-op. Returns how many links went from live to deleted.
    """
    now = datetime.now(UTC)
    wanted = {source_id: (deleted_at or now, merged_into) for source_id, deleted_at, merged_into in items}
    if not wanted:
        return 0
    existing = _lock_links(conn, connection=connection, object=object, source_ids=list(wanted))
    live = {sid: wanted[sid] for sid, (_, _, is_deleted) in existing.items() if not is_deleted}
    unseen = {sid: wanted[sid] for sid in wanted if sid not in existing}
    targets = [(existing[sid][0], existing[sid][1], deleted_at) for sid, (deleted_at, _) in live.items()]
    if live:
        _mark_links_deleted(conn, connection=connection, object=object, links=live, run_id=run_id, now=now)
    if unseen:
        new_links = [
            _deleted_link(sid, *canonical_of(sid), deleted_at=deleted_at, merged_into=merged_into)
            for sid, (deleted_at, merged_into) in unseen.items()
        ]
        for entity in {link["entity"] for link in new_links}:
            entity_table(conn, entity)  # a link must name a table that exists: raises naming the known ones
        targets += [(link["entity"], link["canonical_id"], link["deleted_at"]) for link in new_links]
        stream = {"connection": connection, "object": object, "first_run_id": run_id, "last_run_id": run_id}
        upsert(conn, source_link, [{**link, **stream, "updated_at": now} for link in new_links], key=LINK_KEY)
    _tombstone_canonical(conn, targets, now=now)
    # A tombstone keeps the ids and the deletion time, not the person (store/erasure.py).
    erase_canonical(conn, [(entity, canonical_id) for entity, canonical_id, _ in targets])
    strip_quarantine(conn, connection=connection, object=object, source_ids=list(wanted))
    return len(live)


def _mark_links_deleted(
    conn: Connection,
    *,
    connection: str,
    object: str,
    links: Mapping[str, tuple[datetime, str | None]],
    run_id: int,
    now: datetime,
) -> None:
    # Bind names must differ from column names in an UPDATE … SET, hence the b_ prefix.
    params = [
        {"b_source_id": sid, "b_deleted_at": deleted_at, "b_merged_into": merged_into}
        for sid, (deleted_at, merged_into) in links.items()
    ]
    conn.execute(
        update(source_link)
        .where(
            source_link.c.connection == connection,
            source_link.c.object == object,
            source_link.c.source_id == bindparam("b_source_id"),
            source_link.c.is_deleted == false(),
        )
        .values(
            is_deleted=True,
            deleted_at=bindparam("b_deleted_at"),
            merged_into=bindparam("b_merged_into"),
            last_run_id=run_id,
            updated_at=now,
        ),
        params,
    )


def _deleted_link(
    source_id: str, entity: str, canonical_id: str, *, deleted_at: datetime, merged_into: str | None
) -> dict[str, Any]:
    return {
        "source_id": source_id,
        "entity": entity,
        "canonical_id": canonical_id,
        "content_hash": None,
        "is_deleted": True,
        "deleted_at": deleted_at,
        "merged_into": merged_into,
    }


def _lock_links(
    conn: Connection, *, connection: str, object: str, source_ids: Sequence[str]
) -> dict[str, tuple[str, str, bool]]:
    """source_id → (entity, canonical_id, is_deleted), row-locked on PostgreSQL so the live→deleted count is exact."""
    found: dict[str, tuple[str, str, bool]] = {}
    for chunk in chunked(source_ids, IN_LIST_CHUNK):
        rows = conn.execute(
            select(source_link.c.source_id, source_link.c.entity, source_link.c.canonical_id, source_link.c.is_deleted)
            .where(
                source_link.c.connection == connection,
                source_link.c.object == object,
                source_link.c.source_id.in_(chunk),
            )
            .with_for_update()
        )
        found.update({row.source_id: (row.entity, row.canonical_id, bool(row.is_deleted)) for row in rows})
    return found


def _tombstone_canonical(conn: Connection, targets: Sequence[tuple[str, str, datetime]], *, now: datetime) -> None:
    by_entity: dict[str, list[dict[str, Any]]] = {}
    for entity, canonical_id, deleted_at in targets:
        by_entity.setdefault(entity, []).append({"b_id": canonical_id, "b_deleted_at": deleted_at})
    for entity, params in by_entity.items():
        table = entity_table(conn, entity)
        conn.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"), table.c.deleted_at.is_(None))
            .values(deleted_at=bindparam("b_deleted_at"), synced_at=now),
            params,
        )


def live_counts(conn: Connection) -> dict[tuple[str, str], int]:
    """Live (not deleted) source links per (connection, object)."""
    rows = conn.execute(
        select(source_link.c.connection, source_link.c.object, func.count())
        .where(source_link.c.is_deleted == false())
        .group_by(source_link.c.connection, source_link.c.object)
    )
    return {(row[0], row[1]): int(row[2]) for row in rows}


def live_ids_absent_from(
    conn: Connection, *, connection: str, object: str, present: Set[str], run_id: int
) -> list[str]:
    """Live links of a stream whose ids are not in ``present`` (a complete listing of the CRM's live ids) and
    that this run has not itself landed: the records the CRM purged without telling us."""
    query = (
        select(source_link.c.source_id)
        .where(
            source_link.c.connection == connection,
            source_link.c.object == object,
            source_link.c.is_deleted == false(),
            or_(source_link.c.last_run_id.is_(None), source_link.c.last_run_id != run_id),
        )
        .execution_options(yield_per=10_000)
    )  # on the statement: a connection-level option would stick to it
    rows = conn.execute(query)
    return [sid for (sid,) in rows if sid not in present]
