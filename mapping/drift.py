"""Schema drift: what changed in a CRM object's fields between two discovers, and what a mapping does about it.

A run compares the schema discovered now with the snapshot the last run kept (``sync/drift.py`` does the storing):

- **new fields** are fields absent from the object's FIRST snapshot (its baseline), not read by the mapping and not
  one crmhub writes back (its score, grade, reasons and win-probability fields are crmhub's own, never drift).
  The policy decides: ``evolve`` reads them into the row's ``custom`` JSON; ``freeze`` leaves the mapping as it is
  and the run's notes name the fields (the run goes on: nothing already mapped is at risk); ``discard`` leaves the
  mapping as it is with no note, and the run's drift counts how many were dropped.
- a **type change** of a field the mapping reads holds that field's records in quarantine (rule
  ``schema_type_change``, with the old and new type) until an admin accepts the new type
  (``crmhub discover CONN --accept OBJECT.FIELD``) and replays them (``crmhub quality replay``).
- a **removed** mapped field is what ``validate_mappings`` already refuses (exit 2) with the closest real names.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from mapping.spec import ObjectMapping

POLICIES = ("evolve", "freeze", "discard")
TYPE_CHANGE_RULE = "schema_type_change"


def schema_hash(fields: Mapping[str, str]) -> str:
    """Order-free: the same fields and types always hash the same, whatever order the CRM lists them in."""
    body = json.dumps(sorted(fields.items()), separators=(",", ":"))
    return hashlib.blake2b(body.encode(), digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class TypeChange:
    field: str
    old_type: str
    new_type: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "old_type": self.old_type, "new_type": self.new_type}


@dataclass(frozen=True, slots=True)
class SchemaDiff:
    added: Mapping[str, str] = field(default_factory=dict)  # name -> type
    removed: Mapping[str, str] = field(default_factory=dict)
    changed: tuple[TypeChange, ...] = ()

    def without(self, own: Collection[str]) -> SchemaDiff:
        """The diff less the fields crmhub itself writes back: creating them is crmhub's doing, not drift."""
        return SchemaDiff(added={k: v for k, v in self.added.items() if k not in own},
                          removed={k: v for k, v in self.removed.items() if k not in own},
                          changed=tuple(c for c in self.changed if c.field not in own))

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def as_dict(self) -> dict[str, Any]:
        return {"added": [{"field": k, "type": v} for k, v in sorted(self.added.items())],
                "removed": [{"field": k, "type": v} for k, v in sorted(self.removed.items())],
                "type_changes": [c.as_dict() for c in self.changed]}


def diff_schemas(old: Mapping[str, str], new: Mapping[str, str]) -> SchemaDiff:
    return SchemaDiff(
        added={k: v for k, v in new.items() if k not in old},
        removed={k: v for k, v in old.items() if k not in new},
        changed=tuple(TypeChange(k, old[k], new[k]) for k in sorted(new) if k in old and old[k] != new[k]),
    )


@dataclass(slots=True)
class DriftPlan:
    """What one run does about drift: the mapping to run with, and what to tell and count."""

    mapping: ObjectMapping
    policy: str
    new_fields: list[str] = field(default_factory=list)
    type_changes: list[TypeChange] = field(default_factory=list)  # in force for this run (new and pending)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        kept = self.new_fields if self.policy == "evolve" else []
        return {"policy": self.policy, "new_fields": self.new_fields, "kept_in_custom": kept,
                "ignored": self.new_fields if self.policy == "freeze" else [],
                "discarded": len(self.new_fields) if self.policy == "discard" else 0,
                "type_changes": [c.as_dict() for c in self.type_changes]}


def plan_drift(om: ObjectMapping, *, policy: str, connection: str, baseline: Mapping[str, str] | None,
               current: Mapping[str, str], pending: Iterable[TypeChange] = (),
               announce: Iterable[str] | None = None, own: Collection[str] = ()) -> DriftPlan:
    """Lay the drift policy and the type changes in force onto a mapping. ``baseline`` is the object's first
    snapshot (None: this is the first run, so nothing is new); ``pending`` are type changes not yet accepted;
    ``announce`` the new fields the notes name (those added since the last snapshot; None: all), so a field
    kept or ignored for months is not re-announced by every run. ``own`` are the fields crmhub writes back (the
    connection's ``writeback.fields`` and what its ledger shows it wrote): crmhub creates them, so they are never new
    (and a sync reads them anyway, to tell its own writes from a person's edits)."""
    if policy not in POLICIES:
        raise ValueError(f"connection {connection}, object {om.object}: drift_policy must be one of "
                         f"{', '.join(POLICIES)}, got {policy!r}")
    reads = set(om.source_fields())
    new = sorted(k for k in current
                 if baseline is not None and k not in baseline and k not in reads and k not in own)
    in_force = [c for c in pending if c.field in reads and current.get(c.field) != c.old_type]
    mapping = om
    if policy == "evolve" and new:
        taken = {key for _, key in om.custom}
        mapping = replace(mapping, custom=om.custom + tuple((f, f) for f in new if f not in taken))
    if in_force:
        mapping = replace(mapping, type_changes=tuple((c.field, c.old_type, c.new_type) for c in in_force))
    plan = DriftPlan(mapping, policy, new, in_force)
    where = f"connections.{connection}.mapping.{om.object}"
    told = [f for f in new if announce is None or f in set(announce)]
    if told and policy == "evolve":
        plan.notes.append(f"schema drift: new field(s) {', '.join(told)} kept in custom (drift_policy evolve)")
    elif told and policy == "freeze":
        plan.notes.append(f"schema drift: new field(s) {', '.join(told)} not synced (drift_policy freeze); map "
                          f"them in {where}.fields or set drift_policy: evolve")
    for c in in_force:
        plan.notes.append(f"schema drift: {om.object}.{c.field} changed type {c.old_type} -> {c.new_type}; records "
                          f"with a value in it are quarantined (rule {TYPE_CHANGE_RULE}) until `crmhub discover "
                          f"{connection} --accept {om.object}.{c.field}`, then `crmhub quality replay`")
    return plan
