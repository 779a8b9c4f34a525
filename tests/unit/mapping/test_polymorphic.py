"""Salesforce Task/Event WhoId/WhatId: polymorphic lookups mapped by the referenced id's key prefix."""

from __future__ import annotations

from typing import Any

import pytest

from mapping.apply import map_records
from mapping.canonical_ids import canonical_id
from mapping.spec import ObjectMapping, load_spec
from mapping.transforms import ref_source_id


@pytest.fixture(scope="module")
def specs() -> dict[str, ObjectMapping]:
    return load_spec("salesforce")


def _task(**values: Any) -> dict[str, Any]:
    return {"Id": "00T000000000001AAA", "TaskSubtype": "Call", "Subject": "Intro", "OwnerId": "005000000000001AAA",
            "CreatedDate": "2026-01-05T10:00:00.000+0000", "LastModifiedDate": "2026-01-05T10:00:00.000+0000",
            **values}


def test_ref_source_id_keeps_only_ids_of_the_named_object() -> None:
    assert ref_source_id("003000000000001AAA", "003") == "003000000000001AAA"
    assert ref_source_id("00Q000000000001AAA", "003") is None
    assert ref_source_id(" 006000000000001AAA ", None) == "006000000000001AAA"
    assert ref_source_id("", "003") is None
    assert ref_source_id(None, None) is None


@pytest.mark.parametrize("obj", ["Task", "Event"])
@pytest.mark.parametrize(
    ("who", "what", "expected"),
    [
        ("003000000000001AAA", "006000000000009AAA",
         {"contact_id": ("Contact", "003000000000001AAA"), "opportunity_id": ("Opportunity", "006000000000009AAA")}),
        ("00Q000000000002AAA", None, {"lead_id": ("Lead", "00Q000000000002AAA")}),
        (None, "701000000000003AAA", {"campaign_id": ("Campaign", "701000000000003AAA")}),
        (None, "001000000000004AAA", {}),  # an account: AccountId carries it, no other reference is set
    ],
)
def test_who_and_what_land_in_the_reference_their_prefix_names(
    specs: dict[str, ObjectMapping], obj: str, who: str | None, what: str | None,
    expected: dict[str, tuple[str, str]],
) -> None:
    record = _task(WhoId=who, WhatId=what, StartDateTime="2026-01-06T09:00:00.000+0000")
    result = map_records(specs[obj], [record], connection="sf", primary_key="Id")
    assert not result.rejects
    [row] = result.rows
    for target in ("contact_id", "lead_id", "opportunity_id", "campaign_id"):
        want = expected.get(target)
        assert row[target] == (canonical_id("sf", want[0], want[1]) if want else None), target
    assert "WhoId" not in row["custom"]
    assert row["custom"].get("WhatId") == what  # kept raw too: WhatId may point at objects with no canonical home
