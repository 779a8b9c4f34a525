"""Pseudonyms: the trail refers to people by a random ref, never by name; audit_subject maps refs to names.

A random ref (rather than a hash of the name) cannot be reversed by hashing a list of candidate names, and erasing
a person is deleting their rows here: their events stay, hashes intact, and no longer say who.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select

from store.tables import audit_subject

# Keys of an event's before/after whose values name a person: stored as that name's ref.
PERSONAL_KEYS = frozenset({"username", "display_name", "email", "phone", "full_name"})
ERASED = "[erased]"


def ref_of(conn: Connection, name: str, *, at: datetime) -> str:
    """The ref of ``name``, made on first use. Called under the chain's lock (audit_chain.claim), so two writers
    never race to make the same name's ref."""
    found = conn.execute(select(audit_subject.c.ref).where(audit_subject.c.name == name)).scalar()
    if found is not None:
        return str(found)
    ref = secrets.token_hex(16)
    conn.execute(audit_subject.insert().values(ref=ref, name=name, created_at=at))
    return ref


def pseudonymised(conn: Connection, doc: Mapping[str, Any] | None, *, at: datetime) -> dict[str, Any] | None:
    """``doc`` with every personal value replaced by its ref (nested documents too)."""
    if doc is None:
        return None
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if isinstance(value, Mapping):
            out[key] = pseudonymised(conn, value, at=at)
        elif key in PERSONAL_KEYS and isinstance(value, str):
            out[key] = ref_of(conn, value, at=at)
        else:
            out[key] = value
    return out


def names_of(conn: Connection, refs: Collection[str]) -> dict[str, str]:
    """ref → name for the refs still known (an erased ref is absent)."""
    if not refs:
        return {}
    rows = conn.execute(select(audit_subject.c.ref, audit_subject.c.name).where(audit_subject.c.ref.in_(refs)))
    return {r.ref: r.name for r in rows}


def forget(conn: Connection, names: Collection[str]) -> int:
    """Erase these names from the trail (a data-subject erasure): their refs stay in the events, unresolvable."""
    if not names:
        return 0
    return conn.execute(delete(audit_subject).where(audit_subject.c.name.in_(list(names)))).rowcount
