"""Account, Contact, Lead, Opportunity and OpportunityHistory as this sandbox org defines them."""

from __future__ import annotations

from sandbox.salesforce import picklists as pl
from sandbox.salesforce.fields import (
    FieldDef,
    ObjectDef,
    flag,
    formula,
    long_text,
    num,
    pick,
    readonly,
    ref,
    system_fields,
    text,
)
from sandbox.salesforce.objects_currency import currency_iso_code


def _ext_id() -> FieldDef:
    return text("External_Id__c", 64, label="External ID", external_id=True, unique=True, id_lookup=True)


def _crmhub_lead_fields() -> tuple[FieldDef, ...]:
    """The fields this org's admin created for crmhub's lead scores (Setup → Object Manager → New field)."""
    return (num("Crmhub_Score__c", "double", 3, 0, label="crmhub Score"),
            text("Crmhub_Grade__c", 20, label="crmhub Grade"),
            text("Crmhub_Reasons__c", 255, label="crmhub Reasons"))


def _master(obj: str) -> FieldDef:
    """Set on the losing records of a merge (deleted, visible to queryAll) to the surviving record's id."""
    return readonly(ref("MasterRecordId", obj, rel="MasterRecord"))


ACCOUNT = ObjectDef(
    "Account", "001", "Account", "Accounts",
    (*system_fields(), _master("Account"),
     text("Name", label="Account Name", nillable=False, name_field=True),
     pick("Type", pl.ACCOUNT_TYPE, label="Account Type"),
     ref("ParentId", "Account", rel="Parent", child="ChildAccounts"),
     text("BillingCity", 40), text("BillingCountry", 80),
     FieldDef("Phone", "phone", label="Account Phone", length=40),
     FieldDef("Website", "url", length=255),
     pick("Industry", pl.INDUSTRY),
     num("AnnualRevenue", "currency", 18, 0),
     num("NumberOfEmployees", "int", 8, 0, label="Employees"),
     pick("AccountSource", pl.LEAD_SOURCE),
     pick("Rating", pl.RATING, label="Account Rating"),
     long_text("Description", label="Account Description"),
     readonly(FieldDef("LastActivityDate", "date")),
     _ext_id(),
     num("Health_Score__c", "double", 3, 0, label="Health Score"),
     FieldDef("Customer_Since__c", "date", label="Customer Since"),
     formula(text("Tier__c", 1300, label="Tier")),
     formula(num("Days_Since_Created__c", "double", 18, 0, label="Days Since Created"))),
)

CONTACT = ObjectDef(
    "Contact", "003", "Contact", "Contacts",
    (*system_fields(), _master("Contact"),
     ref("AccountId", "Account", rel="Account", child="Contacts", cascade_delete=True),
     text("FirstName", 40), text("LastName", 80, nillable=False),
     readonly(text("Name", 121, label="Full Name", nillable=False, name_field=True)),
     text("Title", 128),
     FieldDef("Email", "email", length=80, id_lookup=True),
     FieldDef("Phone", "phone", label="Business Phone", length=40),
     FieldDef("MobilePhone", "phone", length=40),
     text("MailingCity", 40), text("MailingCountry", 80),
     pick("LeadSource", pl.LEAD_SOURCE),
     text("Department", 80),
     flag("HasOptedOutOfEmail", label="Email Opt Out"),
     flag("DoNotCall"),
     long_text("Description", label="Contact Description"),
     readonly(FieldDef("LastActivityDate", "date")),
     _ext_id(),
     num("Score__c", "double", 3, 0, label="Score"),
     *_crmhub_lead_fields(),
     pick("Lifecycle_Stage__c", pl.LIFECYCLE, label="Lifecycle Stage", restricted=True),
     formula(text("Account_Tier__c", 1300, label="Account Tier"))),
)

LEAD = ObjectDef(
    "Lead", "00Q", "Lead", "Leads",
    (*system_fields(), _master("Lead"),
     text("FirstName", 40), text("LastName", 80, nillable=False),
     readonly(text("Name", 121, label="Full Name", nillable=False, name_field=True)),
     text("Company", 255, nillable=False), text("Title", 128),
     FieldDef("Email", "email", length=80, id_lookup=True),
     FieldDef("Phone", "phone", length=40), FieldDef("MobilePhone", "phone", length=40),
     text("City", 40), text("Country", 80),
     pick("Status", pl.LEAD_STATUS, nillable=False, default="Open - Not Contacted"),
     pick("LeadSource", pl.LEAD_SOURCE), pick("Industry", pl.INDUSTRY), pick("Rating", pl.RATING),
     num("AnnualRevenue", "currency", 18, 0), num("NumberOfEmployees", "int", 8, 0, label="Employees"),
     FieldDef("Website", "url", length=255),
     flag("HasOptedOutOfEmail", label="Email Opt Out"),
     readonly(flag("IsConverted", label="Converted")),
     readonly(FieldDef("ConvertedDate", "date")),
     readonly(ref("ConvertedAccountId", "Account", rel="ConvertedAccount")),
     readonly(ref("ConvertedContactId", "Contact", rel="ConvertedContact")),
     readonly(ref("ConvertedOpportunityId", "Opportunity", rel="ConvertedOpportunity")),
     flag("IsUnreadByOwner", label="Unread By Owner"),
     long_text("Description"),
     _ext_id(),
     num("Score__c", "double", 3, 0, label="Score"),
     *_crmhub_lead_fields(),
     text("Budget__c", 40, label="Budget"),
     formula(text("Score_Band__c", 1300, label="Score Band")),
     formula(num("Days_Open__c", "double", 18, 0, label="Days Open"))),
)

OPPORTUNITY = ObjectDef(
    "Opportunity", "006", "Opportunity", "Opportunities",
    (*system_fields(),
     ref("AccountId", "Account", rel="Account", child="Opportunities", cascade_delete=True),
     text("Name", 120, nillable=False, name_field=True),
     pick("StageName", tuple(s.name for s in pl.STAGES), label="Stage", nillable=False),
     num("Amount", "currency", 18, 2),
     currency_iso_code("Opportunity Currency"),
     num("Probability", "percent", 3, 0, label="Probability (%)"),
     formula(num("ExpectedRevenue", "currency", 18, 2, label="Expected Amount")),
     FieldDef("CloseDate", "date", nillable=False),
     pick("Type", pl.OPPORTUNITY_TYPE, label="Opportunity Type"),
     pick("LeadSource", pl.LEAD_SOURCE),
     text("NextStep", 255),
     pick("ForecastCategoryName", pl.FORECAST_CATEGORY, label="Forecast Category"),
     readonly(flag("IsClosed", label="Closed")),
     readonly(flag("IsWon", label="Won")),
     ref("CampaignId", "Campaign", rel="Campaign", child="Opportunities"),
     readonly(FieldDef("LastStageChangeDate", "datetime")),
     long_text("Description"),
     _ext_id(),
     num("Win_Probability__c", "double", 3, 0, label="Win Probability"),
     num("Crmhub_Win_Probability__c", "double", 4, 1, label="crmhub Win Probability"),
     text("Crmhub_Deal_Warnings__c", 255, label="crmhub Deal Warnings"),
     pick("Loss_Reason__c", pl.LOSS_REASON, label="Loss Reason"),
     formula(num("Age__c", "double", 18, 0, label="Age"))),
)

OPPORTUNITY_HISTORY = ObjectDef(
    "OpportunityHistory", "008", "Opportunity History", "Opportunity History",
    tuple(readonly(f) for f in (
        *system_fields(owner=False, modified=False),
        ref("OpportunityId", "Opportunity", rel="Opportunity", child="OpportunityHistories", nillable=False,
            cascade_delete=True),
        pick("StageName", tuple(s.name for s in pl.STAGES), label="Stage"),
        num("Amount", "currency", 18, 2), num("ExpectedRevenue", "currency", 18, 2),
        FieldDef("CloseDate", "date"), num("Probability", "percent", 3, 0),
        pick("ForecastCategory", tuple(pl.FORECAST_API_NAME.values())),
        num("PrevAmount", "currency", 18, 2), FieldDef("PrevCloseDate", "date"),
    )),
    createable=False, updateable=False, deletable=False,
)
