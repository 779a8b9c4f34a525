"""The canonical form of an audit event and the hash that chains it: one definition, used to append and to verify.

An event's hash is SHA-256 over the previous event's hash and the event's canonical JSON (sorted keys, no
whitespace, UTC ISO times to the microsecond). Migration 0018 keeps a frozen copy of these functions to chain the
rows written before it; tests/unit/access/test_audit_upgrade.py fails if the two ever disagree.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64  # the "previous hash" of the first event


def utc_iso(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError(f"audit time {at.isoformat()} is naive: events are stamped in UTC")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(doc: Mapping[str, Any]) -> str:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def event_doc(*, seq: int, at: datetime, actor_id: int | None, actor_ref: str, action: str, target_ref: str,
              before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, Any]:
    """What the hash covers: every column of the row but its id (a storage detail) and the hashes themselves."""
    return {"seq": seq, "at": utc_iso(at), "actor_id": actor_id, "actor_ref": actor_ref, "action": action,
            "target_ref": target_ref, "before": dict(before) if before is not None else None,
            "after": dict(after) if after is not None else None}


def link_hash(prev_hash: str, doc: Mapping[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical(doc)).encode()).hexdigest()


def row_hash(row: Mapping[Any, Any]) -> str:
    """The hash an audit_event row should carry, from its own columns."""
    doc = event_doc(seq=row["seq"], at=row["at"], actor_id=row["actor_id"], actor_ref=row["actor_ref"],
                    action=row["action"], target_ref=row["target_ref"], before=row["before"], after=row["after"])
    return link_hash(row["prev_hash"], doc)
