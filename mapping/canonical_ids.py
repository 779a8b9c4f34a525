"""Canonical ids: deterministic from (connection, object, source id), so a batch maps and links without a lookup.

References map the same way: a contact's ``account_id`` is the canonical id of its company's source record, whether
or not that company has landed yet. Cross-CRM identity (one person in four CRMs) is a layer on top, not a rewrite.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from functools import lru_cache

NAMESPACE = uuid.UUID("6f1c2f0e-9a53-4b8e-b1f4-6c0de1c2a6b1")
_NAMESPACE_BYTES = NAMESPACE.bytes


@lru_cache(maxsize=65536)  # references repeat (owners, companies): a batch asks for the same ids again and again
def canonical_id(connection: str, object_name: str, source_id: str) -> str:
    """``str(uuid.uuid5(NAMESPACE, name))``, without building a UUID object: it runs once per field per record."""
    name = f"{connection}\x1f{object_name}\x1f{source_id}".encode()
    return _as_uuid5(hashlib.sha1(_NAMESPACE_BYTES + name).digest())


def id_maker(connection: str, object_name: str) -> Callable[[str], str]:
    """``canonical_id(connection, object_name, ·)`` for the many source ids of one object (each record's own id):
    uuid5 hashes the namespace and the name, so the hash of the namespace and the names before the source id is
    taken once and copied, not redone; no cache, since a record's own id is asked for once."""
    prefix = hashlib.sha1(_NAMESPACE_BYTES + f"{connection}\x1f{object_name}\x1f".encode())

    def make(source_id: str) -> str:
        digest = prefix.copy()
        digest.update(source_id.encode())
        return _as_uuid5(digest.digest())

    return make


def _as_uuid5(sha1: bytes) -> str:
    digest = bytearray(sha1[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
