"""Per-object facts for HubSpot, as data: what each object maps to, how it is read and paged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from connectors.base import ObjectSpec, options_of
from connectors.errors import ConfigError


@dataclass(frozen=True, slots=True)
class HubSpotOptions:
    """What ``ObjectSpec.options`` holds for a HubSpot object (read through ``options_of``)."""

    api: Literal["objects", "owners"]  # the CRM objects API (list, search, batch), or the owners list
    # The property search filters on (contacts keep ``lastmodifieddate``; the rest ``hs_lastmodifieddate``); owners
    # have none: they are read whole.
    modified: str | None = None
    associations: tuple[str, ...] = ()  # types whose ids a mapping may ask for as ``associations.<type>``
    mergeable: bool = False  # HubSpot merges these; the survivor lists absorbed ids in ``hs_merged_object_ids``
    activity_type: str | None = None  # engagements: the canonical activity type their records are


def modified_property(spec: ObjectSpec) -> str:
    """The object's modified-time property; the owners list has none (it is read whole, never searched or written)."""
    modified = options_of(spec, HubSpotOptions).modified
    if modified is None:
        raise ConfigError(f"HubSpot {spec.name} has no modified-time property: it cannot be searched or written",
                          object=spec.name)
    return modified


def _crm_object(name: str, entity: str, modified: str, associations: tuple[str, ...], *, mergeable: bool = False,
                activity_type: str | None = None) -> ObjectSpec:
    return ObjectSpec(name, entity, "id", modified,
                      HubSpotOptions("objects", modified, associations, mergeable, activity_type))


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
)

LIST_PAGE = 100  # GET /crm/v3/objects/{type}: limit <= 100
SEARCH_PAGE = 200  # POST .../search: limit <= 200
SEARCH_CAP = 10_000  # results one search query can reach; we re-anchor on the id long before it
BATCH_WRITE = 100  # batch/update, batch/upsert: <= 100 inputs
ASSOC_BATCH = 1_000  # v4 associations batch read: <= 1,000 inputs
OWNERS_PAGE = 500
RECONCILE_HOURS = 24.0  # default period of the id reconciliation that finds purged (GDPR-deleted) records
