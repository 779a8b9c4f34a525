"""Write-back bookkeeping: the ledger of what was last sent, and one result row per record sent.

The dead-letter list is the result rows that failed or conflicted and are not yet resolved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select, update

from store.chunking import IN_LIST_CHUNK, chunked
from store.tables import source_link, writeback_ledger, writeback_result
from store.upsert import upsert

LEDGER_KEY = ("connection", "object", "source_id", "field_set")
DEAD_STATUSES = ("failed", "conflict")


def ledger_entries(conn: Connection, *, connection: str, object: str, field_set: str,
                   source_ids: Sequence[str]) -> dict[str, tuple[str, str | None]]:
    """source_id -> (hash of the values last sent, the record's version after that write)."""
    out: dict[str, tuple[str, str | None]] = {}
    for chunk in chunked(list(source_ids), IN_LIST_CHUNK):
        rows = conn.execute(select(writeback_ledger.c.source_id, writeback_ledger.c.values_hash,
                                   writeback_ledger.c.version).where(
            writeback_ledger.c.connection == connection, writeback_ledger.c.object == object,
            writeback_ledger.c.field_set == field_set, writeback_ledger.c.source_id.in_(chunk)))
        out.update({r.source_id: (r.values_hash, r.version) for r in rows})
    return out


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
    return upsert(conn, writeback_ledger, [{**r, "sent_at": now} for r in rows], key=LEDGER_KEY)


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
