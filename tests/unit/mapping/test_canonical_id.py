"""mapping.canonical_ids.canonical_id computes uuid5 without a UUID object: it must equal uuid5 for every input."""

from __future__ import annotations

import uuid

import pytest

from mapping.canonical_ids import NAMESPACE, canonical_id


@pytest.mark.parametrize("connection, obj, source_id", [
    ("hubspot_main", "contacts", "101"), ("sf", "Account", "001000000000001AAA"), ("", "", ""),
    ("dynamics", "contacts", "3f2504e0-4f89-11d3-9a0c-0305e82c3301"), ("mkto", "leads", "é 名前 \x1f"),
])
def test_equals_uuid5(connection: str, obj: str, source_id: str) -> None:
    expected = str(uuid.uuid5(NAMESPACE, f"{connection}\x1f{obj}\x1f{source_id}"))
    assert canonical_id(connection, obj, source_id) == expected
    assert uuid.UUID(canonical_id(connection, obj, source_id)).version == 5
