"""mapping/spec.py and specs/hubspot.yaml: parsing, errors naming their place, overrides, unknown fields."""

from __future__ import annotations

from typing import Any

import pytest

from mapping.apply import map_records
from mapping.canonical_ids import canonical_id
from mapping.model import ENTITIES
from mapping.spec import (
    FieldRule,
    MappingError,
    ObjectMapping,
    load_spec,
    parse_object,
    unknown_fields,
    with_overrides,
)
from mapping.transforms import TRANSFORMS

WHERE = "mapping/specs/test.yaml:objects.contacts"


def _contacts(**fields: Any) -> ObjectMapping:
    return parse_object("contacts", {"entity": "contact", "fields": fields}, where=WHERE)


def _rule(om: ObjectMapping, target: str) -> FieldRule:
    return next(r for r in om.rules if r.target == target)


def apply_rule(rule: FieldRule, record: dict[str, Any]) -> Any:
    """The value ``rule`` gives ``record``'s field, through the transform a sync applies."""
    return TRANSFORMS[rule.transform](record[str(rule.source)], rule.args, record)


@pytest.fixture(scope="module")
def hubspot() -> dict[str, ObjectMapping]:
    return load_spec("hubspot")


# --- the shipped HubSpot spec ---
def test_hubspot_spec_parses_every_object(hubspot: dict[str, ObjectMapping]) -> None:
    assert set(hubspot) == {
        "contacts",
        "companies",
        "deals",
        "calls",
        "emails",
        "meetings",
        "notes",
        "tasks",
        "owners",
        "products",
        "line_items",
        "tickets",
        "quotes",
        "goal_targets",
        "feedback_submissions",
        "deal_stages",
        "deal_contact_roles",
    }
    for name, om in hubspot.items():
        assert om.object == name
        assert om.entity in ENTITIES
        for rule in om.rules:
            assert rule.target in ENTITIES[om.entity], (name, rule.target)
            assert rule.transform == "ref" or rule.transform in TRANSFORMS, (name, rule)


def test_hubspot_contacts_rules(hubspot: dict[str, ObjectMapping]) -> None:
    contacts = hubspot["contacts"]
    assert contacts.entity == "contact"
    assert _rule(contacts, "first_name") == FieldRule("first_name", "firstname", "string", {})
    assert _rule(contacts, "email").transform == "email"
    assert _rule(contacts, "phone") == FieldRule("phone", "phone", "phone", {"region_from": "country"})
    assert _rule(contacts, "account_id") == FieldRule(
        "account_id", "associatedcompanyid", "ref", {"object": "companies"}
    )
    assert _rule(contacts, "created_at").transform == "datetime"  # the default of a datetime field
    assert contacts.custom == (
        ("hs_lead_status", "hs_lead_status"),
        ("hs_analytics_num_visits", "web_visits"),  # kept under the key lead scoring reads
        ("hs_analytics_average_page_views", "page_views_per_visit"),
        ("hs_analytics_num_page_views", "hs_analytics_num_page_views"),
        ("hs_analytics_last_visit_timestamp", "hs_analytics_last_visit_timestamp"),
        ("num_conversion_events", "num_conversion_events"),
        ("recent_conversion_event_name", "recent_conversion_event_name"),
    )


def test_hubspot_yaml_anchors_and_constants(hubspot: dict[str, ObjectMapping]) -> None:
    calls, notes = hubspot["calls"], hubspot["notes"]
    assert _rule(calls, "type") == FieldRule("type", None, "const", {"value": "call"})
    assert _rule(notes, "type").args == {"value": "note"}  # the merged key overrides the anchor's
    assert _rule(notes, "direction") == FieldRule("direction", None, "const", {"value": None})
    assert _rule(notes, "occurred_at").source == "hs_timestamp"  # inherited from the &engagement anchor
    assert _rule(hubspot["companies"], "domain").args == {"lower": True}
    assert _rule(hubspot["owners"], "active") == FieldRule("active", "archived", "not", {})


def test_source_fields_lists_exactly_what_is_read(hubspot: dict[str, ObjectMapping]) -> None:
    assert hubspot["contacts"].source_fields() == sorted(
        [
            "firstname",
            "lastname",
            "email",
            "phone",
            "country",
            "jobtitle",
            "associatedcompanyid",
            "hubspot_owner_id",
            "city",
            "lifecyclestage",
            "hs_analytics_source",
            "createdate",
            "lastmodifieddate",
            "hs_lead_status",
            # web-analytics roll-ups kept in custom (two under the keys lead scoring reads)
            "hs_analytics_num_visits",
            "hs_analytics_average_page_views",
            "hs_analytics_num_page_views",
            "hs_analytics_last_visit_timestamp",
            "num_conversion_events",
            "recent_conversion_event_name",
        ]
    )


def test_source_fields_includes_region_from_and_custom_but_not_constants() -> None:
    om = parse_object(
        "things",
        {
            "entity": "contact",
            "custom": ["tier"],
            "fields": {
                "phone": {"from": "mobile", "transform": "phone", "region_from": "land"},
                "lead_source": {"const": "web"},
            },
        },
        where=WHERE,
    )
    assert om.source_fields() == ["land", "mobile", "tier"]


# --- errors name their place ---
def test_unknown_canonical_field_names_the_place_and_the_fields() -> None:
    with pytest.raises(
        MappingError,
        match=rf"^{WHERE}\.fields: 'nickname' is not a field of canonical contact; "
        r"fields: first_name, last_name",
    ):
        _contacts(nickname="nick")


def test_unknown_transform_names_the_place() -> None:
    with pytest.raises(
        MappingError, match=rf"^{WHERE}\.fields\.email: unknown transform 'emale'; known: string"
    ):
        _contacts(email={"from": "email", "transform": "emale"})


def test_reference_without_ref_names_the_place() -> None:
    with pytest.raises(
        MappingError, match=rf"^{WHERE}\.fields\.account_id: a reference needs 'ref: <object>'"
    ):
        _contacts(account_id="associatedcompanyid")


def test_missing_from_names_the_place() -> None:
    with pytest.raises(MappingError, match=rf"^{WHERE}\.fields\.email: 'from' \(the CRM field\) is required"):
        _contacts(email={"transform": "email"})


def test_a_list_is_not_a_field_rule() -> None:
    with pytest.raises(MappingError, match=rf"^{WHERE}\.fields\.email: expected a CRM field name"):
        _contacts(email=["email"])


def test_unknown_entity_names_the_place() -> None:
    with pytest.raises(
        MappingError, match=rf"^{WHERE}\.entity: expected one of account, contact.*got 'person'"
    ):
        parse_object("contacts", {"entity": "person", "fields": {}}, where=WHERE)


def test_load_spec_of_an_unknown_kind_fails() -> None:
    with pytest.raises(FileNotFoundError):
        load_spec("no_such_crm")


# --- admin overrides ---
@pytest.fixture
def base() -> ObjectMapping:
    return parse_object(
        "contacts",
        {
            "entity": "contact",
            "custom": ["hs_lead_status"],
            "fields": {
                "first_name": "firstname",
                "email": {"from": "email", "transform": "email"},
                "city": "city",
                "account_id": {"from": "associatedcompanyid", "ref": "companies"},
            },
        },
        where=WHERE,
    )


def test_no_overrides_is_the_same_mapping(base: ObjectMapping) -> None:
    assert with_overrides(base, None, connection="hs") is base
    assert with_overrides(base, {}, connection="hs") is base


def test_override_maps_a_crm_field_to_a_canonical_field(base: ObjectMapping) -> None:
    om = with_overrides(base, {"fields": {"jobtitle_custom": "title", "city_name": "city"}}, connection="hs")
    assert _rule(om, "title") == FieldRule("title", "jobtitle_custom", "string", {})
    assert _rule(om, "city").source == "city_name"  # replaced, not duplicated
    assert [r.target for r in om.rules].count("city") == 1
    assert "city" not in om.source_fields()
    assert _rule(om, "email") == _rule(base, "email")  # untouched rules stay as they were


def test_override_maps_a_crm_field_into_custom(base: ObjectMapping) -> None:
    om = with_overrides(base, {"fields": {"favourite_colour__c": "custom.colour"}}, connection="hs")
    assert set(om.custom) == {("hs_lead_status", "hs_lead_status"), ("favourite_colour__c", "colour")}
    assert "favourite_colour__c" in om.source_fields()
    assert om.rules == base.rules


def test_override_to_an_unknown_canonical_field_names_the_connection(base: ObjectMapping) -> None:
    with pytest.raises(
        MappingError, match=r"^connections\.hs\.mapping\.contacts\.fields: 'nickname' is not a field"
    ):
        with_overrides(base, {"fields": {"nick": "nickname"}}, connection="hs")


def test_override_exclude_by_canonical_or_crm_name(base: ObjectMapping) -> None:
    om = with_overrides(base, {"exclude": ["city", "email", "hs_lead_status"]}, connection="hs")
    assert {r.target for r in om.rules} == {"first_name", "account_id"}
    assert om.custom == ()
    om = with_overrides(base, {"exclude": ["firstname"]}, connection="hs")  # by the CRM field's name
    assert "first_name" not in {r.target for r in om.rules}


def test_override_transform(base: ObjectMapping) -> None:
    om = with_overrides(base, {"transforms": {"city": "country"}}, connection="hs")
    assert _rule(om, "city") == FieldRule("city", "city", "country", {})
    assert _rule(om, "first_name").transform == "string"


def test_override_unknown_transform_fails(base: ObjectMapping) -> None:
    with pytest.raises(
        MappingError,
        match=r"^connections\.hs\.mapping\.contacts\.transforms\.city: unknown "
        r"transform 'town'",
    ):
        with_overrides(base, {"transforms": {"city": "town"}}, connection="hs")


def test_override_transform_on_an_unmapped_field_fails(base: ObjectMapping) -> None:
    with pytest.raises(MappingError, match=r"transforms\.zip: no mapped field reads 'zip'"):
        with_overrides(base, {"transforms": {"zip": "string"}}, connection="hs")


def test_override_transform_on_an_excluded_field_fails(base: ObjectMapping) -> None:
    with pytest.raises(MappingError, match="no mapped field reads 'city'"):
        with_overrides(base, {"exclude": ["city"], "transforms": {"city": "string"}}, connection="hs")


def test_a_value_map_turns_a_text_field_into_a_map_keeping_other_values(base: ObjectMapping) -> None:
    om = with_overrides(base, {"values": {"city": {"Paris": "PAR"}}}, connection="hs")
    assert _rule(om, "city") == FieldRule("city", "city", "map", {"values": {"Paris": "PAR"}, "default": "$same"})
    assert apply_rule(_rule(om, "city"), {"city": " Paris "}) == "PAR"
    assert apply_rule(_rule(om, "city"), {"city": "Lyon "}) == "Lyon"  # kept, trimmed as text is
    assert _rule(om, "first_name") == _rule(base, "first_name")


def test_a_value_map_extends_a_shipped_map_and_keeps_its_default() -> None:
    om = parse_object("accounts", {"entity": "account", "fields": {
        "tier": {"from": "category", "transform": "map", "values": {"1": "key", "2": "standard"}, "default": None}}},
        where=WHERE)
    om = with_overrides(om, {"values": {"category": {"2": "strategic", "3": "key"}}}, connection="dyn")
    assert _rule(om, "tier").args == {"values": {"1": "key", "2": "strategic", "3": "key"}, "default": None}
    assert apply_rule(_rule(om, "tier"), {"category": "9"}) is None


def test_a_value_map_on_a_typed_or_unmapped_field_fails(base: ObjectMapping) -> None:
    with pytest.raises(MappingError, match=r"contacts\.values\.email: a value map applies to a field mapped as text "
                                           r"or by values; email is mapped onto email with the email transform"):
        with_overrides(base, {"values": {"email": {"a": "b"}}}, connection="hs")
    with pytest.raises(MappingError, match=r"values\.zip: no mapped field reads 'zip'"):
        with_overrides(base, {"values": {"zip": {"a": "b"}}}, connection="hs")


def test_overrides_leave_the_base_mapping_alone(base: ObjectMapping) -> None:
    before = (base.rules, base.custom)
    with_overrides(base, {"fields": {"x": "title", "y": "custom.y"}, "exclude": ["city"]}, connection="hs")
    assert (base.rules, base.custom) == before


# --- unknown fields ---
def test_unknown_fields_suggests_close_names() -> None:
    om = _contacts(first_name="fristname", email="email")
    assert unknown_fields(om, ["firstname", "email", "phone"]) == [("fristname", ["firstname"])]
    om = _contacts(first_name="fristname", last_name="lastname")
    hits = unknown_fields(om, ["firstname", "lastname", "email"])
    assert hits == [("fristname", ["firstname", "lastname"])]  # the closest first


def test_unknown_fields_without_a_close_name() -> None:
    om = _contacts(first_name="zzzz", last_name="lastname")
    assert unknown_fields(om, ["firstname", "lastname"]) == [("zzzz", [])]


def test_unknown_fields_accepts_derived_and_association_fields() -> None:
    om = parse_object(
        "deals",
        {
            "entity": "opportunity",
            "fields": {
                "name": "id",
                "account_id": {"from": "associations.companies", "ref": "companies"},
            },
        },
        where=WHERE,
    )
    assert unknown_fields(om, ["dealname"], derived=["id"]) == []
    assert unknown_fields(om, ["dealname"]) == [("id", [])]


def test_hubspot_contacts_have_no_unknown_fields_against_their_own_sources(
    hubspot: dict[str, ObjectMapping],
) -> None:
    contacts = hubspot["contacts"]
    assert unknown_fields(contacts, contacts.source_fields()) == []
    missing = [f for f in contacts.source_fields() if f != "jobtitle"]
    assert [name for name, _ in unknown_fields(contacts, missing)] == ["jobtitle"]



def test_hubspot_units_and_codes_reach_the_canonical_model(hubspot: dict[str, ObjectMapping]) -> None:
    """HubSpot keeps call durations in milliseconds, stage probabilities as 0.0-1.0, call outcomes as ids, forecast
    categories in capitals and ticket statuses as stage ids: the spec turns each into what the canonical model
    holds, and an id it does not know (a portal's own outcome or stage) is kept as it is."""
    def row(obj: str, record: dict[str, Any]) -> dict[str, Any]:
        result = map_records(hubspot[obj], [{"id": "1", **record}], connection="hs")
        assert not result.rejects, result.rejects
        return result.rows[0]

    call = row("calls", {"hs_call_duration": "90000", "hs_call_disposition": "f240bbac-87c9-4f6e-bf70-924b57d47db7"})
    assert call["duration_minutes"] == 1.5 and call["outcome"] == "connected"
    assert row("calls", {"hs_call_disposition": "0f1e2d3c-custom"})["outcome"] == "0f1e2d3c-custom"
    assert row("meetings", {"hs_meeting_outcome": "NO_SHOW"})["outcome"] == "no_show"
    deal = row("deals", {"hs_forecast_category": "BEST_CASE", "closed_lost_reason": "Price too high"})
    assert deal["forecast_category"] == "best_case" and deal["loss_reason"] == "Price too high"
    stage = row("deal_stages", {"probability": "0.2", "isClosed": "false", "isWon": "false", "displayOrder": 0})
    assert stage["probability"] == 20.0 and stage["stage"] == "1" and stage["is_closed"] is False
    assert row("tickets", {"hs_pipeline_stage": "4"})["status"] == "closed"
    assert row("tickets", {"hs_pipeline_stage": "4"})["is_closed"] is True
    assert row("tickets", {"hs_pipeline_stage": "2"})["is_closed"] is False
    quota = row("goal_targets", {"hs_assignee_user_id": "9000138", "hs_assignee_user_id.owner_id": "52001",
                                 "hs_start_datetime": "2025-01-01T00:00:00.000Z",
                                 "hs_end_datetime": "2025-03-31T23:59:59.999Z"})
    assert quota["owner_id"] == canonical_id("hs", "owners", "52001")  # the assignee's owner, not the user id
    assert (quota["period_start"].isoformat(), quota["period_end"].isoformat()) == ("2025-01-01", "2025-03-31")
    role = row("deal_contact_roles", {"deal_id": "92", "contact_id": "101", "labels": "Decision maker"})
    assert role["opportunity_id"] == canonical_id("hs", "deals", "92") and role["role"] == "Decision maker"
