"""Per-object facts for Marketo, as data: what each object maps to, and the API's hard limits."""

from __future__ import annotations

from connectors.base import ObjectSpec

# ``leads``: Marketo's person. First load through REST (small instances) or Bulk Extract, then ``leadchanges``
# (which sees custom-field changes that never move ``updatedAt``), Change Score activities and ``deletedleads``.
# ``activities``: one object for every activity type; its canonical ``type`` comes from ``activityTypeId``.
OBJECTS: tuple[ObjectSpec, ...] = (
    ObjectSpec("leads", "lead", "id", "updatedAt", {"api": "leads"}),
    ObjectSpec("activities", "activity", "id", "activityDate", {"api": "activities"}),
)

BATCH = 300  # batchSize, filterValues, Sync Leads input: <= 300
MAX_TYPE_IDS = 10  # activities.json: <= 10 activityTypeIds a call
WINDOW_DAYS = 31  # bulk export filters span <= 31 days
MAX_GET_URI = 7_000  # Marketo answers 414 above 8 KB: longer GETs go as POST ?_method=GET with a form body
CHANGE_SCORE = 22  # a score change is an activity of its own, never a leadchanges item
# Lead fields the API always answers with or that the reader itself needs.
LEAD_ENVELOPE = ("id", "createdAt", "updatedAt")
# Activity fields as the connector flattens them; attributes arrive as ``attr.<name>``.
ACTIVITY_FIELDS = ("id", "marketoGUID", "leadId", "activityDate", "activityTypeId", "activityTypeName",
                   "campaignId", "primaryAttributeValueId", "primaryAttributeValue", "url")
