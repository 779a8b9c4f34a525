"""Per-object facts for Marketo, as data: what each object maps to, and the API's hard limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from connectors.base import ObjectSpec

Api = Literal["leads", "activities", "programs", "program_members", "companies", "files", "custom"]


@dataclass(frozen=True, slots=True)
class MarketoOptions:
    """An object's own facts (``ObjectSpec.options``): which reader and which endpoints serve it."""

    api: Api

# ``leads``: Marketo's person. First load through REST (small instances) or Bulk Extract, then ``leadchanges``
# (which sees custom-field changes that never move ``updatedAt``), Change Score activities and ``deletedleads``.
# ``activities``: one object for every activity type, keyed by ``marketoGUID`` (the integer ``id`` is absent or
# repeated on instances migrated to the Activity Service); its canonical ``type`` comes from ``activityTypeId``.
# ``programs``: Marketo programs (Asset API), read by ``updatedAt`` windows. ``program_members``: every program's
# members, read whole each run (membership changes never move a program's ``updatedAt``), ids "programId:leadId".
# ``companies``: Marketo keeps no company record; a company is the rollup of the live leads sharing a company key.
# ``files``: Design Studio files (Asset API), listed whole each read (connectors/marketo/files.py). No canonical
# entity holds them (the entity is ""): unmapped, they land in a typed raw table, e.g. for the CONTENT object model.
# Custom objects (``api`` "custom", connectors/marketo/custom.py) are named in the config by their API name.
OBJECTS: tuple[ObjectSpec, ...] = (
    ObjectSpec("leads", "lead", "id", "updatedAt", MarketoOptions("leads")),
    ObjectSpec("activities", "activity", "marketoGUID", "activityDate", MarketoOptions("activities")),
    ObjectSpec("programs", "campaign", "id", "updatedAt", MarketoOptions("programs")),
    ObjectSpec("program_members", "campaign_member", "id", None, MarketoOptions("program_members")),
    ObjectSpec("companies", "account", "id", None, MarketoOptions("companies")),
    ObjectSpec("files", "", "id", "updatedAt", MarketoOptions("files")),
)
# What Marketo deletes with a lead, silently: tombstoned in the store by their lead link (connectors.base.Cascade).
LEAD_DEPENDENTS = (("activities", "activity", "lead_id"), ("program_members", "campaign_member", "lead_id"))
# Derived lead fields the connector computes; they are never asked of Marketo.
COMPANY_KEY = "companyKey"
COMPANY_FIELDS = ("company", "website", "industry", "numberOfEmployees", "annualRevenue", "country", "city",
                  "billingCountry", "billingCity", "mainPhone", "sfdcAccountId")
RECONCILE_HOURS = 24  # a complete id listing (leads, programs) at most this often: purges the feeds never report
MAX_RETURN = 200  # Asset API pages (programs.json maxReturn)

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
