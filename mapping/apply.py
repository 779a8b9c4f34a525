"""Apply an object mapping to a batch of native records: canonical rows out, rejects kept with their reasons."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mapping.canonical_ids import canonical_id
from mapping.compiled import row_builder
from mapping.spec import FieldRule, ObjectMapping
from mapping.transforms import TRANSFORMS, Transform, TransformError, ref_source_id


@dataclass(frozen=True, slots=True)
class Reject:
    source_id: str
    record: dict[str, Any]
    reasons: list[dict[str, Any]]  # {field, rule, message, value}


@dataclass(slots=True)
class MapResult:
    rows: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


def map_records(om: ObjectMapping, records: Sequence[dict[str, Any]], *, connection: str,
                primary_key: str = "id") -> MapResult:
    """Rows from the compiled mapping (mapping/compiled.py); a record it cannot build a row from takes the per-rule
    path, which keeps it as a reject with its reasons."""
    out = MapResult()
    build = row_builder(om, connection=connection, primary_key=primary_key)
    plan: _Plan | None = None
    for record in records:
        try:
            row = build(record)
        except (TransformError, ValueError, ArithmeticError):  # a value a transform refuses: the rules say which
            row = None
        if row is None:
            plan = plan or _plan(om)
            row, reasons = _map_by_rule(om, plan, record, connection, primary_key)
            if reasons:
                out.rejects.append(Reject(row["source_id"], record, reasons))
                continue
        out.rows.append(row)
    return out


def map_records_by_rule(om: ObjectMapping, records: Sequence[dict[str, Any]], *, connection: str,
                        primary_key: str = "id") -> MapResult:
    """``map_records`` taking every record through the per-rule path: what the compiled path must equal."""
    out = MapResult()
    plan = _plan(om)
    for record in records:
        row, reasons = _map_by_rule(om, plan, record, connection, primary_key)
        if reasons:
            out.rejects.append(Reject(row["source_id"], record, reasons))
        else:
            out.rows.append(row)
    return out


_Plan = list[tuple[FieldRule, Transform | None]]


def _plan(om: ObjectMapping) -> _Plan:
    return [(r, TRANSFORMS.get(r.transform)) for r in om.rules]


def _map_by_rule(om: ObjectMapping, plan: _Plan, record: dict[str, Any], connection: str,
                 primary_key: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One record, rule by rule: its row and the reasons it cannot land (none: it lands)."""
    source_id = str(record[primary_key])
    row: dict[str, Any] = {"id": canonical_id(connection, om.object, source_id),
                           "source_connection": connection, "source_object": om.object,
                           "source_id": source_id}
    reasons: list[dict[str, Any]] = []
    for rule, fn in plan:
        raw = record.get(rule.source) if rule.source else None
        try:
            if rule.transform == "ref":
                ref = ref_source_id(raw, rule.args.get("id_prefix"))
                row[rule.target] = canonical_id(connection, str(rule.args["object"]), ref) if ref else None
            else:
                row[rule.target] = fn(raw, rule.args, record)  # type: ignore[misc]
        except (TransformError, ValueError, ArithmeticError) as exc:  # one bad value rejects one record
            reasons.append({"field": rule.target, "source_field": rule.source,
                            "rule": f"transform:{rule.transform}", "message": _message(rule, source_id, exc),
                            "value": _jsonable(raw)})
            if "column_type" in rule.args:  # a raw table's column: the type it holds, for a person to act on
                reasons[-1]["expected_type"] = rule.args["column_type"]
    reasons += _type_changes(om, record)
    if om.keeps_custom:
        row["custom"] = {key: record.get(src) for src, key in om.custom if record.get(src) not in (None, "")}
    return row, reasons


def _message(rule: FieldRule, source_id: str, exc: Exception) -> str:
    """What was wrong; for a raw table's column (mapping/raw.py) also the record, the column and both types."""
    column_type = rule.args.get("column_type")
    if column_type is None:
        return f"{rule.source}: {exc}"
    return (f"record {source_id}, field {rule.source}: {exc}; column {rule.target} holds {column_type} "
            f"(CRM type {rule.args.get('crm_type')})")


def _type_changes(om: ObjectMapping, record: dict[str, Any]) -> list[dict[str, Any]]:
    """A mapped field whose CRM type changed holds the records that have a value in it (see mapping/drift.py)."""
    out = []
    for source, old, new in om.type_changes:
        value = record.get(source)
        if value in (None, ""):
            continue
        targets = [r.target for r in om.rules if r.source == source] or [f"custom.{source}"]
        out.append({"field": targets[0], "source_field": source, "rule": "schema_type_change",
                    "message": f"{source}: its type changed in the CRM from {old} to {new}; accept it with "
                               f"`crmhub discover <connection> --accept {om.object}.{source}`, then replay",
                    "value": _jsonable(value), "old_type": old, "new_type": new})
    return out


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)
