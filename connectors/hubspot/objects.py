"""Per-object facts for HubSpot, as data: what each object maps to, how it is read and paged.

Custom objects are named as HubSpot's API names them — objectTypeId (``2-4815162``), fully qualified name
(``p24681357_channel_partner``) or ``p_channel_partner`` (never the bare name, which HubSpot no longer accepts) —
and read like every CRM object: their spec is built from the name (``custom_spec``); ``check`` and ``discover`` ask
the schemas API whether the portal has them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from connectors.base import Cascade, ObjectSpec, options_of
from connectors.errors import ConfigError

# A deal's contact roles go with the deal or the contact (HubSpot drops their associations silently).
ROLE_CASCADES = {
    "deals": (Cascade("deal_contact_roles", "opportunity_contact_role", "opportunity_id"),),
    "contacts": (Cascade("deal_contact_roles", "opportunity_contact_role", "contact_id"),),
}
_CUSTOM_NAME = re.compile(r"^(2-\d+|p\d*_[A-Za-z][A-Za-z0-9_]*)$")


@dataclass(frozen=True, slots=True)
class HubSpotOptions:
    """What ``ObjectSpec.options`` holds for a HubSpot object (read through ``options_of``)."""

    # The CRM objects API (list, search, batch); the owners list; a pipelines listing (its stages are the records);
    # or association labels between two objects (the pairs are the records), read through the first one's changes.
    api: Literal["objects", "owners", "pipelines", "roles"]
    # The property search filters on (contacts keep ``lastmodifieddate``; the rest ``hs_lastmodifieddate``); owners,
    # pipelines and roles have none of their own.
    modified: str | None = None
    associations: tuple[str, ...] = ()  # types whose ids a mapping may ask for as ``associations.<type>``
    mergeable: bool = False  # HubSpot merges these; the survivor lists absorbed ids in ``hs_merged_object_ids``
    activity_type: str | None = None  # engagements: the canonical activity type their records are
    # Properties holding a HubSpot *user* id (not an owner id): the reader adds ``<property>.owner_id``, the owner
    # whose ``userId`` it is, so a mapping can refer to the user as the owners stream does.
    user_fields: tuple[str, ...] = ()
    pair: tuple[str, str] | None = None  # pipelines: (object type, ""); roles: (from type, to type)
    cascades: tuple[Cascade, ...] = ()  # dependents HubSpot deletes with these records
    custom: bool = False  # an admin's custom object: its properties are the portal's, from the schemas API


def modified_property(spec: ObjectSpec) -> str:
    """The object's modified-time property; owners, pipelines and roles have none (never searched or written)."""
    modified = options_of(spec, HubSpotOptions).modified
    if modified is None:
        raise ConfigError(f"HubSpot {spec.name} has no modified-time property: it cannot be searched or written",
                          object=spec.name)
    return modified


def is_custom_object(name: str) -> bool:
    """A name HubSpot's API takes for a custom object: ``2-123``, ``p24681357_thing`` or ``p_thing``."""
    return bool(_CUSTOM_NAME.match(name))


def custom_spec(name: str, entity: str) -> ObjectSpec:
    """Every custom object has ``hs_lastmodifieddate``, search, archived lists and v4 associations: its spec needs no
    call. Its entity is the one its config mapping names (empty until one does)."""
    return ObjectSpec(name, entity, "id", "hs_lastmodifieddate",
                      HubSpotOptions("objects", "hs_lastmodifieddate", custom=True))


def _crm_object(name: str, entity: str, modified: str, associations: tuple[str, ...], *, mergeable: bool = False,
                activity_type: str | None = None, user_fields: tuple[str, ...] = ()) -> ObjectSpec:
    return ObjectSpec(name, entity, "id", modified,
                      HubSpotOptions("objects", modified, associations, mergeable, activity_type, user_fields,
                                     cascades=ROLE_CASCADES.get(name, ())))


_ENGAGEMENT_ASSOC = ("contacts", "companies", "deals")

OBJECTS: tuple[ObjectSpec, ...] = (
    _crm_object("contacts", "contact", "lastmodifieddate", ("companies",), mergeable=True),
    _crm_object("companies", "account", "hs_lastmodifieddate", (), mergeable=True),
    _crm_object("deals", "opportunity", "hs_lastmodifieddate", ("companies", "contacts"), mergeable=True),
    *(
        _crm_object(name, "activity", "hs_lastmodifieddate", _ENGAGEMENT_ASSOC, activity_type=activity)
        for name, activity in (("calls", "call"), ("emails", "email_sent"), ("meetings", "meeting"),
                               ("notes", "note"), ("tasks", "task"))
    ),
    ObjectSpec("owners", "user", "id", "updatedAt", HubSpotOptions("owners")),
    _crm_object("products", "product", "hs_lastmodifieddate", ()),
    # A line item belongs to one deal (association); its product is the ``hs_product_id`` property.
    _crm_object("line_items", "line_item", "hs_lastmodifieddate", ("deals",)),
    _crm_object("tickets", "case", "hs_lastmodifieddate", ("contacts", "companies")),
    _crm_object("quotes", "quote", "hs_lastmodifieddate", ("deals", "companies", "contacts")),
    # Read-only through the API; assigned by HubSpot user id.
    _crm_object("goal_targets", "quota", "hs_lastmodifieddate", (), user_fields=("hs_assignee_user_id",)),
    _crm_object("feedback_submissions", "feedback", "hs_lastmodifieddate", ("contacts", "companies")),
    # Stage definitions: a listing with no cursor, read whole every time; a stage gone from it is a delete.
    ObjectSpec("deal_stages", "pipeline_stage", "id", None, HubSpotOptions("pipelines", pair=("deals", ""))),
    # A deal's contacts and their roles (USER_DEFINED association labels): read as deals change.
    ObjectSpec("deal_contact_roles", "opportunity_contact_role", "id", None,
               HubSpotOptions("roles", pair=("deals", "contacts"))),
)

LIST_PAGE = 100  # GET /crm/v3/objects/{type}: limit <= 100
SEARCH_PAGE = 200  # POST .../search: limit <= 200
SEARCH_CAP = 10_000  # results one search query can reach; we re-anchor on the id long before it
BATCH_WRITE = 100  # batch/update, batch/upsert: <= 100 inputs
ASSOC_BATCH = 1_000  # v4 associations batch read: <= 1,000 inputs
OWNERS_PAGE = 500
RECONCILE_HOURS = 24.0  # default period of the id reconciliation that finds purged (GDPR-deleted) records
