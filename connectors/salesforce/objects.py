"""Per-object facts for Salesforce, as data: what each sObject maps to and how its deletes can be seen."""

from __future__ import annotations

from connectors.base import ObjectSpec

# ``deletes``: the object has IsDeleted, queryAll and ``sobjects/X/deleted`` (Users are deactivated, never deleted).
# ``mergeable``: Salesforce merges these; the losers keep ``MasterRecordId`` in the Recycle Bin.
# ``prefix``: the Id key prefix (documentation, and a check on ids a person typed).
OBJECTS: tuple[ObjectSpec, ...] = (
    ObjectSpec("Account", "account", "Id", "SystemModstamp", {"prefix": "001", "deletes": True, "mergeable": True}),
    ObjectSpec("Contact", "contact", "Id", "SystemModstamp", {"prefix": "003", "deletes": True, "mergeable": True}),
    ObjectSpec("Lead", "lead", "Id", "SystemModstamp", {"prefix": "00Q", "deletes": True, "mergeable": True}),
    ObjectSpec("Opportunity", "opportunity", "Id", "SystemModstamp", {"prefix": "006", "deletes": True}),
    # Append-only history: rows never change, SystemModstamp equals CreatedDate; they go with their Opportunity.
    ObjectSpec("OpportunityHistory", "opportunity_stage", "Id", "SystemModstamp", {"prefix": "008", "deletes": True}),
    ObjectSpec("Task", "activity", "Id", "SystemModstamp", {"prefix": "00T", "deletes": True}),
    ObjectSpec("Event", "activity", "Id", "SystemModstamp", {"prefix": "00U", "deletes": True}),
    ObjectSpec("User", "user", "Id", "SystemModstamp", {"prefix": "005", "deletes": False}),
    ObjectSpec("Campaign", "campaign", "Id", "SystemModstamp", {"prefix": "701", "deletes": True}),
    ObjectSpec("CampaignMember", "campaign_member", "Id", "SystemModstamp", {"prefix": "00v", "deletes": True}),
    ObjectSpec("Product2", "product", "Id", "SystemModstamp", {"prefix": "01t", "deletes": True}),
    # Line items go with their Opportunity (cascade delete) and carry no owner.
    ObjectSpec("OpportunityLineItem", "line_item", "Id", "SystemModstamp", {"prefix": "00k", "deletes": True}),
)

CURSOR_FIELD = "SystemModstamp"  # moves on every save, system ones included (LastModifiedDate does not)
COLLECTION_MAX = 200  # sObject Collections: <= 200 records a call
# sobjects/X/deleted returns results for no more than 15 days before the call (less after a Recycle Bin purge): a
# window starting further back is an Id reconciliation instead. The margin covers our clock against Salesforce's and
# the minute ``deleted_since`` widens the range by.
DELETED_REACH_DAYS = 15
DELETED_MARGIN_MINUTES = 60
URL_LIMIT = 16_384  # URI bytes Salesforce accepts (URI + headers alike): wider SOQL goes through Bulk 2.0
URL_HEADROOM = 1_024  # left for the headers that count against the same limit
