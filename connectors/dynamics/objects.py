"""Per-table facts for Dataverse, as data: entity set, logical name, canonical entity, primary key, cursor column.

Activities are read from the four concrete tables (phonecalls, emails, appointments, tasks), not ``activitypointers``:
each keeps its own columns (direction, phone number, location), each is written to directly (the pointer is read
only), and reading both would count every activity twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from connectors.base import ObjectSpec


@dataclass(frozen=True, slots=True)
class DynamicsOptions:
    """A table's own facts (``ObjectSpec.options``): its logical name (metadata is addressed by it, the Web API by
    the entity set) and, for the four activity tables, the canonical activity type its rows are."""

    logical: str
    activity_type: str | None = None


def _table(entity_set: str, logical: str, entity: str, activity_type: str | None = None) -> ObjectSpec:
    return ObjectSpec(entity_set, entity, f"{logical}id" if entity != "activity" else "activityid", "modifiedon",
                      DynamicsOptions(logical, activity_type))


OBJECTS: tuple[ObjectSpec, ...] = (
    _table("accounts", "account", "account"),
    _table("contacts", "contact", "contact"),
    _table("leads", "lead", "lead"),
    _table("opportunities", "opportunity", "opportunity"),
    _table("systemusers", "systemuser", "user"),
    _table("teams", "team", "team"),
    _table("campaigns", "campaign", "campaign"),
    _table("phonecalls", "phonecall", "activity", activity_type="call"),
    _table("emails", "email", "activity", activity_type="email_sent"),
    _table("appointments", "appointment", "activity", activity_type="meeting"),
    _table("tasks", "task", "activity", activity_type="task"),
    _table("products", "product", "product"),
    _table("opportunityproducts", "opportunityproduct", "line_item"),
)

API_PATH = "/api/data/v9.2/"
MAX_PAGE = 5_000  # Prefer: odata.maxpagesize <= 5,000
MAX_BATCH = 1_000  # requests in one $batch
MAX_CONCURRENCY = 52  # service protection: concurrent requests per user
FORMATTED = "OData.Community.Display.V1.FormattedValue"
LOOKUP_TARGET = "Microsoft.Dynamics.CRM.lookuplogicalname"
# Annotations every read asks for: choice labels and the target table of polymorphic lookups.
ANNOTATIONS = f'odata.include-annotations="{FORMATTED},{LOOKUP_TARGET}"'
LABEL_SUFFIX = "@label"  # a mapping reads the label of choice ``statuscode`` as ``statuscode@label``
