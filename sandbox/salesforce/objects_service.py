"""Case, Contract, Quote, OpportunityContactRole and OpportunityCompetitor as this sandbox org defines them.

Field names, types and lengths follow Salesforce's object reference. Auto Number fields (CaseNumber,
ContractNumber, QuoteNumber) are set on create; Contract.EndDate is computed from StartDate and ContractTerm, as
Salesforce does. This org added ``Renewal_Date__c``, ``Contract_Value__c``, ``Auto_Renew__c`` and
``Contract_Type__c`` to Contract (Salesforce keeps no renewal date or value of its own there).
"""

from __future__ import annotations

from sandbox.salesforce import picklists as pl
from sandbox.salesforce.fields import (
    FieldDef,
    ObjectDef,
    auto_number,
    flag,
    long_text,
    num,
    pick,
    readonly,
    ref,
    system_fields,
    text,
)

CASE = ObjectDef(
    "Case", "500", "Case", "Cases",
    (*system_fields(),
     auto_number("CaseNumber", "{00000000}", label="Case Number", name_field=True),
     ref("AccountId", "Account", rel="Account", child="Cases", cascade_delete=True),
     ref("ContactId", "Contact", rel="Contact", child="Cases"),
     text("Subject", 255), long_text("Description"),
     pick("Status", pl.CASE_STATUS, nillable=False, default="New"),
     pick("Priority", pl.CASE_PRIORITY, default="Medium"),
     pick("Origin", pl.CASE_ORIGIN, label="Case Origin"),
     pick("Type", pl.CASE_TYPE, label="Case Type"), pick("Reason", pl.CASE_REASON, label="Case Reason"),
     readonly(flag("IsClosed", label="Closed")),
     readonly(FieldDef("ClosedDate", "datetime", label="Closed")),
     flag("IsEscalated", label="Escalated")),
)

CONTRACT = ObjectDef(
    "Contract", "800", "Contract", "Contracts",
    (*system_fields(),
     auto_number("ContractNumber", "{00000000}", label="Contract Number", name_field=True),
     ref("AccountId", "Account", rel="Account", child="Contracts", nillable=False, cascade_delete=True),
     text("Name", 80, label="Contract Name"),
     pick("Status", pl.CONTRACT_STATUS, nillable=False, default="Draft"),
     readonly(text("StatusCode", 40, label="Status Category")),
     FieldDef("StartDate", "date", label="Contract Start Date"),
     readonly(FieldDef("EndDate", "date", label="Contract End Date")),
     num("ContractTerm", "int", 4, 0, label="Contract Term (months)"),
     pick("OwnerExpirationNotice", pl.EXPIRATION_NOTICE, label="Owner Expiration Notice"),
     readonly(FieldDef("ActivatedDate", "datetime")),
     long_text("Description"),
     FieldDef("Renewal_Date__c", "date", label="Renewal Date"),
     num("Contract_Value__c", "currency", 18, 2, label="Contract Value"),
     flag("Auto_Renew__c", label="Auto Renew"),
     pick("Contract_Type__c", pl.CONTRACT_TYPE, label="Contract Type")),
)

QUOTE = ObjectDef(
    "Quote", "0Q0", "Quote", "Quotes",
    (*system_fields(owner=False),
     text("Name", 255, label="Quote Name", nillable=False, name_field=True),
     auto_number("QuoteNumber", "{00000000}", label="Quote Number"),
     ref("OpportunityId", "Opportunity", rel="Opportunity", child="Quotes", nillable=False, updateable=False,
         cascade_delete=True),
     readonly(ref("AccountId", "Account", rel="Account")),
     ref("ContactId", "Contact", rel="Contact"),
     pick("Status", pl.QUOTE_STATUS, default="Draft"),
     FieldDef("ExpirationDate", "date"),
     readonly(num("Subtotal", "currency", 18, 2)),
     readonly(num("Discount", "percent", 3, 2)),
     readonly(num("TotalPrice", "currency", 18, 2, label="Total Price")),
     readonly(num("GrandTotal", "currency", 18, 2, label="Grand Total")),
     readonly(flag("IsSyncing", label="Syncing")),
     long_text("Description")),
)

OPPORTUNITY_CONTACT_ROLE = ObjectDef(
    "OpportunityContactRole", "00K", "Opportunity Contact Role", "Opportunity Contact Role",
    (*system_fields(owner=False),
     ref("OpportunityId", "Opportunity", rel="Opportunity", child="OpportunityContactRoles", nillable=False,
         updateable=False, cascade_delete=True),
     ref("ContactId", "Contact", rel="Contact", child="OpportunityContactRoles", nillable=False,
         cascade_delete=True),
     pick("Role", pl.CONTACT_ROLE),
     flag("IsPrimary", label="Primary")),
)

OPPORTUNITY_COMPETITOR = ObjectDef(
    "OpportunityCompetitor", "00J", "Opportunity: Competitor", "Opportunity: Competitor",
    (*system_fields(owner=False),
     ref("OpportunityId", "Opportunity", rel="Opportunity", child="OpportunityCompetitors", nillable=False,
         updateable=False, cascade_delete=True),
     text("CompetitorName", 40, label="Competitor Name"),
     text("Strengths", 1000), text("Weaknesses", 1000)),
)
