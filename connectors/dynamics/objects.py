"""Per-table facts for Dataverse, as data: entity set, logical name, canonical entity, primary key, cursor column.

Activities are read from the four concrete tables (phonecalls, emails, appointments, tasks), not ``activitypointers``:
each keeps its own columns (direction, phone number, location), each is written to directly (the pointer is read
only), and reading both would count every activity twice.

Tables without ``modifiedon`` (the ``opportunitycompetitors`` intersect table of an N:N relationship, the business
process flows' ``processstages``) have no cursor column: unless change tracking is enabled on them, each read is a
complete listing. Custom tables are named by their logical name (``new_qbr``: a publisher prefix, ``_``, a name);
every custom table has ``<logical name>id`` as its primary key and ``modifiedon``, so its spec needs no call, and
``check``/``discover`` verify the environment has it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from connectors.base import ObjectSpec


@dataclass(frozen=True, slots=True)
class DynamicsOptions:
    """A table's own facts (``ObjectSpec.options``): its logical name (metadata is addressed by it, the Web API by
    the entity set), for the four activity tables the canonical activity type its rows are, and whether it is a
    custom table a maker created (its entity set is looked up in its metadata)."""

    logical: str
    activity_type: str | None = None
    custom: bool = False


def _table(entity_set: str, logical: str, entity: str, activity_type: str | None = None, *,
           primary_key: str | None = None, cursor: str | None = "modifiedon") -> ObjectSpec:
    pk = primary_key or (f"{logical}id" if entity != "activity" else "activityid")
    return ObjectSpec(entity_set, entity, pk, cursor, DynamicsOptions(logical, activity_type))


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
    _table("incidents", "incident", "case"),
    _table("competitors", "competitor", "competitor"),
    _table("opportunitycompetitorscollection", "opportunitycompetitors", "opportunity_competitor",
           primary_key="opportunitycompetitorid", cursor=None),
    _table("territories", "territory", "territory"),
    _table("goals", "goal", "quota"),
    _table("contracts", "contract", "contract"),
    _table("quotes", "quote", "quote"),
    _table("processstages", "processstage", "pipeline_stage", cursor=None),
    # no canonical entity holds knowledge articles: unless a config maps them, they land in a typed raw table
    _table("knowledgearticles", "knowledgearticle", ""),
    # the org's currencies (exchange rates against the base currency) and its settings row (which names the base
    # currency): no canonical entity holds them either; analytics.kpi.currency reads their raw tables
    _table("transactioncurrencies", "transactioncurrency", ""),
    _table("organizations", "organization", ""),
)

# A custom table's logical name: its publisher's customization prefix (2-8 letters and digits), "_", its name.
CUSTOM_TABLE = re.compile(r"^[a-z][a-z0-9]{1,7}_[a-z0-9_]+$")


def is_custom_table(name: str) -> bool:
    return bool(CUSTOM_TABLE.match(name))


def custom_spec(logical: str, entity: str) -> ObjectSpec:
    """A custom table's spec: ``entity`` is the one its config mapping names (empty when none does)."""
    return ObjectSpec(logical, entity, f"{logical}id", "modifiedon", DynamicsOptions(logical, custom=True))


API_PATH = "/api/data/v9.2/"
MAX_PAGE = 5_000  # Prefer: odata.maxpagesize <= 5,000
MAX_BATCH = 1_000  # requests in one $batch
MAX_CONCURRENCY = 52  # service protection: concurrent requests per user
FORMATTED = "OData.Community.Display.V1.FormattedValue"
LOOKUP_TARGET = "Microsoft.Dynamics.CRM.lookuplogicalname"
# Annotations every read asks for: choice labels and the target table of polymorphic lookups.
ANNOTATIONS = f'odata.include-annotations="{FORMATTED},{LOOKUP_TARGET}"'
LABEL_SUFFIX = "@label"  # a mapping reads the label of choice ``statuscode`` as ``statuscode@label``
