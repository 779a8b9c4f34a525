"""The golden record of a cluster: per field, the value of the highest-priority source that has one (from
``identity.source_priority``), else the most recently updated member's. Differing values are conflicts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from identity import normalize
from identity.records import Kind, Rec

GOLDEN_FIELDS: Mapping[Kind, tuple[str, ...]] = {
    "person": ("first_name", "last_name", "email", "phone", "title", "company", "country", "city", "lead_source"),
    "account": ("name", "domain", "website", "industry", "employees", "annual_revenue", "country", "city", "phone"),
}
_EPOCH = datetime.min.replace(tzinfo=UTC)


def _comparable(field: str, value: Any) -> Any:
    # Differences of form only (case, "https://www.", phone punctuation) are not conflicts.
    if field == "email":
        return normalize.email(value) or value
    if field in ("website", "domain"):
        return normalize.domain(value) or value
    if field == "phone":
        return normalize.phone(value) or value
    if isinstance(value, str):
        return normalize.text(value) or value
    return value


def golden(
    members: Sequence[Rec], kind: Kind, priority: Mapping[str, Sequence[str]]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """(golden values, per field the member that supplied it and why, conflicts per field)."""
    if len(members) == 1:  # most clusters: nothing to choose between
        only = members[0]
        golden = {f: only.values[f] for f in GOLDEN_FIELDS[kind] if only.values.get(f) not in (None, "")}
        source = {"record": only.id, "connection": only.connection, "rule": "only_source"}
        return golden, dict.fromkeys(golden, source), {}
    recent = sorted(members, key=lambda r: (r.updated_at or _EPOCH, r.id), reverse=True)
    values: dict[str, Any] = {}
    sources: dict[str, Any] = {}
    conflicts: dict[str, list[dict[str, Any]]] = {}
    for field in GOLDEN_FIELDS[kind]:
        having = [r for r in recent if r.values.get(field) not in (None, "")]
        if not having:
            continue
        order = priority.get(field, ())
        ranked = [r for name in order for r in having if r.connection == name]
        winner, why = (ranked[0], "source_priority") if ranked else (having[0], "most_recent")
        values[field] = winner.values[field]
        sources[field] = {"record": winner.id, "connection": winner.connection, "rule": why}
        raw = {r.values[field] for r in having}
        if len(raw) > 1 and len({_comparable(field, v) for v in raw}) > 1:
            conflicts[field] = [
                {"connection": r.connection, "object": r.object, "source_id": r.source_id,
                 "value": r.values[field], "chosen": r is winner}
                for r in having
            ]
    return values, sources, conflicts
