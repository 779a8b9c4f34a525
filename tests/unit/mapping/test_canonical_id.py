"""mapping.canonical_ids computes uuid5 without a UUID object: canonical_id and id_maker must equal uuid5 for every
input."""

from __future__ import annotations

import uuid

import pytest

from mapping.canonical_ids import NAMESPACE, canonical_id, id_maker

CASES = [
    ("hubspot_main", "contacts", "101"), ("sf", "Account", "001000000000001AAA"), ("", "", ""),
    ("dynamics", "contacts", "3f2504e0-4f89-11d3-9a0c-0305e82c3301"), ("mkto", "leads", "é 名前 \x1f"),
    ("a-connection-name-long-enough", "an_object_name_long_enough_to_cross", "a block boundary" * 5),
]


@pytest.mark.parametrize("connection, obj, source_id", CASES)
def test_equals_uuid5(connection: str, obj: str, source_id: str) -> None:
    expected = str(uuid.uuid5(NAMESPACE, f"{connection}\x1f{obj}\x1f{source_id}"))
    assert canonical_id(connection, obj, source_id) == expected
    assert uuid.UUID(canonical_id(connection, obj, source_id)).version == 5


@pytest.mark.parametrize("connection, obj, source_id", CASES)
def test_the_id_maker_of_an_object_equals_uuid5_every_time_it_is_asked(connection: str, obj: str,
                                                                       source_id: str) -> None:
    make = id_maker(connection, obj)
    expected = str(uuid.uuid5(NAMESPACE, f"{connection}\x1f{obj}\x1f{source_id}"))
    assert make(source_id) == expected
    assert make(source_id + "x") == str(uuid.uuid5(NAMESPACE, f"{connection}\x1f{obj}\x1f{source_id}x"))
    assert make(source_id) == expected  # the shared prefix hash is copied, never updated in place
