"""Streams no mapping holds, kept as typed raw tables: which fields a run reads, which columns they land in, and
what schema drift does to the table — before the run, from the discovered schema (or, for a replay, from the last
snapshot). The rows then take the same road as a canonical entity's: ``sync/stream.py`` maps them with the identity
mapping built here, ``sync/land.py`` lands them with their links, tombstones, quarantine and cursor.

Drift (``mapping/drift.py``'s policy, as far as it applies to a table with a column per field):

- a **new field** gets a column under ``evolve`` (the default); under ``freeze`` it is not read and the notes name it
  once; under ``discard`` it is not read and only counted. A field listed in ``objects.<o>.fields`` is always read.
- a **removed field** keeps its column (add, never drop); its values stop changing.
- a **type change** that changes the column's store type holds the field's records in quarantine (rule
  ``schema_type_change``) until accepted (``crmhub discover CONN --accept OBJECT.FIELD``); then the field gets a new
  column ``<column>__<type>`` beside the old one (which keeps the values read before) and ``crmhub quality replay``
  lands the held records. A type change that keeps the store type (picklist -> string) changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

import store
from connectors.base import ObjectSchema, ObjectSpec
from connectors.errors import ConfigError
from mapping.drift import SchemaDiff, TypeChange, diff_schemas, plan_drift
from mapping.raw import ColumnRule, column_type, raw_mapping, time_fields
from mapping.raw_types import COMPOUND_TYPES
from mapping.spec import ObjectMapping
from store.schema_drift import first_snapshot, latest_snapshot, pending_type_changes
from sync.drift import StreamDrift, schema_fields


@dataclass(frozen=True, slots=True)
class RawSettings:
    """A raw stream's configuration (``connections.<c>.objects.<o>``)."""

    kind: str  # the connection's CRM kind: whose native type names its fields carry
    fields: tuple[str, ...] | None = None  # None: every field discover lists
    types: Mapping[str, str] = field(default_factory=dict)  # field -> store type, laid over the native types


def planned_mapping(connection: str, obj: str) -> ObjectMapping:
    """A raw stream's mapping before its schema is known (plan time): no rules, the table's name as entity."""
    return raw_mapping(obj, store.raw_table_name(connection, obj), [], created=None, modified=None)


@dataclass(slots=True)
class RawDrift(StreamDrift):
    """StreamDrift, plus what happened to the raw table."""

    table: str = ""
    created: bool = False
    added: list[store.RawColumn] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # new fields not read (drift_policy freeze or discard)

    def as_dict(self) -> dict[str, Any]:
        return {"policy": self.plan.policy, "table": self.table, "created": self.created,
                "new_fields": self.plan.new_fields,
                "columns_added": [{"field": c.field, "column": c.column, "type": c.type, "crm_type": c.crm_type}
                                  for c in self.added],
                "ignored": self.ignored if self.plan.policy == "freeze" else [],
                "discarded": len(self.ignored) if self.plan.policy == "discard" else 0,
                "type_changes": [c.as_dict() for c in self.plan.type_changes], "diff": self.diff.as_dict()}


def prepare_raw(engine: Engine, *, connection: str, spec: ObjectSpec, schema: ObjectSchema | None,
                settings: RawSettings, policy: str) -> RawDrift:
    """Before a run: create or widen the stream's raw table and build the mapping the run lands with. Without a
    schema (discover failed) the last snapshot stands in; with neither, there is nothing to type columns from."""
    with engine.connect() as conn:
        table = store.load_raw_table(conn, connection=connection, object=spec.name)
        first = first_snapshot(conn, connection=connection, object=spec.name)
        last = latest_snapshot(conn, connection=connection, object=spec.name)
        pending = [TypeChange(r["field"], r["old_type"], r["new_type"])
                   for r in pending_type_changes(conn, connection=connection, object=spec.name)]
    if schema is not None:
        current = schema_fields(schema)
    elif last is not None:
        current = dict(last["fields"])
    else:
        raise ConfigError(f"the CRM's discover does not list {spec.name}: a raw table types its columns from the "
                          f"CRM's field types, so it cannot be created yet", connection=connection, object=spec.name)
    previous = dict(last["fields"]) if last else None
    diff = diff_schemas(previous, current) if previous is not None else SchemaDiff()
    return _plan(engine, connection=connection, spec=spec, settings=settings, policy=policy, table=table,
                 current=current, previous=previous, baseline=dict(first["fields"]) if first else None,
                 pending=pending, diff=diff)


def replay_mapping(engine: Engine, *, connection: str, spec: ObjectSpec, settings: RawSettings,
                   policy: str) -> ObjectMapping:
    """What a replay maps quarantined records with: the last snapshot as the schema (no CRM call), so a type change
    accepted since the last run gets its new column now and its held records land in it."""
    return prepare_raw(engine, connection=connection, spec=spec, schema=None, settings=settings,
                       policy=policy).plan.mapping


def _plan(engine: Engine, *, connection: str, spec: ObjectSpec, settings: RawSettings, policy: str,
          table: store.RawTable | None, current: Mapping[str, str], previous: Mapping[str, str] | None,
          baseline: Mapping[str, str] | None, pending: Sequence[TypeChange], diff: SchemaDiff) -> RawDrift:
    created, modified = time_fields(settings.kind, list(current), spec.cursor_field)
    compound = COMPOUND_TYPES.get(settings.kind, frozenset())
    every = [f for f in current if current[f] not in compound]  # a compound's parts are fields of their own
    chosen = [f for f in (settings.fields if settings.fields is not None else every) if f in current]
    # Always read, listed or not: the record's id and the times its bookkeeping columns and cursor come from.
    chosen += [f for f in dict.fromkeys((spec.primary_key, created, modified))
               if f and f in current and f not in chosen]
    listed = set(settings.fields or ())
    have = {c.field for c in table.columns} if table else set()
    new = [f for f in chosen if f not in have]
    adding = new if table is None or policy == "evolve" else [f for f in new if f in listed]
    reads = [f for f in chosen if f in have or f in adding]

    def store_type(native: str, name: str) -> str:
        return column_type(settings.kind, native, settings.types.get(name))[0]

    known_pending = {c.field for c in pending}
    detected = [TypeChange(f, previous[f], current[f]) for f in reads
                if previous is not None and f in previous and previous[f] != current[f] and f not in known_pending
                and store_type(previous[f], f) != store_type(current[f], f)]
    in_force = [c for c in (*pending, *detected) if c.field in reads and current.get(c.field) != c.old_type]
    held = {c.field for c in in_force}
    wanted = []
    for name in reads:
        kind, _ = column_type(settings.kind, current[name], settings.types.get(name))
        column = table.column_of(name) if table else None
        if column is None or (column.type != kind and name not in held):
            wanted.append(store.WantedColumn(name, kind, current[name]))
    with engine.begin() as conn:
        raw, added = store.ensure_raw_table(conn, connection=connection, object=spec.name, wanted=wanted)
    rules = [ColumnRule(name, col.column, col.type, current[name])
             for name in reads if (col := raw.column_of(name)) is not None]
    base = raw_mapping(spec.name, raw.name, rules, created=created, modified=modified)
    # plan_drift with no baseline adds no field: it lays the type changes in force on the mapping and words them.
    plan = plan_drift(base, policy=policy, connection=connection, baseline=None, current=current, pending=in_force)
    plan.new_fields = [f for f in chosen if baseline is not None and f not in baseline]
    ignored = [f for f in new if f not in adding]
    unknown = [f"{c.field} ({c.crm_type})" for c in added
               if c.field not in settings.types and not column_type(settings.kind, c.crm_type)[1]]
    plan.notes[:0] = _notes(connection, spec.name, raw.name, table is None, added, ignored, policy, diff, have)
    if unknown:
        plan.notes.insert(1, f"{raw.name}: crmhub does not know the CRM type of {', '.join(unknown)}; kept as text "
                             f"(type them in connections.{connection}.objects.{spec.name}.types)")
    reverted = [c.field for c in pending if current.get(c.field) == c.old_type]
    return RawDrift(connection, spec.name, dict(current), diff, plan, detected, reverted, table=raw.name,
                    created=table is None, added=added, ignored=ignored)


def _notes(connection: str, obj: str, name: str, created: bool, added: Sequence[store.RawColumn],
           ignored: Sequence[str], policy: str, diff: SchemaDiff, had: set[str]) -> list[str]:
    notes = []
    if created:
        notes.append(f"{obj} has no mapping: kept as the typed raw table {name} ({len(added)} columns)")
    else:
        fresh = [c for c in added if c.field not in had]
        if fresh:
            notes.append(f"schema drift: new field(s) {', '.join(c.field for c in fresh)} added as column(s) of "
                         f"{name} (drift_policy {policy})")
        for c in (c for c in added if c.field in had):
            notes.append(f"{obj}.{c.field} is now {c.crm_type}: its values land in the new column {c.column} "
                         f"({c.type}); the older column keeps the values read before")
    told = [f for f in ignored if f in diff.added]
    if told and policy == "freeze":
        notes.append(f"schema drift: new field(s) {', '.join(told)} not synced (drift_policy freeze); list them in "
                     f"connections.{connection}.objects.{obj}.fields or set drift_policy: evolve")
    gone = sorted(f for f in diff.removed if f in had)
    if gone:
        notes.append(f"schema drift: field(s) {', '.join(gone)} no longer exist in {obj}; their columns in {name} "
                     f"stay (add, never drop) with the values last read")
    return notes
