"""mapping/apply.py: native records to canonical rows: deterministic ids, refs, custom JSON, rejects."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from mapping.apply import map_records
from mapping.canonical_ids import NAMESPACE, canonical_id
from mapping.spec import MappingError, ObjectMapping, load_spec, parse_object


@pytest.fixture(scope="module")
def contacts() -> ObjectMapping:
    return load_spec("hubspot")["contacts"]


def _record(source_id: str = "101", **overrides: Any) -> dict[str, Any]:
    record = {
        "id": source_id,
        "firstname": "Ada",
        "lastname": "Lovelace",
        "email": " Ada@Example.com ",
        "phone": "030 1234567",
        "country": "Germany",
        "jobtitle": "CTO",
        "associatedcompanyid": "9001",
        "hubspot_owner_id": "77",
        "city": "Berlin",
        "lifecyclestage": "lead",
        "hs_analytics_source": "DIRECT",
        "createdate": "2024-03-10T12:00:00+02:00",
        "lastmodifieddate": "1710072000000",
        "hs_lead_status": "NEW",
        "not_mapped": "ignored",
    }
    return {**record, **overrides}


def test_canonical_id_is_a_deterministic_uuid5() -> None:
    first = canonical_id("hs", "contacts", "101")
    assert first == canonical_id("hs", "contacts", "101")
    assert first == str(uuid.uuid5(NAMESPACE, "hs\x1fcontacts\x1f101"))
    assert uuid.UUID(first).version == 5
    assert (
        len(
            {
                first,
                canonical_id("hs2", "contacts", "101"),
                canonical_id("hs", "companies", "101"),
                canonical_id("hs", "contacts", "102"),
            }
        )
        == 4
    )


def test_a_good_record_maps_to_a_typed_canonical_row(contacts: ObjectMapping) -> None:
    result = map_records(contacts, [_record()], connection="hs")
    assert result.rejects == []
    assert result.rows == [
        {
            "id": canonical_id("hs", "contacts", "101"),
            "source_connection": "hs",
            "source_object": "contacts",
            "source_id": "101",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@example.com",
            "phone": "+49301234567",
            "title": "CTO",
            "account_id": canonical_id("hs", "companies", "9001"),
            "owner_id": canonical_id("hs", "owners", "77"),
            "country": "DE",
            "city": "Berlin",
            "lifecycle_stage": "lead",
            "lead_source": "DIRECT",
            "created_at": datetime(2024, 3, 10, 10, 0, tzinfo=UTC),
            "updated_at": datetime(2024, 3, 10, 12, 0, tzinfo=UTC),
            "custom": {"hs_lead_status": "NEW"},
        }
    ]


def test_ids_are_the_same_on_every_run_and_refs_match_the_referenced_rows_id(contacts: ObjectMapping) -> None:
    once = map_records(contacts, [_record()], connection="hs").rows[0]
    again = map_records(contacts, [_record()], connection="hs").rows[0]
    assert once["id"] == again["id"]
    companies = load_spec("hubspot")["companies"]
    company = map_records(companies, [{"id": "9001", "name": "Analytical Engines"}], connection="hs").rows[0]
    assert once["account_id"] == company["id"]


def test_an_integer_primary_key_and_a_custom_primary_key(contacts: ObjectMapping) -> None:
    rows = map_records(contacts, [_record(id=101)], connection="hs").rows
    assert rows[0]["source_id"] == "101"
    assert rows[0]["id"] == canonical_id("hs", "contacts", "101")
    om = parse_object("leads", {"entity": "lead", "fields": {"last_name": "lastName"}}, where="t")
    rows = map_records(om, [{"leadId": 5, "lastName": "Byron"}], connection="mk", primary_key="leadId").rows
    assert rows[0]["source_id"] == "5"


def test_empty_refs_and_blank_values_are_none(contacts: ObjectMapping) -> None:
    row = map_records(
        contacts,
        [_record(associatedcompanyid="", hubspot_owner_id=None, phone="  ", city="")],
        connection="hs",
    ).rows[0]
    assert (row["account_id"], row["owner_id"], row["phone"], row["city"]) == (None, None, None, None)


def test_a_missing_field_reads_as_none(contacts: ObjectMapping) -> None:
    record = _record()
    del record["jobtitle"], record["hs_lead_status"]
    row = map_records(contacts, [record], connection="hs").rows[0]
    assert row["title"] is None
    assert row["custom"] == {}


def test_custom_json_keeps_only_values_that_are_there() -> None:
    om = parse_object(
        "contacts",
        {"entity": "contact", "custom": ["tier", "score", "empty", "flag"], "fields": {"last_name": "ln"}},
        where="t",
    )
    row = map_records(
        om, [{"id": "1", "ln": "X", "tier": "gold", "score": 0, "empty": "", "flag": False}], connection="hs"
    ).rows[0]
    assert row["custom"] == {"tier": "gold", "score": 0, "flag": False}


def test_a_custom_entry_can_keep_a_field_under_another_key() -> None:
    om = parse_object("contacts", {"entity": "contact", "custom": ["tier", {"web_visits": "hs_analytics_num_visits"}],
                                   "fields": {"last_name": "ln"}}, where="t")
    assert "hs_analytics_num_visits" in om.source_fields()
    row = map_records(om, [{"id": "1", "ln": "X", "tier": "gold", "hs_analytics_num_visits": "12"}],
                      connection="hs").rows[0]
    assert row["custom"] == {"tier": "gold", "web_visits": "12"}
    with pytest.raises(MappingError, match=r"t.custom: expected a CRM field name or one \{key: crm_field\} pair"):
        parse_object("contacts", {"entity": "contact", "custom": [{"a": "x", "b": "y"}]}, where="t")


def test_hubspot_contacts_map_their_web_analytics_to_the_scoring_roll_ups() -> None:
    contacts = load_spec("hubspot")["contacts"]
    row = map_records(contacts, [_record(hs_analytics_num_visits="7", hs_analytics_average_page_views="2.5")],
                      connection="hs").rows[0]
    assert (row["custom"]["web_visits"], row["custom"]["page_views_per_visit"]) == ("7", "2.5")


def test_a_bad_value_rejects_only_its_record(contacts: ObjectMapping) -> None:
    records = [_record("1"), _record("2", createdate="n/a"), _record("3")]
    result = map_records(contacts, records, connection="hs")
    assert [r["source_id"] for r in result.rows] == ["1", "3"]
    assert len(result.rejects) == 1
    reject = result.rejects[0]
    assert reject.source_id == "2"
    assert reject.record is records[1]  # the native record, untouched, for quarantine
    assert reject.reasons == [
        {
            "field": "created_at",
            "source_field": "createdate",
            "rule": "transform:datetime",
            "message": "createdate: expected an ISO-8601 date-time with a UTC offset, got 'n/a'",
            "value": "n/a",
        }
    ]


def test_every_bad_field_of_a_record_is_a_reason(contacts: ObjectMapping) -> None:
    result = map_records(
        contacts,
        [_record(country="Atlantis", phone="call me", createdate="2024-03-10T12:00")],
        connection="hs",
    )
    assert result.rows == []
    reasons = {r["field"]: r for r in result.rejects[0].reasons}
    assert set(reasons) == {"country", "phone", "created_at"}
    assert reasons["country"]["rule"] == "transform:country"
    assert reasons["phone"]["rule"] == "transform:phone"
    assert "assume_utc" in reasons["created_at"]["message"]
    assert all({"field", "rule", "message", "value"} <= set(r) for r in reasons.values())


def test_a_reject_value_is_json_friendly() -> None:
    om = parse_object("contacts", {"entity": "contact", "fields": {"created_at": "c"}}, where="t")
    odd = datetime(2024, 1, 1, 12, 0)  # naive: refused, and not JSON as such
    reasons = map_records(om, [{"id": "1", "c": odd}], connection="hs").rejects[0].reasons
    assert reasons[0]["value"] == str(odd)


def test_a_whitespace_reference_is_no_reference(contacts: ObjectMapping) -> None:
    row = map_records(contacts, [_record(associatedcompanyid="  ")], connection="hs").rows[0]
    assert row["account_id"] is None


def test_an_infinite_integer_rejects_its_record_and_spares_the_others() -> None:
    companies = load_spec("hubspot")["companies"]
    result = map_records(
        companies,
        [
            {"id": "1", "name": "A", "numberofemployees": "Infinity"},
            {"id": "2", "name": "B", "numberofemployees": "12"},
        ],
        connection="hs",
    )
    assert [r["source_id"] for r in result.rows] == ["2"]
    assert [r.source_id for r in result.rejects] == ["1"]


def test_no_records_no_rows(contacts: ObjectMapping) -> None:
    result = map_records(contacts, [], connection="hs")
    assert (result.rows, result.rejects) == ([], [])
