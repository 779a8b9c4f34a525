"""The standard HubSpot objects this sandbox serves, with their properties (names, types and options as in HubSpot)."""

from __future__ import annotations

from sandbox.hubspot import catalog_products, catalog_service, enums
from sandbox.hubspot.owners import Owner
from sandbox.hubspot.pipelines import Pipelines
from sandbox.hubspot.schema import ObjectSchema, Option, PropertyDef
from sandbox.hubspot.types import ObjectTypes, TypeEntry

# (name, singular, objectTypeId) of the standard objects served
STANDARD = (("contacts", "contact", "0-1"), ("companies", "company", "0-2"), ("deals", "deal", "0-3"),
            ("calls", "call", "0-48"), ("emails", "email", "0-49"), ("meetings", "meeting", "0-47"),
            ("notes", "note", "0-46"), ("tasks", "task", "0-27"), ("products", "product", "0-7"),
            ("line_items", "line_item", "0-8"), ("tickets", "ticket", "0-5"), ("quotes", "quote", "0-14"),
            ("goal_targets", "goal_target", "0-74"), ("feedback_submissions", "feedback_submission", "0-19"))
OBJECT_TYPES = tuple(name for name, _, _ in STANDARD)
ENGAGEMENTS = ("calls", "emails", "meetings", "notes", "tasks")
TYPE_IDS = {name: type_id for name, _, type_id in STANDARD}
SINGULAR = {name: singular for name, singular, _ in STANDARD}
# Created on 2019-04-01: HubSpot's own properties predate every portal's data.
STANDARD_CREATED_MS = 1_554_076_800_000


def _options(values: tuple[str, ...], labels: dict[str, str] | None = None) -> tuple[Option, ...]:
    return tuple(Option((labels or {}).get(v, enums.label_of(v)), v, i) for i, v in enumerate(values))


def text(name: str, label: str, group: str, field_type: str = "text") -> PropertyDef:
    return PropertyDef(name, label, "string", field_type, group, created_ms=STANDARD_CREATED_MS)


def number(name: str, label: str, group: str, *, read_only: bool = False) -> PropertyDef:
    return PropertyDef(name, label, "number", "number", group, read_only=read_only, calculated=read_only,
                       created_ms=STANDARD_CREATED_MS)


def datetime_prop(name: str, label: str, group: str, kind: str = "column") -> PropertyDef:
    read_only = kind != "column"
    return PropertyDef(name, label, "datetime", "date", group, kind=kind, read_only=read_only,
                       created_ms=STANDARD_CREATED_MS)


def analytics_time(name: str, label: str) -> PropertyDef:
    """A datetime HubSpot's web analytics calculates: read-only, set by tracking, not by the API."""
    return PropertyDef(name, label, "datetime", "date", "analyticsinformation", read_only=True, calculated=True,
                       created_ms=STANDARD_CREATED_MS)


def enum(name: str, label: str, group: str, options: tuple[Option, ...], field_type: str = "select",
         *, read_only: bool = False) -> PropertyDef:
    return PropertyDef(name, label, "enumeration", field_type, group, options=options, read_only=read_only,
                       created_ms=STANDARD_CREATED_MS)


def _system(group: str, modified_names: tuple[str, ...]) -> list[PropertyDef]:
    props = [
        datetime_prop("createdate", "Create Date", group, "created"),
        PropertyDef("hs_object_id", "Record ID", "number", "number", group, kind="id", read_only=True,
                    created_ms=STANDARD_CREATED_MS),
    ]
    labels = {"lastmodifieddate": "Last Modified Date", "hs_lastmodifieddate": "Object last modified date/time"}
    props += [datetime_prop(n, labels[n], group, "modified") for n in modified_names]
    return props


def _owner_prop(label: str, group: str, owners: list[Owner]) -> PropertyDef:
    options = tuple(Option(f"{o.first_name} {o.last_name}", o.id, i) for i, o in enumerate(owners) if not o.archived)
    prop = enum("hubspot_owner_id", label, group, options)
    prop.referenced_type = "OWNER"
    return prop


def _merged_ids(label: str, group: str) -> PropertyDef:
    return enum("hs_merged_object_ids", label, group, (), "checkbox", read_only=True)


def _contacts(owners: list[Owner]) -> ObjectSchema:
    g = "contactinformation"
    schema = ObjectSchema(
        name="contacts", singular="contact", type_id="0-1", assoc_name="contact",
        defaults=("createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"),
        always=("createdate", "hs_object_id", "lastmodifieddate"), link_targets=("companies",), required=(),
        groups=((g, "Contact information"), ("analyticsinformation", "Web analytics history"),
                ("conversioninformation", "Conversion information")),
        unique_lookup=("email",),
    )
    stages = _options(enums.LIFECYCLE_STAGES, {"marketingqualifiedlead": "Marketing Qualified Lead",
                                               "salesqualifiedlead": "Sales Qualified Lead"})
    for prop in (
        text("email", "Email", g), text("firstname", "First Name", g), text("lastname", "Last Name", g),
        text("phone", "Phone Number", g, "phonenumber"), text("jobtitle", "Job Title", g),
        text("company", "Company Name", g), enum("lifecyclestage", "Lifecycle Stage", g, stages, "radio"),
        enum("hs_lead_status", "Lead Status", g, _options(enums.LEAD_STATUSES), "radio"),
        text("country", "Country/Region", g), text("city", "City", g),
        _owner_prop("Contact owner", g, owners),
        number("associatedcompanyid", "Primary Associated Company ID", g),
        enum("hs_analytics_source", "Original Source", "analyticsinformation",
             _options(enums.ANALYTICS_SOURCES), read_only=True),
        _merged_ids("Merged Contact IDs", g),
        number("num_contacted_notes", "Number of times contacted", g, read_only=True),
        number("hs_analytics_num_visits", "Number of Sessions", "analyticsinformation", read_only=True),
        number("hs_analytics_num_page_views", "Number of Pageviews", "analyticsinformation", read_only=True),
        number("hs_analytics_average_page_views", "Average Pageviews", "analyticsinformation", read_only=True),
        analytics_time("hs_analytics_first_visit_timestamp", "Time First Seen"),
        analytics_time("hs_analytics_last_visit_timestamp", "Time Last Seen"),
        number("num_conversion_events", "Number of Form Submissions", "conversioninformation", read_only=True),
        analytics_time("recent_conversion_date", "Recent Conversion Date"),
        PropertyDef("recent_conversion_event_name", "Recent Conversion", "string", "text", "conversioninformation",
                    read_only=True, calculated=True, created_ms=STANDARD_CREATED_MS),
        *_system(g, ("lastmodifieddate", "hs_lastmodifieddate")),
    ):
        schema.add(prop)
    return schema


def _companies(owners: list[Owner]) -> ObjectSchema:
    g = "companyinformation"
    schema = ObjectSchema(
        name="companies", singular="company", type_id="0-2", assoc_name="company",
        defaults=("createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"),
        always=("createdate", "hs_lastmodifieddate", "hs_object_id"), link_targets=(), required=(),
        groups=((g, "Company information"),), unique_lookup=(),
    )
    for prop in (
        text("name", "Company name", g), text("domain", "Company Domain Name", g),
        enum("industry", "Industry", g, _options(enums.INDUSTRIES)),
        number("numberofemployees", "Number of Employees", g), number("annualrevenue", "Annual Revenue", g),
        text("country", "Country/Region", g), text("city", "City", g), text("phone", "Phone Number", g, "phonenumber"),
        _owner_prop("Company owner", g, owners),
        enum("lifecyclestage", "Lifecycle Stage", g, _options(enums.LIFECYCLE_STAGES), "radio"),
        _merged_ids("Merged Company IDs", g),
        *_system(g, ("hs_lastmodifieddate",)),
        # Account-based marketing: a key account's tier, and whether it is a target account.
        enum("hs_ideal_customer_profile", "Ideal Customer Profile Tier", g,
             tuple(Option(label, value, i) for i, (value, label) in enumerate(enums.ICP_TIERS))),
        PropertyDef("hs_is_target_account", "Target Account", "bool", "booleancheckbox", g,
                    options=(Option("Yes", "true", 0), Option("No", "false", 1)), created_ms=STANDARD_CREATED_MS),
    ):
        schema.add(prop)
    return schema


def _deals(owners: list[Owner], pipelines: Pipelines) -> ObjectSchema:
    g = "dealinformation"
    schema = ObjectSchema(
        name="deals", singular="deal", type_id="0-3", assoc_name="deal",
        defaults=("amount", "closedate", "createdate", "dealname", "dealstage", "hs_lastmodifieddate",
                  "hs_object_id", "pipeline"),
        always=("createdate", "hs_lastmodifieddate", "hs_object_id"), link_targets=("companies", "contacts"),
        required=(), groups=((g, "Deal information"),), unique_lookup=(), stages=pipelines.facts,
    )
    bools = (Option("True", "true", 0), Option("False", "false", 1))
    forecast = tuple(Option(label, value, i) for i, (value, label) in enumerate(enums.FORECAST_CATEGORIES))
    for prop in (
        text("dealname", "Deal Name", g), number("amount", "Amount", g),
        enum("dealstage", "Deal Stage", g, pipelines.stage_options("deals"), "radio"),
        enum("pipeline", "Pipeline", g, pipelines.pipeline_options("deals")),
        datetime_prop("closedate", "Close Date", g), _owner_prop("Deal owner", g, owners),
        PropertyDef("hs_is_closed", "Is Deal Closed?", "bool", "booleancheckbox", g, options=bools, kind="closed",
                    read_only=True, calculated=True, created_ms=STANDARD_CREATED_MS),
        PropertyDef("hs_is_closed_won", "Is Closed Won", "bool", "booleancheckbox", g, options=bools, kind="won",
                    read_only=True, calculated=True, created_ms=STANDARD_CREATED_MS),
        enum("deal_currency_code", "Currency", g, _options(enums.CURRENCIES, {c: c for c in enums.CURRENCIES})),
        _merged_ids("Merged Deal IDs", g),
        *_system(g, ("hs_lastmodifieddate",)),
        text("closed_lost_reason", "Closed Lost Reason", g, "textarea"),
        text("closed_won_reason", "Closed Won Reason", g, "textarea"),
        enum("hs_manual_forecast_category", "Forecast category", g, forecast),
        # The category forecasts use: the one a rep set, else the stage's (schema.ObjectSchema._forecast).
        PropertyDef("hs_forecast_category", "Forecast category (calculated)", "enumeration", "select", g,
                    options=forecast, kind="forecast", read_only=True, calculated=True,
                    created_ms=STANDARD_CREATED_MS),
    ):
        schema.add(prop)
    return schema


def _engagement_own(name: str, g: str) -> list[PropertyDef]:
    if name == "calls":
        return [text("hs_call_title", "Call Title", g), text("hs_call_body", "Call notes", g, "html"),
                enum("hs_call_direction", "Call direction", g, _options(enums.CALL_DIRECTIONS)),
                number("hs_call_duration", "Call duration (ms)", g),
                enum("hs_call_status", "Call status", g, _options(enums.CALL_STATUSES)),
                enum("hs_call_disposition", "Call outcome", g,
                     tuple(Option(label, value, i) for i, (value, label) in enumerate(enums.CALL_DISPOSITIONS)))]
    if name == "emails":
        return [text("hs_email_subject", "Email subject", g),
                enum("hs_email_direction", "Email direction", g, _options(enums.EMAIL_DIRECTIONS))]
    if name == "meetings":
        return [text("hs_meeting_title", "Meeting name", g),
                datetime_prop("hs_meeting_start_time", "Meeting start time", g),
                datetime_prop("hs_meeting_end_time", "Meeting end time", g),
                enum("hs_meeting_outcome", "Meeting outcome", g, _options(enums.MEETING_OUTCOMES))]
    if name == "notes":
        return [text("hs_note_body", "Note body", g, "html")]
    return [text("hs_task_subject", "Task title", g),
            enum("hs_task_status", "Task status", g, _options(enums.TASK_STATUSES)),
            enum("hs_task_priority", "Priority", g, _options(enums.TASK_PRIORITIES)),
            enum("hs_task_type", "Task type", g, _options(enums.TASK_TYPES))]


def _engagement(name: str, owners: list[Owner]) -> ObjectSchema:
    singular = SINGULAR[name]
    g = f"{singular}information"
    schema = ObjectSchema(
        name=name, singular=singular, type_id=TYPE_IDS[name],
        assoc_name="meeting_event" if name == "meetings" else singular,
        defaults=("createdate", "hs_createdate", "hs_lastmodifieddate", "hs_object_id"),
        always=("createdate", "hs_createdate", "hs_lastmodifieddate", "hs_object_id"),
        link_targets=("contacts", "companies", "deals"), required=("hs_timestamp",),
        groups=((g, f"{singular.title()} information"),), unique_lookup=(),
    )
    for prop in (
        datetime_prop("hs_timestamp", "Activity date", g), _owner_prop("Activity assigned to", g, owners),
        *_engagement_own(name, g), *_system(g, ("hs_lastmodifieddate",)),
        datetime_prop("hs_createdate", "HubSpot create date", g, "created"),
    ):
        schema.add(prop)
    return schema


def standard_schemas(owners: list[Owner], pipelines: Pipelines) -> dict[str, ObjectSchema]:
    schemas = {"contacts": _contacts(owners), "companies": _companies(owners), "deals": _deals(owners, pipelines)}
    schemas.update({name: _engagement(name, owners) for name in ENGAGEMENTS})
    schemas.update({"products": catalog_products.products(), "line_items": catalog_products.line_items()})
    schemas.update(catalog_service.schemas(owners, pipelines))
    return schemas


def standard_types() -> ObjectTypes:
    """``contacts``, ``contact``, ``CONTACT`` or ``0-1`` → ``contacts`` (custom objects are added as created)."""
    types = ObjectTypes()
    for name, singular, type_id in STANDARD:
        types.add(TypeEntry(name, singular, type_id), (singular,))
    return types
