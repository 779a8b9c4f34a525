"""Land one unit of work in ONE transaction: upsert passed rows and their links, keep quarantined rows, apply
tombstones, add the run's counts, and save the cursor — so a crash anywhere resumes without loss or duplicates."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

import store
from connectors.base import Cascade, Cursor, Record, Tombstone
from mapping.apply import Reject
from mapping.canonical_ids import canonical_id
from mapping.model import TABLE_OF
from mapping.raw import table_of
from store.quality_scores import save_scores
from sync.counts import Counts


@dataclass(frozen=True, slots=True)
class Unit:
    """What one landing carries: rows that passed, rows set aside, deletes, and the cursor after them."""

    connection: str
    object: str
    entity: str
    read: int
    passed: Sequence[dict[str, Any]]
    quarantined: Sequence[tuple[str, Record, list[dict[str, Any]]]]  # (source id, native record, reasons)
    deletes: Sequence[Tombstone]
    cursor: Cursor
    api_calls: int
    superseded: int = 0  # reads overtaken by a later read of the same record in this unit (counted unchanged)
    live_ids: frozenset[str] | None = None  # a complete listing of the CRM's live ids (see ChangeBatch.live_ids)
    cascades: tuple[Cascade, ...] = ()  # dependents tombstoned with this unit's deletes (see connectors.base)
    # Records read whose only change is crmhub's own write-back (sync.writeback.echo): landed like any other (the
    # store keeps the CRM's modified time) but counted unchanged and as echoes, never as a person's edit.
    echoes: frozenset[str] = frozenset()
    # (canonical id, quality score 0-1, rules broken) of every record checked: see quality/score.py
    scores: Sequence[tuple[str, float, list[str]]] = ()


# Exactly the text ``json.dumps(body, sort_keys=True, default=str)`` gives (stored hashes must keep matching: a
# changed digest would rewrite every record once), without building an encoder per row. orjson is no equivalent:
# its compact separators, raw UTF-8 and float format give other bytes.
_HASH_JSON = json.JSONEncoder(sort_keys=True, default=str)
_WRITE_TIMES = ("synced_at", "deleted_at")


def content_hash(row: dict[str, Any]) -> str:
    """What the row says, not when we wrote it: unchanged records cost no write."""
    body = {k: v for k, v in row.items() if k not in _WRITE_TIMES} if _has_write_time(row) else row
    return hashlib.blake2b(_HASH_JSON.encode(body).encode(), digest_size=16).hexdigest()


def _has_write_time(row: dict[str, Any]) -> bool:
    # Mapped rows carry neither (land adds them): copying the dict only to drop nothing cost 10 % of the hash.
    return "synced_at" in row or "deleted_at" in row


def rejects_as_quarantine(rejects: Sequence[Reject]) -> list[tuple[str, Record, list[dict[str, Any]]]]:
    return [(r.source_id, r.record, r.reasons) for r in rejects]


def land(engine: Engine, unit: Unit, *, run_id: int) -> Counts:
    now = datetime.now(UTC)
    table_name = table_of(unit.entity)
    latest: dict[str, dict[str, Any]] = {}
    for row in unit.passed:  # the same record twice in one unit: the later read wins
        latest[row["source_id"]] = row
    hashes = {sid: content_hash(row) for sid, row in latest.items()}
    counts = Counts(read=unit.read, quarantined=len(unit.quarantined), echoes=len(unit.echoes & latest.keys()))
    counts.unchanged = unit.superseded + len(unit.passed) - len(latest)
    with engine.begin() as conn:
        table = store.entity_table(conn, table_name)
        known = store.link_hashes(conn, connection=unit.connection, object=unit.object, source_ids=list(latest))
        changed = [sid for sid in latest if known.get(sid) != (hashes[sid], False)]
        echoed = sum(sid in unit.echoes for sid in changed)
        counts.unchanged += len(latest) - len(changed) + echoed
        counts.upserted = len(changed) - echoed
        if changed:
            store.upsert(
                conn, table, [{**latest[s], "synced_at": now, "deleted_at": None} for s in changed], key=["id"]
            )
            store.upsert_links(
                conn,
                [
                    {
                        "connection": unit.connection,
                        "object": unit.object,
                        "source_id": s,
                        "entity": table_name,
                        "canonical_id": latest[s]["id"],
                        "source_modified_at": latest[s].get("updated_at"),
                        "content_hash": hashes[s],
                        "last_run_id": run_id,
                    }
                    for s in changed
                ],
            )
        # Deleted records' rows are closed as deleted (and emptied) by the tombstone below, not as replayed.
        seen = [*latest, *(sid for sid, _, _ in unit.quarantined)]
        store.supersede_quarantine(conn, connection=unit.connection, object=unit.object, source_ids=seen)
        if unit.quarantined:
            store.add_quarantine(
                conn,
                [
                    {
                        "run_id": run_id,
                        "connection": unit.connection,
                        "object": unit.object,
                        "source_id": sid,
                        "entity": unit.entity,
                        "payload": json.loads(json.dumps(rec, default=str)),
                        "reasons": reasons,
                        "created_at": now,
                    }
                    for sid, rec, reasons in unit.quarantined
                ],
            )
        deletes = [(t.source_id, t.deleted_at, t.merged_into) for t in unit.deletes]
        if unit.live_ids is not None:
            purged = store.live_ids_absent_from(
                conn, connection=unit.connection, object=unit.object, present=unit.live_ids | set(latest), run_id=run_id
            )
            deletes += [(sid, None, None) for sid in purged]
            store.close_quarantine_of_deleted(
                conn, connection=unit.connection, object=unit.object,
                present=unit.live_ids | set(latest) | {sid for sid, _, _ in unit.quarantined},
            )
        if deletes:
            counts.deleted = store.tombstone(
                conn,
                connection=unit.connection,
                object=unit.object,
                run_id=run_id,
                items=deletes,
                canonical_of=lambda sid: (table_name, canonical_id(unit.connection, unit.object, sid)),
            )
            for cascade in unit.cascades:
                cascade_deletes(conn, unit, cascade, deletes, run_id=run_id)
        save_scores(conn, run_id=run_id, connection=unit.connection, object=unit.object, entity=unit.entity,
                    scores=unit.scores, unchanged={latest[s]["id"] for s in latest.keys() - set(changed)})
        store.add_run_counts(conn, run_id=run_id, counts=counts.as_dict(), api_calls=unit.api_calls)
        store.save_cursor(
            conn,
            connection=unit.connection,
            object=unit.object,
            watermark=unit.cursor.watermark,
            state=dict(unit.cursor.state),
            run_id=run_id,
        )
    return counts


def cascade_deletes(conn: Any, unit: Unit, cascade: Cascade,
                    deletes: Sequence[tuple[str, datetime | None, str | None]], *, run_id: int) -> int:
    """Tombstone the live rows of ``cascade.object`` that refer to the records this unit deleted, each with its
    owner's deletion time; returns how many went. Runs inside the unit's transaction."""
    owners = {canonical_id(unit.connection, unit.object, sid): when for sid, when, _ in deletes}
    table = store.canonical_tables[TABLE_OF[cascade.entity]]
    found = store.live_dependents(conn, table, connection=unit.connection, object=cascade.object,
                                  field=cascade.field, owner_ids=list(owners))
    items = [(sid, owners[owner], None) for sid, owner in found if sid not in cascade.keep]
    if not items:
        return 0
    return store.tombstone(
        conn,
        connection=unit.connection,
        object=cascade.object,
        run_id=run_id,
        items=items,
        canonical_of=lambda sid: (TABLE_OF[cascade.entity], canonical_id(unit.connection, cascade.object, sid)),
    )
