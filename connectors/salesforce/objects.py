"""Per-object facts for Salesforce, as data: what each sObject maps to and how its deletes can be seen."""

from __future__ import annotations

from dataclasses import dataclass

from connectors.base import ObjectSpec

CURSOR_FIELD = "SystemModstamp"  # moves on every save, system ones included (LastModifiedDate does not)


@dataclass(frozen=True, slots=True)
class SalesforceOptions:
    """What ``ObjectSpec.options`` holds for a Salesforce sObject (read through ``options_of``)."""

    prefix: str  # the Id key prefix (documentation, and a check on ids a person typed)
    # The object has IsDeleted, queryAll and ``sobjects/X/deleted`` (Users are deactivated, never deleted).
    deletes: bool
    mergeable: bool = False  # Salesforce merges these; the losers keep ``MasterRecordId`` in the Recycle Bin


def _sobject(name: str, entity: str, prefix: str, *, deletes: bool = True, mergeable: bool = False) -> ObjectSpec:
    return ObjectSpec(name, entity, "Id", CURSOR_FIELD, SalesforceOptions(prefix, deletes, mergeable))


OBJECTS: tuple[ObjectSpec, ...] = (
    _sobject("Account", "account", "001", mergeable=True),
    _sobject("Contact", "contact", "003", mergeable=True),
    _sobject("Lead", "lead", "00Q", mergeable=True),
    _sobject("Opportunity", "opportunity", "006"),
    # Append-only history: rows never change, SystemModstamp equals CreatedDate; they go with their Opportunity.
    _sobject("OpportunityHistory", "opportunity_stage", "008"),
    _sobject("Task", "activity", "00T"),
    _sobject("Event", "activity", "00U"),
    _sobject("User", "user", "005", deletes=False),
    _sobject("Campaign", "campaign", "701"),
    _sobject("CampaignMember", "campaign_member", "00v"),
    _sobject("Product2", "product", "01t"),
    # Line items go with their Opportunity (cascade delete) and carry no owner.
    _sobject("OpportunityLineItem", "line_item", "00k"),
)

COLLECTION_MAX = 200  # sObject Collections: <= 200 records a call
# sobjects/X/deleted returns results for no more than 15 days before the call (less after a Recycle Bin purge): a
# window starting further back is an Id reconciliation instead. The margin covers our clock against Salesforce's and
# the minute ``deleted_since`` widens the range by.
DELETED_REACH_DAYS = 15
DELETED_MARGIN_MINUTES = 60
URL_LIMIT = 16_384  # URI bytes Salesforce accepts (URI + headers alike): wider SOQL goes through Bulk 2.0
URL_HEADROOM = 1_024  # left for the headers that count against the same limit
