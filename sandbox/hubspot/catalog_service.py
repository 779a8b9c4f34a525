"""Tickets (0-5), quotes (0-14), goal targets (0-74) and feedback submissions (0-19), as HubSpot defines them.

- A ticket sits in a pipeline stage (``hs_pipeline_stage``: ``1``-``4`` of pipeline ``0``); ``closed_date`` is when it
  was closed. Its company association has a "Primary" label, like a contact's.
- A quote belongs to a deal; ``hs_quote_amount`` and ``hs_quote_number`` are HubSpot's (read-only).
- Goal targets and feedback submissions are read-only through the API (HubSpot's goals and survey-responses APIs
  read, never write); a goal target's assignee is a HubSpot *user* id (an owner's ``userId``), not an owner id.
  Their create date is ``hs_createdate`` (they have no ``createdate``).
"""

from __future__ import annotations

from sandbox.hubspot import catalog as base  # attributes read at call time: catalog imports this module
from sandbox.hubspot import enums
from sandbox.hubspot.owners import Owner
from sandbox.hubspot.pipelines import Pipelines
from sandbox.hubspot.schema import ObjectSchema, PropertyDef


def tickets(owners: list[Owner], pipelines: Pipelines) -> ObjectSchema:
    g = "ticketinformation"
    schema = ObjectSchema(
        name="tickets", singular="ticket", type_id="0-5", assoc_name="ticket",
        defaults=("content", "createdate", "hs_lastmodifieddate", "hs_object_id", "hs_pipeline",
                  "hs_pipeline_stage", "hs_ticket_category", "hs_ticket_priority", "subject"),
        always=("createdate", "hs_lastmodifieddate", "hs_object_id"), link_targets=("contacts", "companies"),
        required=("subject", "hs_pipeline_stage"), groups=((g, "Ticket information"),), unique_lookup=(),
    )
    for prop in (
        base.text("subject", "Ticket name", g), base.text("content", "Ticket description", g, "textarea"),
        base.enum("hs_pipeline", "Pipeline", g, pipelines.pipeline_options("tickets")),
        base.enum("hs_pipeline_stage", "Ticket status", g, pipelines.stage_options("tickets")),
        base.enum("hs_ticket_priority", "Priority", g, base._options(enums.TICKET_PRIORITIES)),
        base.enum("hs_ticket_category", "Category", g, base._options(enums.TICKET_CATEGORIES)),
        base.enum("source_type", "Source", g, base._options(enums.TICKET_SOURCES)),
        base._owner_prop("Ticket owner", g, owners),
        base.datetime_prop("closed_date", "Close date", g),
        *base._system(g, ("hs_lastmodifieddate",)),
    ):
        schema.add(prop)
    return schema


def quotes(owners: list[Owner]) -> ObjectSchema:
    g = "quoteinformation"
    schema = ObjectSchema(
        name="quotes", singular="quote", type_id="0-14", assoc_name="quote",
        defaults=("hs_createdate", "hs_expiration_date", "hs_lastmodifieddate", "hs_object_id", "hs_public_url_key",
                  "hs_status", "hs_title"),
        always=("createdate", "hs_lastmodifieddate", "hs_object_id"), link_targets=("deals", "companies", "contacts"),
        required=("hs_title", "hs_expiration_date"), groups=((g, "Quote information"),), unique_lookup=(),
    )
    currencies = base._options(enums.CURRENCIES, {c: c for c in enums.CURRENCIES})
    for prop in (
        base.text("hs_title", "Quote name", g),
        base.enum("hs_status", "Quote approval status", g, base._options(enums.QUOTE_STATUSES)),
        PropertyDef("hs_expiration_date", "Quote expiration date", "date", "date", g,
                    created_ms=base.STANDARD_CREATED_MS),
        base.number("hs_quote_amount", "Quote amount", g, read_only=True),
        PropertyDef("hs_quote_number", "Quote number", "string", "text", g, read_only=True, calculated=True,
                    created_ms=base.STANDARD_CREATED_MS),
        base.text("hs_public_url_key", "Public URL key", g),
        base.enum("hs_currency", "Currency", g, currencies),
        base.enum("hs_sign_status", "Signature status", g, base._options(enums.SIGN_STATUSES)),
        base.text("hs_terms", "Terms", g, "textarea"),
        base._owner_prop("Quote owner", g, owners),
        *base._system(g, ("hs_lastmodifieddate",)),
        base.datetime_prop("hs_createdate", "Quote create date", g, "created"),
    ):
        schema.add(prop)
    return schema


def goal_targets() -> ObjectSchema:
    g = "goal_target_information"
    schema = ObjectSchema(
        name="goal_targets", singular="goal_target", type_id="0-74", assoc_name="goal_target",
        defaults=("hs_createdate", "hs_lastmodifieddate", "hs_object_id"),
        always=("hs_createdate", "hs_lastmodifieddate", "hs_object_id"), link_targets=(),
        required=("hs_goal_name",), groups=((g, "Goal target information"),), unique_lookup=(),
        read_only_object=True,
    )
    for prop in (
        base.text("hs_goal_name", "Goal name", g), base.number("hs_target_amount", "Target amount", g),
        base.datetime_prop("hs_start_datetime", "Start date", g), base.datetime_prop("hs_end_datetime", "End date", g),
        base.number("hs_assignee_user_id", "Assignee user ID", g),
        base.number("hs_assignee_team_id", "Assignee team ID", g),
        base.number("hs_created_by_user_id", "Created by user ID", g),
        *_system(g),
    ):
        schema.add(prop)
    return schema


def feedback_submissions() -> ObjectSchema:
    g = "feedback_submission_information"
    schema = ObjectSchema(
        name="feedback_submissions", singular="feedback_submission", type_id="0-19",
        assoc_name="feedback_submission", defaults=("hs_createdate", "hs_lastmodifieddate", "hs_object_id"),
        always=("hs_createdate", "hs_lastmodifieddate", "hs_object_id"), link_targets=("contacts", "companies"),
        required=(), groups=((g, "Feedback submission information"),), unique_lookup=(), read_only_object=True,
    )
    for prop in (
        base.text("hs_survey_id", "Survey id", g), base.text("hs_survey_name", "Survey name", g),
        base.enum("hs_survey_type", "Survey type", g, base._options(enums.SURVEY_TYPES)),
        base.enum("hs_survey_channel", "Survey channel", g, base._options(enums.SURVEY_CHANNELS)),
        base.text("hs_submission_name", "Submission name", g),
        base.number("hs_value", "Response value", g),
        base.enum("hs_response_group", "Response group", g, base._options(enums.RESPONSE_GROUPS)),
        base.text("hs_content", "Response", g, "textarea"),
        base.datetime_prop("hs_submission_timestamp", "Submitted at", g),
        *_system(g),
    ):
        schema.add(prop)
    return schema


def _system(group: str) -> list[PropertyDef]:
    """What objects without ``createdate`` carry: ``hs_createdate``, ``hs_object_id``, ``hs_lastmodifieddate``."""
    return [base.datetime_prop("hs_createdate", "Create date", group, "created"),
            PropertyDef("hs_object_id", "Record ID", "number", "number", group, kind="id", read_only=True,
                        created_ms=base.STANDARD_CREATED_MS),
            base.datetime_prop("hs_lastmodifieddate", "Last modified date", group, "modified")]


def schemas(owners: list[Owner], pipelines: Pipelines) -> dict[str, ObjectSchema]:
    return {"tickets": tickets(owners, pipelines), "quotes": quotes(owners), "goal_targets": goal_targets(),
            "feedback_submissions": feedback_submissions()}
