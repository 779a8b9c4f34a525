"""Sync the objects of connections from a loaded config: build connectors, validate mappings, run streams."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Engine

import store
from config import CrmhubConfig, ObjectSettings
from connectors.base import Connector, ObjectSchema, ObjectSpec, spec_named
from connectors.errors import AuthError, ConfigError, CrmhubError
from connectors.registry import build_connector
from mapping.spec import ObjectMapping, connection_mappings, unknown_fields
from quality.checker import QualityChecker
from sync.counts import Counts
from sync.drift import StreamDrift, prepare_drift, record_drift
from sync.locks import stream_lock
from sync.pool import resolve_workers
from sync.raw import RawDrift, RawSettings, planned_mapping, prepare_raw
from sync.stream import Progress, RunSummary, record_failed_run, run_stream


@dataclass(slots=True)
class Stream:
    connector: Connector
    spec: ObjectSpec
    mapping: ObjectMapping
    drift_policy: str = "evolve"  # what a run does when the CRM schema changed (mapping/drift.py)
    own_fields: frozenset[str] = frozenset()  # the connection's write-back fields: crmhub's own, never drift
    # objects.<name>.full_refresh_every_days: a run re-reads everything (and reconciles ids) once this is due
    full_refresh_every: timedelta | None = None
    # Set when no mapping holds the object: it is kept as a typed raw table (sync/raw.py), whose mapping is built
    # from the discovered schema right before each run.
    raw: RawSettings | None = None


@dataclass(slots=True)
class SyncPlan:
    streams: list[Stream] = field(default_factory=list)
    connectors: dict[str, Connector] = field(default_factory=dict)
    schemas: dict[str, dict[str, ObjectSchema]] = field(default_factory=dict)  # discovered once per connection
    # store.deleted_quarantine_retention_days: the quarantine rows of records deleted longer ago go after a run
    quarantine_retention: timedelta = timedelta(days=30)
    # Connections that cannot be used now (credentials refused, the CRM unreachable), with what stopped them: their
    # streams are recorded as failed runs without another attempt; the other connections still run.
    unavailable: dict[str, CrmhubError] = field(default_factory=dict)
    workers: int | Literal["auto"] = 0  # sync.workers: processes that map and check units beside the main one

    def schemas_of(self, connector: Connector) -> dict[str, ObjectSchema]:
        if connector.name not in self.schemas:
            self.schemas[connector.name] = {s.name: s for s in connector.discover()}
        return self.schemas[connector.name]

    def close(self) -> None:
        for c in self.connectors.values():
            c.close()


def settle_lag_of(cfg: CrmhubConfig, name: str) -> timedelta:
    return cfg.effective_settle_lag(name)


def plan_sync(cfg: CrmhubConfig, *, connections: Sequence[str] | None = None, objects: Sequence[str] | None = None,
              clock: Callable[[], datetime] | None = None,
              client_options: dict[str, Any] | None = None) -> SyncPlan:
    plan = SyncPlan(quarantine_retention=timedelta(days=cfg.store.deleted_quarantine_retention_days),
                    workers=cfg.sync.workers)
    names = list(connections) if connections else list(cfg.connections)
    for name in names:
        conn = cfg.connection(name)
        connector = build_connector(name, conn, settle_lag=settle_lag_of(cfg, name), clock=clock,
                                    options=client_options)
        plan.connectors[name] = connector
        chosen = [obj for obj in conn.enabled_objects() if not objects or obj in objects]
        mappings = connection_mappings(name, conn, chosen)
        for obj in chosen:
            settings = conn.objects[obj]
            spec = spec_named(connector.objects, obj, connection=name)
            override = conn.mapping.get(obj)
            raw = raw_settings(name, conn.kind, obj, settings, mapped=obj in mappings,
                               override=override.model_dump(exclude_defaults=True) if override else {})
            mapping = mappings[obj] if raw is None else planned_mapping(name, obj)
            policy = (override.drift_policy if override else None) or conn.drift_policy
            every = timedelta(days=settings.full_refresh_every_days) if settings.full_refresh_every_days else None
            plan.streams.append(Stream(connector, spec, mapping, policy, frozenset(conn.writeback.fields.values()),
                                       every, raw))
    if objects and not plan.streams:
        raise ConfigError(f"none of the objects {', '.join(objects)} is enabled in the selected connections")
    return plan


def raw_settings(connection: str, kind: str, obj: str, settings: ObjectSettings, *, mapped: bool,
                 override: dict[str, Any]) -> RawSettings | None:
    """None for an object a mapping holds; else how its raw table is read. ``fields``/``types`` only apply to a raw
    table, and a mapping override only to a mapped object (its drift_policy excepted)."""
    where = f"connections.{connection}.objects.{obj}"
    if mapped:
        if settings.fields is not None or settings.types:
            raise ConfigError(f"{where}: fields and types choose the columns of a typed raw table, but {obj} is "
                              f"mapped (mapping/specs/{kind}.yaml or connections.{connection}.mapping.{obj}); "
                              f"change what it reads there", connection=connection, object=obj)
        return None
    mapping_keys = sorted(k for k in override if k != "drift_policy")
    if mapping_keys:
        raise ConfigError(f"connections.{connection}.mapping.{obj}: {', '.join(mapping_keys)} change a mapping, but "
                          f"{obj} has none: it is kept as a typed raw table (choose its columns with {where}.fields)",
                          connection=connection, object=obj)
    return RawSettings(kind, tuple(settings.fields) if settings.fields is not None else None, dict(settings.types))


def validate_mappings(plan: SyncPlan) -> None:
    """Every mapped field must exist in the CRM (discover): a typo would otherwise read as empty for ever.

    A connection that cannot be discovered (refused credentials, an untrusted certificate, an outage outlasting
    the retries) goes into
    ``plan.unavailable``: one connection's failure must not stop the others. A mapping naming unknown fields is a
    ``ConfigError`` for the whole command: a person must fix the configuration first."""
    problems: list[str] = []
    by_connector: dict[str, dict[str, set[str]]] = {}
    for stream in plan.streams:
        name = stream.connector.name
        if name in plan.unavailable:
            continue
        if name not in by_connector:
            try:
                schemas = plan.schemas_of(stream.connector)
            except CrmhubError as exc:  # refused credentials, an outage, a certificate ca_bundle does not trust
                plan.unavailable[name] = exc
                continue
            by_connector[name] = {n: s.field_names() for n, s in schemas.items()}
        known = by_connector[name].get(stream.spec.name, set())
        if stream.raw is not None:
            problems += _raw_problems(name, stream, by_connector[name])
            continue
        for field_name, close in unknown_fields(stream.mapping, sorted(known), derived=("id",)):
            hint = f"; closest: {', '.join(close)}" if close else ""
            problems.append(f"connection {name}, object {stream.spec.name}: mapped field {field_name!r} does not "
                            f"exist in the CRM{hint}")
    if problems:
        raise ConfigError("the mapping names fields the CRM does not have:\n  " + "\n  ".join(problems))


def _raw_problems(name: str, stream: Stream, objects: dict[str, set[str]]) -> list[str]:
    """A raw table takes its columns from discover: the object must be there, and every field listed for it."""
    obj = stream.spec.name
    listed = stream.raw.fields if stream.raw is not None else None
    if obj not in objects:
        return [f"connection {name}, object {obj}: the CRM's discover does not list it, so its raw table has no "
                f"columns to take (is the object's API name right, and may the integration user read it?)"]
    known = sorted(objects[obj])
    return [f"connection {name}, object {obj}: field {f!r} listed in objects.{obj}.fields does not exist in the "
            f"CRM{_closest(f, known)}" for f in (listed or ()) if f not in objects[obj]]


def _closest(name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    return f"; closest: {', '.join(close)}" if close else ""


def run_plan(plan: SyncPlan, *, engine: Engine, checker: QualityChecker, full_refresh: bool = False,
             progress: Callable[[Stream], Progress | None] | None = None,
             clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> list[RunSummary]:
    """``full_refresh`` re-reads every stream; without it a stream is still re-read in full when its
    ``full_refresh_every_days`` has passed since its last complete read (the run's notes say so)."""
    out = []
    for stream in plan.streams:
        name = stream.connector.name
        with stream_lock(engine, name, stream.spec.name) as lock:
            if not lock:
                out.append(RunSummary(0, name, stream.spec.name, "locked", Counts(), 0, 0.0,
                                      full_refresh, error="another process is running this stream; not run twice"))
                continue
            if name in plan.unavailable:
                out.append(record_failed_run(engine, connection=name, object=stream.spec.name,
                                             full_refresh=full_refresh, exc=plan.unavailable[name]))
                continue
            try:
                drift = _prepare_drift(plan, stream, engine) if stream.raw is None else _prepare_raw(plan, stream,
                                                                                                     engine)
            except AuthError as exc:
                plan.unavailable[name] = exc
                out.append(record_failed_run(engine, connection=name, object=stream.spec.name,
                                             full_refresh=full_refresh, exc=exc))
                continue
            except CrmhubError as exc:  # a raw table with no schema to type its columns from: this stream only
                out.append(record_failed_run(engine, connection=name, object=stream.spec.name,
                                             full_refresh=full_refresh, exc=exc))
                continue
            due = None if full_refresh else full_refresh_due(engine, stream, now=clock())
            summary = run_stream(engine=engine, connector=stream.connector, spec=stream.spec,
                                 mapping=drift.plan.mapping if drift else stream.mapping, checker=checker,
                                 full_refresh=full_refresh or due is not None,
                                 progress=progress(stream) if progress else None, guard=lock.ensure,
                                 workers=resolve_workers(plan.workers))
            if due is not None:
                summary.notes.insert(0, due)
            if drift is not None:
                record_drift(engine, drift, run_id=summary.run_id)
                summary.notes[:0] = drift.plan.notes
                summary.drift = drift.as_dict()
            out.append(summary)
            if summary.error_kind == "auth" and summary.failure is not None:
                # Refused credentials refuse the connection's next stream too: record it, do not ask again.
                plan.unavailable[name] = summary.failure
    with engine.begin() as conn:
        store.purge_deleted_quarantine(conn, before=datetime.now(UTC) - plan.quarantine_retention)
    return out


def full_refresh_due(engine: Engine, stream: Stream, *, now: datetime) -> str | None:
    """Why this run must be a full refresh (a note for the run), or None. Decided from the store's run history, so
    every process running the stream (CLI, scheduler, workers) agrees."""
    if stream.full_refresh_every is None:
        return None
    with engine.connect() as conn:
        last = store.last_complete_read(conn, connection=stream.connector.name, object=stream.spec.name)
    if last is None or now - last < stream.full_refresh_every:
        return None  # never read yet (the first run reads everything anyway), or not due
    days = stream.full_refresh_every.days
    return (f"scheduled full refresh (full_refresh_every_days: {days}): the last complete read finished "
            f"{last.isoformat(timespec='seconds')}; every record is re-read and ids are reconciled")


def _prepare_drift(plan: SyncPlan, stream: Stream, engine: Engine) -> StreamDrift | None:
    """The drift policy laid on the stream's mapping; None (the mapping as configured) when the schema cannot be
    discovered now — the run itself then meets the same failure and reports it. Refused credentials are raised:
    the caller records the run failed without asking the CRM again."""
    try:
        schema = plan.schemas_of(stream.connector).get(stream.spec.name)
    except AuthError:
        raise
    except CrmhubError:
        return None
    if schema is None:
        return None
    return prepare_drift(engine, connection=stream.connector.name, schema=schema, mapping=stream.mapping,
                         policy=stream.drift_policy, own_fields=stream.own_fields)


def _prepare_raw(plan: SyncPlan, stream: Stream, engine: Engine) -> RawDrift:
    """The raw table created or widened and the identity mapping the run lands with (sync/raw.py). Without a
    discover now the last snapshot stands in; refused credentials are raised as for a mapped stream."""
    assert stream.raw is not None
    try:
        schema = plan.schemas_of(stream.connector).get(stream.spec.name)
    except AuthError:
        raise
    except CrmhubError:
        schema = None
    return prepare_raw(engine, connection=stream.connector.name, spec=stream.spec, schema=schema,
                       settings=stream.raw, policy=stream.drift_policy)
