"""The standard HubSpot objects this sandbox serves, with their properties (names, types and options as in HubSpot)."""

from __future__ import annotations

from sandbox.hubspot import catalog_products, enums
from sandbox.hubspot.owners import Owner
from sandbox.hubspot.schema import ObjectSchema, Option, PropertyDef

OBJECT_TYPES = ("contacts", "companies", "deals", "calls", "emails", "meetings", "notes", "tasks", "products",
                "line_items")
ENGAGEMENTS = ("calls", "emails", "meetings", "notes", "tasks")
TYPE_IDS = {"contacts": "0-1", "companies": "0-2", "deals": "0-3", "calls": "0-48", "emails": "0-49",
            "meetings": "0-47", "notes": "0-46", "tasks": "0-27", "products": "0-7", "line_items": "0-8"}
SINGULAR = {"contacts": "contact", "companies": "company", "deals": "deal", "calls": "call", "emails": "email",
            "meetings": "meeting", "notes": "note", "tasks": "task", "products": "product", "line_items": "line_item"}
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
    ):
        schema.add(prop)
    return schema


def _deals(owners: list[Owner]) -> ObjectSchema:
    g = "dealinformation"
    schema = ObjectSchema(
        name="deals", singular="deal", type_id="0-3", assoc_name="deal",
        defaults=("amount", "closedate", "createdate", "dealname", "dealstage", "hs_lastmodifieddate",
                  "hs_object_id", "pipeline"),
        always=("createdate", "hs_lastmodifieddate", "hs_object_id"), link_targets=("companies", "contacts"),
        required=(), groups=((g, "Deal information"),), unique_lookup=(),
    )
    stages = tuple(Option(label, sid, i) for i, (sid, label, _) in enumerate(enums.DEAL_STAGES))
    bools = (Option("True", "true", 0), Option("False", "false", 1))
    for prop in (
        text("dealname", "Deal Name", g), number("amount", "Amount", g),
        enum("dealstage", "Deal Stage", g, stages, "radio"),
        enum("pipeline", "Pipeline", g, (Option(enums.PIPELINE_LABEL, enums.PIPELINE_ID, 0),)),
        datetime_prop("closedate", "Close Date", g), _owner_prop("Deal owner", g, owners),
        PropertyDef("hs_is_closed", "Is Deal Closed?", "bool", "booleancheckbox", g, options=bools, kind="closed",
                    read_only=True, calculated=True, created_ms=STANDARD_CREATED_MS),
        PropertyDef("hs_is_closed_won", "Is Closed Won", "bool", "booleancheckbox", g, options=bools, kind="won",
                    read_only=True, calculated=True, created_ms=STANDARD_CREATED_MS),
        enum("deal_currency_code", "Currency", g, _options(enums.CURRENCIES, {c: c for c in enums.CURRENCIES})),
        _merged_ids("Merged Deal IDs", g),
        *_system(g, ("hs_lastmodifieddate",)),
    ):
        schema.add(prop)
    return schema


def _engagement_own(name: str, g: str) -> list[PropertyDef]:
    if name == "calls":
        return [text("hs_call_title", "Call Title", g), text("hs_call_body", "Call notes", g, "html"),
                enum("hs_call_direction", "Call direction", g, _options(enums.CALL_DIRECTIONS)),
                number("hs_call_duration", "Call duration (ms)", g),
                enum("hs_call_status", "Call status", g, _options(enums.CALL_STATUSES))]
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


def standard_schemas(owners: list[Owner]) -> dict[str, ObjectSchema]:
    schemas = {"contacts": _contacts(owners), "companies": _companies(owners), "deals": _deals(owners)}
    schemas.update({name: _engagement(name, owners) for name in ENGAGEMENTS})
    schemas.update({"products": catalog_products.products(), "line_items": catalog_products.line_items()})
    return schemas


def resolve_type(raw: str) -> str | None:
    """``contacts``, ``contact``, ``CONTACT`` or ``0-1`` → ``contacts``; None when HubSpot could not infer it."""
    lowered = raw.strip().lower()
    for name in OBJECT_TYPES:
        if lowered in (name, SINGULAR[name], TYPE_IDS[name]):
            return name
    return None
