"""Per-object facts for Salesforce, as data: what each sObject maps to and how its deletes can be seen."""

from __future__ import annotations

from dataclasses import dataclass

from connectors.base import ObjectSpec

CURSOR_FIELD = "SystemModstamp"  # moves on every save, system ones included (LastModifiedDate does not)


@dataclass(frozen=True, slots=True)
class SalesforceOptions:
    """What ``ObjectSpec.options`` holds for a Salesforce sObject (read through ``options_of``).

    How deletes can be seen differs per object, as Salesforce's object reference lists it: most objects have
    IsDeleted (``queryAll`` returns Recycle Bin rows) and are replicateable (``sobjects/X/deleted``); ForecastingQuota
    has no IsDeleted but a delete log; OpportunityStage, Territory2 and UserTerritory2Association have neither, so
    their deletes show only as an Id missing from a listing, which every read of them takes.
    """

    prefix: str  # the Id key prefix (documentation, and a check on ids a person typed); "" for custom objects
    deletes: bool  # records can be deleted at all (Users are deactivated, never deleted)
    mergeable: bool = False  # Salesforce merges these; the losers keep ``MasterRecordId`` in the Recycle Bin
    is_deleted: bool = True  # an IsDeleted field: queryAll returns soft-deleted rows
    deleted_log: bool = True  # ``sobjects/X/deleted`` lists deletes (the object is replicateable)
    custom: bool = False  # an admin's ``__c`` object: its fields are the org's, known from describe

    @property
    def listing_only(self) -> bool:
        """Deletes leave no trail this connector can read: an Id listing on every read finds them."""
        return self.deletes and not self.deleted_log


def _sobject(name: str, entity: str, prefix: str, *, deletes: bool = True, mergeable: bool = False,
             is_deleted: bool = True, deleted_log: bool = True) -> ObjectSpec:
    return ObjectSpec(name, entity, "Id", CURSOR_FIELD,
                      SalesforceOptions(prefix, deletes, mergeable, is_deleted=is_deleted, deleted_log=deleted_log))


def is_custom_object(name: str) -> bool:
    """An admin's custom object: ``Training_Program__c`` (namespaced ones too: ``ns__Thing__c``)."""
    return name.endswith("__c") and len(name) > 3


def custom_spec(name: str, entity: str) -> ObjectSpec:
    """Every custom object has Id, IsDeleted, SystemModstamp, queryAll and ``deleted/``: its spec needs no describe
    (whether the org has it is checked by ``check`` and ``discover``)."""
    return ObjectSpec(name, entity, "Id", CURSOR_FIELD, SalesforceOptions("", True, custom=True))


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
    _sobject("Case", "case", "500"),
    _sobject("Contract", "contract", "800"),
    _sobject("Quote", "quote", "0Q0"),
    _sobject("OpportunityContactRole", "opportunity_contact_role", "00K"),
    _sobject("OpportunityCompetitor", "opportunity_competitor", "00J"),
    # Setup objects without IsDeleted or a delete log: every read lists their (few) ids.
    _sobject("OpportunityStage", "pipeline_stage", "01J", is_deleted=False, deleted_log=False),
    _sobject("Territory2", "territory", "0MI", is_deleted=False, deleted_log=False),
    _sobject("UserTerritory2Association", "territory_assignment", "0R0", is_deleted=False, deleted_log=False),
    # Deletes skip the Recycle Bin (so queryAll rarely shows them) but reach the delete log.
    _sobject("ObjectTerritory2Association", "territory_assignment", "0R1"),
    _sobject("ForecastingQuota", "quota", "0J9", is_deleted=False),
    # Multicurrency orgs only (dated rates: with advanced currency management). No canonical entity holds them: they
    # land in typed raw tables, which analytics.kpi.currency turns into currency_rate. Neither has IsDeleted; a
    # CurrencyType is never deleted, a dated rate's delete reaches the delete log.
    _sobject("CurrencyType", "", "01L", deletes=False, is_deleted=False),
    _sobject("DatedConversionRate", "", "04w", is_deleted=False),
)

COLLECTION_MAX = 200  # sObject Collections: <= 200 records a call
# sobjects/X/deleted returns results for no more than 15 days before the call (less after a Recycle Bin purge): a
# window starting further back is an Id reconciliation instead. The margin covers our clock against Salesforce's and
# the minute ``deleted_since`` widens the range by.
DELETED_REACH_DAYS = 15
DELETED_MARGIN_MINUTES = 60
URL_LIMIT = 16_384  # URI bytes Salesforce accepts (URI + headers alike): wider SOQL goes through Bulk 2.0
URL_HEADROOM = 1_024  # left for the headers that count against the same limit
