"""Canonical ids: deterministic from (connection, object, source id), so a batch maps and links without a lookup.

References map the same way: a contact's ``account_id`` is the canonical id of its company's source record, whether
or not that company has landed yet. Cross-CRM identity (one person in four CRMs) is a layer on top, not a rewrite.
"""

from __future__ import annotations

import uuid

NAMESPACE = uuid.UUID("6f1c2f0e-9a53-4b8e-b1f4-6c0de1c2a6b1")


def canonical_id(connection: str, object_name: str, source_id: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{connection}\x1f{object_name}\x1f{source_id}"))
