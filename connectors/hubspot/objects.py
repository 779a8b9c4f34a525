"""Per-object facts for HubSpot, as data: what each object maps to, how it is read and paged."""

from __future__ import annotations

from connectors.base import ObjectSpec

# ``modified``: the property search filters on (contacts keep ``lastmodifieddate``; the rest ``hs_lastmodifieddate``).
# ``associations``: object types whose ids a mapping may ask for as ``associations.<type>`` (v4 batch read per page).
# ``mergeable``: HubSpot merges these; the survivor lists absorbed ids in ``hs_merged_object_ids``.
_ENGAGEMENT_ASSOC = ("contacts", "companies", "deals")

OBJECTS: tuple[ObjectSpec, ...] = (
    ObjectSpec("contacts", "contact", "id", "lastmodifieddate",
               {"api": "objects", "modified": "lastmodifieddate", "associations": ("companies",), "mergeable": True}),
    ObjectSpec("companies", "account", "id", "hs_lastmodifieddate",
               {"api": "objects", "modified": "hs_lastmodifieddate", "associations": (), "mergeable": True}),
    ObjectSpec("deals", "opportunity", "id", "hs_lastmodifieddate",
               {"api": "objects", "modified": "hs_lastmodifieddate", "associations": ("companies", "contacts"),
                "mergeable": True}),
    *(
        ObjectSpec(name, "activity", "id", "hs_lastmodifieddate",
                   {"api": "objects", "modified": "hs_lastmodifieddate", "associations": _ENGAGEMENT_ASSOC,
                    "mergeable": False, "activity_type": activity})
        for name, activity in (("calls", "call"), ("emails", "email_sent"), ("meetings", "meeting"),
                               ("notes", "note"), ("tasks", "task"))
    ),
    ObjectSpec("owners", "user", "id", "updatedAt", {"api": "owners", "mergeable": False}),
    ObjectSpec("products", "product", "id", "hs_lastmodifieddate",
               {"api": "objects", "modified": "hs_lastmodifieddate", "associations": (), "mergeable": False}),
    # A line item belongs to one deal (association); its product is the ``hs_product_id`` property.
    ObjectSpec("line_items", "line_item", "id", "hs_lastmodifieddate",
               {"api": "objects", "modified": "hs_lastmodifieddate", "associations": ("deals",), "mergeable": False}),
)

LIST_PAGE = 100  # GET /crm/v3/objects/{type}: limit <= 100
SEARCH_PAGE = 200  # POST .../search: limit <= 200
SEARCH_CAP = 10_000  # results one search query can reach; we re-anchor on the id long before it
BATCH_WRITE = 100  # batch/update, batch/upsert: <= 100 inputs
ASSOC_BATCH = 1_000  # v4 associations batch read: <= 1,000 inputs
OWNERS_PAGE = 500
RECONCILE_HOURS = 24.0  # default period of the id reconciliation that finds purged (GDPR-deleted) records
