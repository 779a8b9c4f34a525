"""mapping/raw_types.py and mapping/raw.py: every CRM's native types have a store type, and the identity mapping of a
raw table coerces each field to its column's type or rejects the record with a reason a person can act on."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import get_args

from config.models.settings_parts import RawColumnType
from mapping.apply import map_records
from mapping.raw import COERCE, ColumnRule, column_type, raw_mapping, table_of, time_fields
from mapping.raw_types import COMPOUND_TYPES, CREATED_FIELDS, MODIFIED_FIELDS, NATIVE_TYPES, STORE_TYPES
from mapping.spec import ObjectMapping

# The type names the brief and each API's reference name, which must all be covered.
DOCUMENTED = {
    "salesforce": {"id", "string", "textarea", "picklist", "multipicklist", "email", "phone", "url", "reference",
                   "boolean", "int", "double", "currency", "percent", "date", "datetime", "combobox", "long",
                   "time", "base64", "address", "location", "encryptedstring", "anyType", "complexvalue", "json"},
    "hubspot": {"string", "number", "bool", "date", "datetime", "enumeration", "phone_number"},
    "dynamics": {"String", "Memo", "Integer", "BigInt", "Decimal", "Double", "Money", "Boolean", "DateTime", "Lookup",
                 "Owner", "Customer", "Picklist", "State", "Status", "Uniqueidentifier", "EntityName", "PartyList",
                 "Virtual", "CalendarRules", "ManagedProperty"},
    "marketo": {"string", "text", "email", "phone", "url", "integer", "float", "currency", "boolean", "date",
                "datetime", "reference", "link"},
}


def test_every_documented_native_type_has_a_store_type() -> None:
    assert set(NATIVE_TYPES) == set(DOCUMENTED) == set(CREATED_FIELDS) == set(MODIFIED_FIELDS)
    for kind, names in DOCUMENTED.items():
        assert names <= set(NATIVE_TYPES[kind]), (kind, names - set(NATIVE_TYPES[kind]))
        assert set(NATIVE_TYPES[kind].values()) <= set(STORE_TYPES), kind
    for kind, compound in COMPOUND_TYPES.items():  # read only when listed: as JSON text then
        assert {NATIVE_TYPES[kind][name] for name in compound} == {"text"}


def test_the_store_types_are_one_list_everywhere() -> None:
    assert set(COERCE) == set(STORE_TYPES) == set(get_args(RawColumnType))


def test_an_unknown_type_is_text_and_an_override_wins() -> None:
    assert column_type("dynamics", "Money") == ("number", True)
    assert column_type("salesforce", "floatarray") == ("text", False)
    assert column_type("salesforce", "double", "text") == ("text", True)


def test_the_time_fields_prefer_the_cursor_field() -> None:
    assert time_fields("salesforce", ["CreatedDate", "LastModifiedDate", "SystemModstamp"], "SystemModstamp") == (
        "CreatedDate", "SystemModstamp")
    assert time_fields("salesforce", ["LastModifiedDate"], "SystemModstamp") == (None, "LastModifiedDate")
    assert time_fields("marketo", ["createdAt", "updatedAt", "marketoGUID"], None) == ("createdAt", "updatedAt")
    assert time_fields("fake", ["x"], None) == (None, None)


def _mapping() -> ObjectMapping:
    return raw_mapping("new_qbr", "raw_dyn__new_qbr", [
        ColumnRule("new_name", "new_name", "string", "String"),
        ColumnRule("new_rating", "new_rating", "integer", "Picklist"),
        ColumnRule("new_score", "new_score", "number", "Decimal"),
        ColumnRule("new_heldon", "new_heldon", "datetime", "DateTime"),
        ColumnRule("new_closed", "new_closed", "boolean", "Boolean"),
    ], created="createdon", modified="modifiedon")


def test_the_identity_mapping_types_each_column() -> None:
    om = _mapping()
    assert table_of(om.entity) == "raw_dyn__new_qbr" and table_of("user") == "crm_user"
    record = {"new_qbrid": "q1", "new_name": "Q1 review", "new_rating": 100000001, "new_score": "7.5",
              "new_heldon": "2024-03-01", "new_closed": "true", "createdon": "2024-01-01T08:00:00Z",
              "modifiedon": "2024-02-01T08:00:00Z"}
    [row] = map_records(om, [record], connection="dyn", primary_key="new_qbrid").rows
    assert "custom" not in row  # a raw table has a column per field, no custom JSON
    assert row == {**row, "source_id": "q1", "new_name": "Q1 review", "new_rating": 100000001, "new_score": 7.5,
                   "new_heldon": datetime(2024, 3, 1, tzinfo=UTC), "new_closed": True,
                   "created_at": datetime(2024, 1, 1, 8, tzinfo=UTC), "updated_at": datetime(2024, 2, 1, 8, tzinfo=UTC)}


def test_a_value_that_does_not_fit_names_record_field_and_type() -> None:
    result = map_records(_mapping(), [{"new_qbrid": "q2", "new_name": "x" * 256, "new_rating": "high"}],
                         connection="dyn", primary_key="new_qbrid")
    [reject] = result.rejects
    assert reject.source_id == "q2" and result.rows == []
    assert [(r["field"], r["expected_type"]) for r in reject.reasons] == [("new_name", "string"),
                                                                           ("new_rating", "integer")]
    assert reject.reasons[1]["message"] == ("record q2, field new_rating: expected a whole number, got 'high'; "
                                            "column new_rating holds integer (CRM type Picklist)")
    assert "expected text of at most 255 characters (got 256)" in reject.reasons[0]["message"]
