"""Which records need a write: values whose hash differs from the ledger's, each with the version to guard it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection

import store
from connectors.base import OutboundChange

Policy = Literal["skip", "overwrite", "flag"]


@dataclass(frozen=True, slots=True)
class Desired:
    """What a record's written fields should hold (native CRM field names -> values)."""

    source_id: str
    values: Mapping[str, Any]


@dataclass(slots=True)
class Plan:
    changes: list[OutboundChange] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)  # source_id -> hash of the values to send
    unchanged: list[str] = field(default_factory=list)  # the ledger already holds these values: no call
    refused: list[tuple[str, str]] = field(default_factory=list)  # (source_id, why) never sent: deleted, unknown
    # (change, why) held back without a call: a sync saw a person edit the fields we wrote (policy skip or flag)
    held: list[tuple[OutboundChange, str]] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)  # source_id -> why it is sent (what --dry-run shows)


def values_hash(values: Mapping[str, Any]) -> str:
    return hashlib.blake2b(json.dumps(dict(values), sort_keys=True, default=str).encode(), digest_size=16).hexdigest()


def plan_changes(conn: Connection, *, connection: str, object: str, field_set: str, desired: Iterable[Desired],
                 policy: Policy = "skip") -> Plan:
    wanted = {d.source_id: d for d in desired}
    ids = list(wanted)
    sent = store.ledger_entries(conn, connection=connection, object=object, field_set=field_set, source_ids=ids)
    read = store.read_versions(conn, connection=connection, object=object, source_ids=ids)
    plan = Plan()
    for sid, want in wanted.items():
        digest = values_hash(want.values)
        last_hash, written, edited_at = sent.get(sid, ("", None, None))
        if last_hash == digest and edited_at is None:
            plan.unchanged.append(sid)
            continue
        if sid not in read:
            plan.refused.append((sid, f"{object} {sid} was never read from {connection}: sync it first"))
            continue
        read_at, deleted = read[sid]
        if deleted:
            plan.refused.append((sid, f"{object} {sid} is deleted in {connection}; nothing to write"))
            continue
        guard = None if policy == "overwrite" else _latest(read_at, written)
        change = OutboundChange(sid, dict(want.values), expected_version=guard)
        plan.hashes[sid] = digest
        if edited_at is not None and policy != "overwrite":
            plan.held.append((change, f"a person changed {', '.join(want.values)} in {connection} at "
                                      f"{edited_at.isoformat()} after crmhub wrote them; not overwritten"))
            continue
        plan.changes.append(change)
        plan.reasons[sid] = "values differ from what crmhub last sent" if sid in sent else "never sent"
    return plan


def _latest(read_at: datetime | None, written: str | None) -> str | None:
    """The record's version as crmhub last knew it: its own last write when that is newer than its last read, so our
    own edit is never mistaken for a person's."""
    if written is None:
        return read_at.isoformat() if read_at else None
    if read_at is None:
        return written
    try:
        written_at = datetime.fromisoformat(written.replace("Z", "+00:00"))
    except ValueError:
        return written  # an etag, not a time: the CRM compares it as it is
    return written if written_at > read_at else read_at.isoformat()
