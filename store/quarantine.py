"""Quarantine: records that failed quality checks, kept with their native payload and the reasons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, distinct, exists, func, insert, select, true, update

from store.chunking import IN_LIST_CHUNK, chunked, one_of
from store.erasure import strip_quarantine
from store.tables import QUARANTINE_STATUSES, quarantine

RESOLVED_STATUSES: tuple[str, ...] = tuple(s for s in QUARANTINE_STATUSES if s != "open")


def add_quarantine(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> int:
    """Keep quarantined records. Each row needs run_id, connection, object, source_id, entity, payload and a
    non-empty ``reasons`` list of {field, rule, message, value}; status and created_at default to open / now."""
    if not rows:
        return 0
    now = datetime.now(UTC)
    filled = []
    for row in rows:
        reasons = row.get("reasons")
        if not isinstance(reasons, list) or not reasons:
            raise ValueError(f"quarantined record {row.get('source_id')!r} needs a non-empty list of reasons")
        filled.append({"status": "open", "created_at": now, **row})
    conn.execute(insert(quarantine), filled)
    return len(filled)


def list_quarantine(
    conn: Connection,
    *,
    connection: str | None = None,
    object: str | None = None,
    status: str | None = "open",
    rule: str | None = None,
    after_id: int = 0,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Quarantined records, oldest first, with an id above ``after_id`` (keyset paging); ``None`` for a filter means
    any; ``rule`` keeps the records one of whose reasons is that rule."""
    query = select(quarantine).where(quarantine.c.id > after_id).order_by(quarantine.c.id).limit(limit)
    if rule is not None:
        query = query.where(_has_rule(conn.dialect.name, rule))
    if connection is not None:
        query = query.where(quarantine.c.connection == connection)
    if object is not None:
        query = query.where(quarantine.c.object == object)
    if status is not None:
        query = query.where(quarantine.c.status == status)
    return [dict(row) for row in conn.execute(query).mappings()]


def quarantine_summary(conn: Connection, *, status: str | None = "open") -> list[dict[str, Any]]:
    """How many records failed each rule, per (connection, object): rows of {connection, object, rule, count}.

    A record failing one rule on several fields counts once for that rule.
    """
    query = _summary_query(conn.dialect.name)
    if status is not None:
        query = query.where(quarantine.c.status == status)
    return [dict(row) for row in conn.execute(query).mappings()]


def _has_rule(dialect: str, rule: str) -> ColumnElement[bool]:
    """One of the record's reasons names ``rule`` (the reasons are a JSON array of {field, rule, message, value})."""
    if dialect == "postgresql":
        return quarantine.c.reasons.op("@>")(func.jsonb_build_array(func.jsonb_build_object("rule", rule)))
    if dialect == "sqlite":
        reason = func.json_each(quarantine.c.reasons).table_valued("value").alias("reason")
        return exists(select(1).select_from(reason).where(func.json_extract(reason.c.value, "$.rule") == rule))
    raise ValueError(f"list_quarantine's rule filter supports SQLite and PostgreSQL, not {dialect}")


def _summary_query(dialect: str) -> Select[Any]:
    # Each reason is an element of the JSON array; unnest it in SQL rather than ship every payload to Python.
    rule: ColumnElement[Any]
    if dialect == "postgresql":
        reason = func.jsonb_array_elements(quarantine.c.reasons).table_valued("value").alias("reason")
        rule = reason.c.value.op("->>")("rule")
    elif dialect == "sqlite":
        reason = func.json_each(quarantine.c.reasons).table_valued("value").alias("reason")
        rule = func.json_extract(reason.c.value, "$.rule")
    else:
        raise ValueError(f"quarantine_summary supports SQLite and PostgreSQL, not {dialect}")
    return (
        select(
            quarantine.c.connection,
            quarantine.c.object,
            rule.label("rule"),
            func.count(distinct(quarantine.c.id)).label("count"),
        )
        .select_from(quarantine.join(reason, true()))
        .group_by(quarantine.c.connection, quarantine.c.object, rule)
        .order_by(quarantine.c.connection, quarantine.c.object, rule)
    )


def resolve_quarantine(conn: Connection, *, ids: Sequence[int], status: str) -> int:
    """Close open quarantined records as replayed or dismissed; returns how many were open and are now closed."""
    if status not in RESOLVED_STATUSES:
        raise ValueError(f"resolve_quarantine status must be one of {RESOLVED_STATUSES}, got {status!r}")
    now = datetime.now(UTC)
    changed = 0
    for chunk in chunked(list(dict.fromkeys(ids)), IN_LIST_CHUNK):
        result = conn.execute(
            update(quarantine)
            .where(quarantine.c.id.in_(chunk), quarantine.c.status == "open")
            .values(status=status, resolved_at=now)
        )
        changed += result.rowcount
    return changed


def supersede_quarantine(conn: Connection, *, connection: str, object: str, source_ids: Sequence[str]) -> int:
    """Close the open quarantine rows of records read again (or deleted) since: the newer read is what counts.

    Without this a record quarantined on every run would be reported once per run; the row stays as history
    with status ``replayed``.
    """
    now = datetime.now(UTC)
    changed = 0
    for chunk in chunked(_maybe_open(conn, connection=connection, object=object, source_ids=source_ids),
                         IN_LIST_CHUNK):
        result = conn.execute(
            update(quarantine)
            .where(quarantine.c.connection == connection, quarantine.c.object == object,
                   one_of(conn.dialect.name, quarantine.c.source_id, chunk), quarantine.c.status == "open")
            .values(status="replayed", resolved_at=now)
        )
        changed += result.rowcount
    return changed


def _maybe_open(conn: Connection, *, connection: str, object: str, source_ids: Sequence[str]) -> list[str]:
    """The ``source_ids`` that may have an open quarantine row: those that do, when the stream has few open rows.

    Every unit of a sync calls supersede with all its ids, and a stream mostly has no or few open rows. Reading up
    to half as many of them as there are ids (index on connection, object, status) costs less than the UPDATEs of
    every id, which match nothing when nothing is open: per 2,000-id unit 0.9-4 ms of CPU instead of 7-10 ms
    (SQLite and PostgreSQL, 0 to 1,000 open rows). A stream with more open rows updates every id as before, the
    probe on top (+2.5-4 ms a unit). Only a landing of the same stream opens rows, and a stream lands in one process
    at a time (sync/locks.py), so no open row can appear between the probe and the UPDATE; one closed in between
    (replay) is left alone by the UPDATE's own status test.
    """
    wanted = list(dict.fromkeys(source_ids))
    if not wanted:
        return wanted
    probe = len(wanted) // 2
    open_ids = set(conn.execute(select(quarantine.c.source_id).where(
        quarantine.c.connection == connection, quarantine.c.object == object, quarantine.c.status == "open")
        .limit(probe + 1)).scalars())
    if len(open_ids) > probe:
        return wanted
    return [sid for sid in wanted if sid in open_ids]


def close_quarantine_of_deleted(conn: Connection, *, connection: str, object: str, present: AbstractSet[str]) -> int:
    """Close, as ``deleted``, the open quarantine rows of records absent from a complete listing of the CRM's live ids.

    A record deleted while it sat in quarantine has no live link to tombstone; left open, a later replay after a rule
    change would land a record the CRM no longer has.
    """
    rows = conn.execute(select(quarantine.c.id, quarantine.c.source_id).where(
        quarantine.c.connection == connection, quarantine.c.object == object, quarantine.c.status == "open"))
    gone = [row for row in rows if row.source_id not in present]
    # Closed as deleted and emptied of the record's personal data in one step (store/erasure.py).
    return strip_quarantine(conn, connection=connection, object=object,
                            source_ids=[row.source_id for row in gone]) if gone else 0


def open_quarantine_page(conn: Connection, *, after_id: int, limit: int,
                         connection: str | None = None) -> list[dict[str, Any]]:
    """Open quarantined records with an id above ``after_id``, in id order: replay pages through them by keyset."""
    query = (select(quarantine).where(quarantine.c.id > after_id, quarantine.c.status == "open")
             .order_by(quarantine.c.id).limit(limit))
    if connection is not None:
        query = query.where(quarantine.c.connection == connection)
    return [dict(row) for row in conn.execute(query).mappings()]


def update_reasons(conn: Connection, updates: Sequence[tuple[int, list[dict[str, Any]]]]) -> int:
    """Records a replay still refuses keep their row, with the reasons of the latest check."""
    for row_id, reasons in updates:
        if not reasons:
            raise ValueError(f"quarantined record {row_id} needs a non-empty list of reasons")
        conn.execute(update(quarantine).where(quarantine.c.id == row_id).values(reasons=reasons))
    return len(updates)
