"""Write-back bookkeeping: the ledger of what was last sent, and one result row per record sent.

The dead-letter list is the result rows that failed or conflicted and are not yet resolved. A result row is written
as ``pending`` (the intent) before its values are sent and settled after the CRM answers, so a run killed in between
leaves pending rows that the next run reconciles with the CRM before sending anything again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, exists, select, update

from store.chunking import IN_LIST_CHUNK, chunked
from store.tables import source_link, writeback_ledger, writeback_result
from store.upsert import upsert

LEDGER_KEY = ("connection", "object", "source_id", "field_set")
DEAD_STATUSES = ("failed", "conflict")


def ledger_entries(conn: Connection, *, connection: str, object: str, field_set: str,
                   source_ids: Sequence[str]) -> dict[str, tuple[str, str | None, datetime | None]]:
    """source_id -> (hash of the values last sent, the record's version after that write, when a sync saw a person
    edit those fields since — or None)."""
    out: dict[str, tuple[str, str | None, datetime | None]] = {}
    for chunk in chunked(list(source_ids), IN_LIST_CHUNK):
        rows = conn.execute(select(writeback_ledger.c.source_id, writeback_ledger.c.values_hash,
                                   writeback_ledger.c.version, writeback_ledger.c.edited_at).where(
            writeback_ledger.c.connection == connection, writeback_ledger.c.object == object,
            writeback_ledger.c.field_set == field_set, writeback_ledger.c.source_id.in_(chunk)))
        out.update({r.source_id: (r.values_hash, r.version, r.edited_at) for r in rows})
    return out


def ledger_for_records(conn: Connection, *, connection: str, object: str,
                       source_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Every field set's ledger entry for these records: source_id, field_set, values, version, edited_at."""
    c = writeback_ledger.c
    out: list[dict[str, Any]] = []
    for chunk in chunked(list(source_ids), IN_LIST_CHUNK):
        rows = conn.execute(select(c.source_id, c.field_set, c["values"], c.version, c.edited_at).where(
            c.connection == connection, c.object == object, c.source_id.in_(chunk))).mappings()
        out += [dict(r) for r in rows]
    return out


def ledger_holds(conn: Connection, *, connection: str, object: str) -> bool:
    """Whether crmhub ever wrote back to this object: one probe of the ledger's primary key (connection, object, …)."""
    c = writeback_ledger.c
    return bool(conn.execute(select(exists().where(c.connection == connection, c.object == object))).scalar_one())


def ledger_fields(conn: Connection, *, connection: str, object: str) -> list[str]:
    """The CRM fields crmhub writes on this object (from one ledger entry per field set): a sync reads them too,
    so it can tell our own writes coming back from a person's edit."""
    c = writeback_ledger.c
    names: dict[str, None] = {}
    for field_set in conn.execute(select(c.field_set).where(c.connection == connection, c.object == object)
                                  .distinct()).scalars():
        values = conn.execute(select(c["values"]).where(c.connection == connection, c.object == object,
                                                        c.field_set == field_set).limit(1)).scalar_one()
        names.update(dict.fromkeys(values or {}))
    return list(names)


def mark_edited(conn: Connection, *, connection: str, object: str,
                edited: Mapping[tuple[str, str], datetime | None]) -> None:
    """A person changed fields we wrote (seen by a sync): keep when, until our next accepted write clears it."""
    now = datetime.now(UTC)
    for (source_id, field_set), at in edited.items():
        conn.execute(update(writeback_ledger).where(
            writeback_ledger.c.connection == connection, writeback_ledger.c.object == object,
            writeback_ledger.c.source_id == source_id, writeback_ledger.c.field_set == field_set,
        ).values(edited_at=at or now))


def read_versions(conn: Connection, *, connection: str, object: str,
                  source_ids: Sequence[str]) -> dict[str, tuple[datetime | None, bool]]:
    """source_id -> (the modified time crmhub last read, whether the record is deleted) from the source links."""
    out: dict[str, tuple[datetime | None, bool]] = {}
    for chunk in chunked(list(source_ids), IN_LIST_CHUNK):
        rows = conn.execute(select(source_link.c.source_id, source_link.c.source_modified_at,
                                   source_link.c.is_deleted).where(
            source_link.c.connection == connection, source_link.c.object == object,
            source_link.c.source_id.in_(chunk)))
        out.update({r.source_id: (r.source_modified_at, bool(r.is_deleted)) for r in rows})
    return out


def record_sent(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> int:
    """Ledger rows for values the CRM accepted: (connection, object, source_id, field_set, values_hash, values,
    version, run_id)."""
    now = datetime.now(UTC)
    return upsert(conn, writeback_ledger, [{**r, "sent_at": now, "edited_at": None} for r in rows], key=LEDGER_KEY)


def record_intents(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """``pending`` result rows for values about to be sent (committed before the call): source_id -> row id."""
    if not rows:
        return {}
    now = datetime.now(UTC)
    conn.execute(writeback_result.insert(), [{"created_at": now, "attempts": 1, "status": "pending", "message": None,
                                              "retryable": False, **r} for r in rows])
    c = writeback_result.c
    first = rows[0]
    out: dict[str, int] = {}
    for chunk in chunked([str(r["source_id"]) for r in rows], IN_LIST_CHUNK):
        found = conn.execute(select(c.id, c.source_id).where(
            c.run_id == first["run_id"], c.connection == first["connection"], c.object == first["object"],
            c.field_set == first["field_set"], c.status == "pending", c.source_id.in_(chunk)))
        out.update({r.source_id: r.id for r in found})
    return out


def settle_results(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Each pending row (by ``id``) gets the CRM's answer: status, message, retryable."""
    if not rows:
        return
    statement = update(writeback_result).where(writeback_result.c.id == bindparam("row_id")).values(
        status=bindparam("new_status"), message=bindparam("new_message"), retryable=bindparam("new_retryable"))
    conn.execute(statement, [{"row_id": r["id"], "new_status": r["status"], "new_message": r.get("message"),
                              "new_retryable": bool(r.get("retryable"))} for r in rows])


def open_intents(conn: Connection, *, connection: str, object: str, field_set: str) -> list[dict[str, Any]]:
    """Pending rows a run left behind when it died between recording them and the CRM's answer."""
    c = writeback_result.c
    rows = conn.execute(select(writeback_result).where(
        c.connection == connection, c.object == object, c.field_set == field_set, c.status == "pending",
        c.resolved_at.is_(None)).order_by(c.id)).mappings()
    return [dict(r) for r in rows]


def add_results(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> int:
    """One row per record sent (or refused before sending); failures and conflicts stay open until resolved."""
    if not rows:
        return 0
    now = datetime.now(UTC)
    conn.execute(writeback_result.insert(), [{"created_at": now, "attempts": 1, **r} for r in rows])
    return len(rows)


def open_dead_letters(conn: Connection, *, connection: str | None = None, object: str | None = None,
                      status: str | None = None, retryable: bool | None = None,
                      limit: int = 10_000) -> list[dict[str, Any]]:
    query = select(writeback_result).where(writeback_result.c.resolved_at.is_(None),
                                           writeback_result.c.status.in_(DEAD_STATUSES))
    if connection:
        query = query.where(writeback_result.c.connection == connection)
    if object:
        query = query.where(writeback_result.c.object == object)
    if status:
        query = query.where(writeback_result.c.status == status)
    if retryable is not None:
        query = query.where(writeback_result.c.retryable.is_(retryable))
    rows = conn.execute(query.order_by(writeback_result.c.id).limit(limit)).mappings()
    return [dict(r) for r in rows]


def resolve_results(conn: Connection, *, ids: Sequence[int]) -> int:
    """Close dead letters: a later attempt succeeded, or an admin dismissed them."""
    done = 0
    for chunk in chunked(list(ids), IN_LIST_CHUNK):
        done += conn.execute(update(writeback_result).where(writeback_result.c.id.in_(chunk),
                                                            writeback_result.c.resolved_at.is_(None))
                             .values(resolved_at=datetime.now(UTC))).rowcount or 0
    return done


def supersede_results(conn: Connection, *, connection: str, object: str, field_set: str,
                      source_ids: Sequence[str]) -> int:
    """A newer attempt for a record replaces its open dead letters (it has its own result now)."""
    done = 0
    for chunk in chunked(list(source_ids), IN_LIST_CHUNK):
        done += conn.execute(update(writeback_result).where(
            writeback_result.c.connection == connection, writeback_result.c.object == object,
            writeback_result.c.field_set == field_set, writeback_result.c.source_id.in_(chunk),
            writeback_result.c.resolved_at.is_(None), writeback_result.c.status.in_(DEAD_STATUSES),
        ).values(resolved_at=datetime.now(UTC))).rowcount or 0
    return done
