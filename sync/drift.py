"""Schema drift around a run: compare the discovered schema with the stored snapshots, lay the policy onto the
mapping before the run, keep the new snapshot (only when it changed) and the type changes after it.

The rules themselves (what is new, what a policy does) are in ``mapping/drift.py``; this module adds the store.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from connectors.base import ObjectSchema
from mapping.drift import DriftPlan, SchemaDiff, TypeChange, diff_schemas, plan_drift, schema_hash
from mapping.spec import ObjectMapping
from store.schema_drift import (
    accept_type_changes,
    add_type_changes,
    first_snapshot,
    latest_snapshot,
    pending_type_changes,
    save_snapshot,
)
from store.writeback import ledger_fields


def schema_fields(schema: ObjectSchema) -> dict[str, str]:
    return {f.name: f.type for f in schema.fields}


@dataclass(slots=True)
class StreamDrift:
    connection: str
    object: str
    fields: dict[str, str]
    diff: SchemaDiff
    plan: DriftPlan
    detected: list[TypeChange] = field(default_factory=list)  # type changes first seen by this run
    reverted: list[str] = field(default_factory=list)  # pending changes whose field is back to its old type

    def as_dict(self) -> dict[str, Any]:
        return {**self.plan.summary(), "diff": self.diff.as_dict()}


def prepare_drift(engine: Engine, *, connection: str, schema: ObjectSchema, mapping: ObjectMapping,
                  policy: str, own_fields: Collection[str] = ()) -> StreamDrift:
    """Before a run: the drift since the last snapshot and the mapping this run uses. ``own_fields`` are the
    connection's write-back fields (crmhub's own, never drift; the ledger adds those it wrote under older configs)."""
    current = schema_fields(schema)
    with engine.connect() as conn:
        first = first_snapshot(conn, connection=connection, object=schema.name)
        last = latest_snapshot(conn, connection=connection, object=schema.name)
        pending = pending_type_changes(conn, connection=connection, object=schema.name)
        own = {*own_fields, *ledger_fields(conn, connection=connection, object=schema.name)}
    diff = diff_schemas(last["fields"], current).without(own) if last else SchemaDiff()
    reads = set(mapping.source_fields())
    known = {r["field"] for r in pending}
    detected = [c for c in diff.changed if c.field in reads and c.field not in known]
    in_force = [TypeChange(r["field"], r["old_type"], r["new_type"]) for r in pending] + detected
    plan = plan_drift(mapping, policy=policy, connection=connection, baseline=first["fields"] if first else None,
                      current=current, pending=in_force, announce=diff.added, own=own)
    gone = sorted(f for f in diff.removed if f in reads)
    if gone:
        plan.notes.append(f"schema drift: mapped field(s) {', '.join(gone)} no longer exist in {schema.name}")
    reverted = [r["field"] for r in pending if current.get(r["field"]) == r["old_type"]]
    return StreamDrift(connection, schema.name, current, diff, plan, detected, reverted)


def record_drift(engine: Engine, drift: StreamDrift, *, run_id: int | None) -> None:
    """After a run: keep the snapshot when the schema changed, the new type changes, and close reverted ones."""
    with engine.begin() as conn:
        save_snapshot(conn, connection=drift.connection, object=drift.object, fields=drift.fields,
                      schema_hash=schema_hash(drift.fields), run_id=run_id)
        add_type_changes(conn, connection=drift.connection, object=drift.object,
                         changes=[c.as_dict() for c in drift.detected], run_id=run_id)
        for name in drift.reverted:
            accept_type_changes(conn, connection=drift.connection, object=drift.object, field=name)


def stored_drift_plan(engine: Engine, *, connection: str, mapping: ObjectMapping, policy: str) -> DriftPlan:
    """The drift plan of the last run, from the store alone (no discover): what a replay maps with, so evolved
    custom fields are kept and pending type changes still hold their records."""
    with engine.connect() as conn:
        first = first_snapshot(conn, connection=connection, object=mapping.object)
        last = latest_snapshot(conn, connection=connection, object=mapping.object)
        pending = pending_type_changes(conn, connection=connection, object=mapping.object)
    if last is None:
        return DriftPlan(mapping, policy)
    in_force = [TypeChange(r["field"], r["old_type"], r["new_type"]) for r in pending]
    return plan_drift(mapping, policy=policy, connection=connection, baseline=first["fields"] if first else None,
                      current=last["fields"], pending=in_force)


def schema_diff(engine: Engine, *, connection: str, schemas: Sequence[ObjectSchema],
                objects: Sequence[str] | None = None, own_fields: Collection[str] = ()) -> list[dict[str, Any]]:
    """What changed in each object's schema since the last run's snapshot (``crmhub discover CONN --diff``; the
    demo calls it after adding a field in a sandbox). Objects with no snapshot yet say so. crmhub's own write-back
    fields (``own_fields`` and those in its ledger) are left out, as a sync leaves them out."""
    out = []
    with engine.connect() as conn:
        for schema in schemas:
            if objects is not None and schema.name not in objects:
                continue
            last = latest_snapshot(conn, connection=connection, object=schema.name)
            pending = pending_type_changes(conn, connection=connection, object=schema.name)
            entry: dict[str, Any] = {"object": schema.name, "snapshot_taken_at": None, "snapshot_run_id": None,
                                     "pending_type_changes": [_pending(r) for r in pending]}
            if last is None:
                out.append({**entry, "added": [], "removed": [], "type_changes": [],
                            "note": "no snapshot yet: the first sync of this object takes one"})
                continue
            own = {*own_fields, *ledger_fields(conn, connection=connection, object=schema.name)}
            diff = diff_schemas(last["fields"], schema_fields(schema)).without(own)
            out.append({**entry, **diff.as_dict(), "snapshot_taken_at": last["taken_at"].isoformat(),
                        "snapshot_run_id": last["run_id"]})
    return out


def _pending(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"field": row["field"], "old_type": row["old_type"], "new_type": row["new_type"],
            "run_id": row["run_id"], "detected_at": row["detected_at"].isoformat()}
