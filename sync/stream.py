"""Run one stream: read change batches, map, check, and land them with their cursor, unit by unit.

Connectors page in tens or hundreds; checking and landing cost per call, so batches are gathered into units of
about ``unit_size`` records. A unit is landed with the cursor of its LAST batch: a crash before it lands re-reads
those batches from the previous cursor, a crash after it resumes past them — never a cursor ahead of its data.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy import Engine

import store
from connectors.base import Cascade, ChangeBatch, Connector, Cursor, ObjectSpec, Record, Tombstone
from connectors.errors import BudgetExhausted, CrmhubError
from mapping.model import TABLE_OF
from mapping.raw import table_of
from mapping.spec import ObjectMapping
from quality.checker import QualityChecker, QualityFailure
from store import writeback as ledger
from store.quality_scores import live_ids
from sync.counts import Counts
from sync.land import Unit, land
from sync.locks import LockLost
from sync.pool import Checked, Pipeline, verdict_of
from sync.prefetch import prefetched
from sync.run_errors import error_kind
from sync.writeback.echo import record_read_back

log = logging.getLogger(__name__)


@dataclass(slots=True)
class RunSummary:
    run_id: int
    connection: str
    object: str
    status: str  # succeeded | failed | stopped | cancelled | locked (not run: another process runs the stream)
    counts: Counts
    api_calls: int
    seconds: float
    full_refresh: bool
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    warnings: dict[str, int] = field(default_factory=dict)
    seconds_in_quality: float = 0.0
    error_kind: str | None = None  # sync/run_errors.py: what ended a failed or stopped run (metrics count it)
    drift: dict[str, Any] = field(default_factory=dict)  # schema drift seen by this run (sync/drift.py)
    cpu_in_workers: float = 0.0  # CPU seconds of the worker processes that mapped and checked units (sync/pool.py)
    failure: CrmhubError | None = field(default=None, repr=False)  # what ended a failed run, for the caller

    @property
    def ok(self) -> bool:
        return self.status == "succeeded" and self.counts.failed == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "connection": self.connection,
            "object": self.object,
            "status": self.status,
            "counts": self.counts.as_dict(),
            "reconciled": self.counts.reconciles(),
            "api_calls": self.api_calls,
            "seconds": round(self.seconds, 3),
            "full_refresh": self.full_refresh,
            "error": self.error,
            "notes": self.notes,
            "warnings": self.warnings,
            "seconds_in_quality": round(self.seconds_in_quality, 3),
            "drift": self.drift,
        }


Progress = Callable[[Counts], None]


def run_stream(
    *,
    engine: Engine,
    connector: Connector,
    spec: ObjectSpec,
    mapping: ObjectMapping,
    checker: QualityChecker,
    full_refresh: bool = False,
    unit_size: int = 2000,
    progress: Progress | None = None,
    guard: Callable[[], None] | None = None,
    workers: int = 0,
) -> RunSummary:
    """``guard`` is called right before each unit lands and raises (``LockLost``) when this process may no longer
    write the stream: the run then stops with nothing more landed. ``workers`` processes map and check units while
    this one reads and lands them (sync/pool.py); with 0 this process does it all, with the same results."""
    started = time.perf_counter()
    name = connector.name
    with engine.begin() as conn:
        run_id = store.start_run(conn, connection=name, object=spec.name, full_refresh=full_refresh)
        store.close_abandoned_runs(conn, connection=name, object=spec.name, current_run_id=run_id)
        saved = store.load_cursor(conn, connection=name, object=spec.name)
        # The fields crmhub writes back are read too, so our own writes coming back are told from a person's edits.
        written = ledger.ledger_fields(conn, connection=name, object=spec.name)
    since = Cursor() if full_refresh or saved is None else Cursor(saved[0], saved[1])
    summary = RunSummary(run_id, name, spec.name, "running", Counts(), 0, 0.0, full_refresh)
    pending: list[ChangeBatch] = []
    units = 0

    def land_one(read: ReadUnit, checked: Checked) -> None:
        nonlocal units
        counts, in_gx, warnings = _land_unit(engine, connector, spec, mapping, checker, read, checked, run_id, guard)
        units += 1
        if units in (1, 4, 16, 64, 256, 1024):  # geometric: statistics keep up with a growing first load
            with engine.begin() as conn:
                store.refresh_statistics(conn, ["source_link", table_of(mapping.entity)])
        summary.counts.add(counts)
        summary.api_calls += read.api_calls
        summary.seconds_in_quality += in_gx
        for rule, n in warnings.items():
            summary.warnings[rule] = summary.warnings.get(rule, 0) + n
        if progress is not None:
            progress(summary.counts)

    pipeline: Pipeline[ReadUnit] = Pipeline(workers=workers, checker=checker, mapping=mapping, connection=name,
                                            primary_key=spec.primary_key, land=land_one)

    def flush() -> None:
        if not pending:
            return
        read = read_unit(pending, spec.primary_key)
        pipeline.put(read, read.records)
        pending.clear()

    def flush_all() -> None:
        """The last unit read, then every unit in flight, landed in read order."""
        flush()
        pipeline.drain()

    def stop_pool() -> None:
        """Units still in flight after a failure or a stop are dropped, never landed."""
        pipeline.close()
        summary.notes += pipeline.notes
        summary.cpu_in_workers = pipeline.worker_cpu

    try:
        batches = connector.read_changes(spec, since, fields=_fields(mapping, written), full_refresh=full_refresh)
        # The next unit's pages are fetched while this one lands (bounded: one unit ahead at most).
        for batch in prefetched(batches, limit=unit_size, weight=_batch_size):
            pending.append(batch)
            summary.notes += [n for n in batch.notes if n not in summary.notes]
            if sum(len(b.upserts) + len(b.deletes) for b in pending) >= unit_size:
                flush()
        flush_all()
        summary.status = "succeeded"
    except BudgetExhausted as exc:
        flush_safely(flush_all, summary)
        summary.status, summary.error, summary.error_kind = "stopped", str(exc), error_kind(exc)
    except (QualityFailure, LockLost) as exc:  # landing more would fail the same way, or land beside another run
        summary.status, summary.error, summary.error_kind = "failed", str(exc), error_kind(exc)
    except CrmhubError as exc:
        # Whole batches read before the failure land with their cursor; the rest is re-read next run. After a unit
        # that failed (sync.pool.UnitFailed: its worker raised or died) nothing more lands: the pipeline refuses.
        flush_safely(flush_all, summary)
        summary.status, summary.error, summary.error_kind = "failed", str(exc), error_kind(exc)
        summary.failure = exc
    except KeyboardInterrupt:
        # Ctrl-C / SIGINT: a person stopped it. The units landed stay with their cursor; the rest is read next run.
        summary.error_kind = "cancelled"
        stop_pool()
        _finish(engine, summary, "cancelled", "cancelled by an interrupt (SIGINT); the units landed before it are "
                                              "kept and the next run resumes from their cursor", started)
        raise
    except BaseException as exc:
        # A bug: the run row must not stay 'running' for ever. Record it, then let it propagate.
        summary.error_kind = error_kind(exc)
        stop_pool()
        _finish(engine, summary, "failed", f"internal error: {type(exc).__name__}: {exc}", started)
        raise
    stop_pool()
    _finish(engine, summary, summary.status, summary.error, started)
    return summary


def record_failed_run(engine: Engine, *, connection: str, object: str, full_refresh: bool,
                      exc: CrmhubError) -> RunSummary:
    """A run of a stream that could not start (its connection refused the credentials or could not be reached):
    recorded like any failed run, so ``crmhub runs`` and the metrics show it; no call is made."""
    started = time.perf_counter()
    with engine.begin() as conn:
        run_id = store.start_run(conn, connection=connection, object=object, full_refresh=full_refresh)
    summary = RunSummary(run_id, connection, object, "failed", Counts(), 0, 0.0, full_refresh,
                         error_kind=error_kind(exc), failure=exc)
    _finish(engine, summary, "failed", str(exc), started)
    return summary


def _finish(engine: Engine, summary: RunSummary, status: str, error: str | None, started: float) -> None:
    summary.status, summary.error = status, error
    summary.seconds = time.perf_counter() - started
    with engine.begin() as conn:
        store.finish_run(
            conn,
            run_id=summary.run_id,
            status=status,
            counts=summary.counts.as_dict(),
            api_calls=summary.api_calls,
            error=error,
            errors=[{"kind": summary.error_kind or "internal"}] if error else [],
        )
    log.log(logging.INFO if status == "succeeded" else logging.WARNING, "run %s: %s", status,
            error or "ok", extra={"connection": summary.connection, "object": summary.object,
                                  "run_id": summary.run_id, "api_calls": summary.api_calls,
                                  "seconds": round(summary.seconds, 3), **summary.counts.as_dict()})


def flush_safely(flush: Callable[[], None], summary: RunSummary) -> None:
    """On a clean budget stop, what was read is still landed, with its cursor."""
    try:
        flush()
    except (CrmhubError, QualityFailure) as exc:
        summary.notes.append(f"could not land the last batches before stopping: {exc}")


def last_events(batches: Sequence[ChangeBatch], primary_key: str) -> tuple[list[Record], list[Tombstone], int]:
    """Fold a unit's batches in read order: a record read twice lands its later read; a record deleted and then
    read again (restored) lands alive; a record read and then deleted lands, then is tombstoned (upserts are
    applied before deletes). Returns (upserts, deletes, reads overtaken by a later read), the last counted as
    unchanged so the run still reconciles."""
    upserts: dict[str, Record] = {}
    deletes: dict[str, Tombstone] = {}
    reads = 0
    for batch in batches:
        for record in batch.upserts:
            sid = str(record[primary_key])
            upserts[sid] = record
            deletes.pop(sid, None)
            reads += 1
        for tomb in batch.deletes:  # a batch's deletes were read after its records (archived list, merges)
            deletes[tomb.source_id] = tomb
    return list(upserts.values()), list(deletes.values()), reads - len(upserts)


def _batch_size(batch: ChangeBatch) -> int:
    return len(batch.upserts) + len(batch.deletes)


def _fields(mapping: ObjectMapping, written: Sequence[str]) -> list[str]:
    names = mapping.source_fields()
    return names + [f for f in written if f not in names]


def _listing(batches: Sequence[ChangeBatch]) -> frozenset[str] | None:
    """The unit's complete id listing, if one of its batches carries it (a connector yields at most one a read)."""
    listings = [b.live_ids for b in batches if b.live_ids is not None]
    return frozenset().union(*listings) if listings else None


def _cascades(batches: Sequence[ChangeBatch]) -> tuple[Cascade, ...]:
    """The unit's cascades, one per dependent link, their ``keep`` sets joined."""
    merged: dict[tuple[str, str, str], frozenset[str]] = {}
    for cascade in (c for b in batches for c in b.cascades):
        key = (cascade.object, cascade.entity, cascade.field)
        merged[key] = merged.get(key, frozenset()) | cascade.keep
    return tuple(Cascade(o, e, f, keep) for (o, e, f), keep in merged.items())


@dataclass(frozen=True, slots=True)
class ReadUnit:
    """A unit as read, folded (``last_events``): what landing needs beside its mapped and checked rows."""

    records: list[Record]
    deletes: list[Tombstone]
    superseded: int
    cursor: Cursor
    api_calls: int
    live_ids: frozenset[str] | None
    cascades: tuple[Cascade, ...]


def read_unit(batches: Sequence[ChangeBatch], primary_key: str) -> ReadUnit:
    records, deletes, superseded = last_events(batches, primary_key)
    return ReadUnit(records, deletes, superseded, batches[-1].next_cursor, sum(b.api_calls for b in batches),
                    _listing(batches), _cascades(batches))


def _land_unit(
    engine: Engine,
    connector: Connector,
    spec: ObjectSpec,
    mapping: ObjectMapping,
    checker: QualityChecker,
    read: ReadUnit,
    checked: Checked,
    run_id: int,
    guard: Callable[[], None] | None = None,
) -> tuple[Counts, float, dict[str, int]]:
    records = read.records
    with engine.begin() as conn:  # our own write-backs coming back: counted as echoes, never as a person's edit
        echoes = record_read_back(conn, connection=connector.name, object=spec.name, records=records,
                           primary_key=spec.primary_key, version_field=spec.cursor_field).echoes
    # The store's rules run here, right before landing, after every unit read before: in cursor order.
    verdict = verdict_of(checked, checker, mapping.entity, partial(_live_ids, engine))
    native = {str(r[spec.primary_key]): r for r in records}
    quarantined = [(sid, native[sid], reasons) for sid, reasons in checked.rejects] + [
        (row["source_id"], native[row["source_id"]], reasons) for row, reasons in verdict.quarantined
    ]
    unit = Unit(
        connection=connector.name,
        object=spec.name,
        entity=mapping.entity,
        read=len(records) + read.superseded,
        passed=verdict.passed,
        quarantined=quarantined,
        deletes=read.deletes,
        cursor=read.cursor,
        api_calls=read.api_calls,
        superseded=read.superseded,
        live_ids=read.live_ids,
        scores=verdict.scores,
        cascades=read.cascades,
        echoes=echoes,
    )
    if guard is not None:  # last thing before the write: the checks above may have taken a while
        guard()
    return land(engine, unit, run_id=run_id), verdict.seconds_in_gx, verdict.warnings


def _live_ids(engine: Engine, entity: str, ids: Sequence[str]) -> set[str]:
    """For reference rules: which of these canonical ids are live in the store."""
    with engine.connect() as conn:
        return live_ids(conn, table=TABLE_OF[entity], ids=ids)
