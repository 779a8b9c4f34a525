"""The custom objects this org's admins built for sales planning and enablement: account plans, sales playbooks,
the enablement platform's monthly usage, quota plans and strategic initiatives.

Named and typed as a Salesforce admin builds them in Object Manager: a required ``Account__c`` lookup, Number(4,0)
fiscal years (the API types every custom Number field ``double``), Currency fields with a ``Currency__c`` picklist
beside them (added before the org turned on multiple currencies: a regional plan says what it is in).
"""

from __future__ import annotations

from typing import Any

from sandbox.salesforce import picklists as pl
from sandbox.salesforce.objects_custom import lookup, object_spec

CURRENCIES = ("USD", "EUR", "GBP", "JPY", "AUD")
REGIONS = ("North America", "EMEA", "APAC", "LATAM")
SEGMENTS = ("Enterprise", "Commercial", "All Segments")
ACCOUNT_PLAN_STATUS = ("Draft", "In Review", "Approved", "Closed")
PLAYBOOK_STATUS = ("Draft", "Published", "Retired")
QUOTA_PLAN_METHOD = ("Top-Down", "Bottom-Up", "Blended")
QUOTA_PLAN_STATUS = ("Draft", "Submitted", "Approved", "Superseded")
INITIATIVE_STATUS = ("Proposed", "Active", "On Hold", "Completed", "Cancelled")


def _pick(name: str, label: str, values: tuple[str, ...], *, restricted: bool = False) -> dict[str, Any]:
    return {"name": name, "type": "picklist", "label": label, "values": list(values), "restricted": restricted}


def _number(name: str, label: str, digits: int, *, required: bool = False) -> dict[str, Any]:
    return {"name": name, "type": "double", "label": label, "precision": digits, "scale": 0, "required": required}


def _money(name: str, label: str) -> dict[str, Any]:
    return {"name": name, "type": "currency", "label": label, "precision": 16, "scale": 2}


def _field(name: str, ftype: str, label: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": ftype, "label": label, **extra}


PLANNING: tuple[dict[str, Any], ...] = (
    object_spec("Account_Plan__c", "Account Plan", "Account Plans", [
        lookup("Account__c", "Account", "Account_Plans__r", label="Account", required=True),
        _number("Fiscal_Year__c", "Fiscal Year", 4, required=True),
        _pick("Status__c", "Status", ACCOUNT_PLAN_STATUS),
        _field("Objectives__c", "textarea", "Objectives"),
        _field("Whitespace__c", "textarea", "Whitespace"),
        _money("Target_Revenue__c", "Target Revenue"),
        _pick("Currency__c", "Currency", CURRENCIES, restricted=True),
        _field("Review_Date__c", "date", "Next Review"),
    ]),
    object_spec("Sales_Playbook__c", "Sales Playbook", "Sales Playbooks", [
        _pick("Stage__c", "Opportunity Stage", tuple(s.name for s in pl.OPEN_STAGES)),
        _pick("Segment__c", "Segment", SEGMENTS),
        _field("Steps__c", "textarea", "Steps"),
        _pick("Status__c", "Status", PLAYBOOK_STATUS),
        _field("Content_Link__c", "url", "Playbook Document"),
    ]),
    object_spec("Enablement_Platform_Usage__c", "Enablement Platform Usage", "Enablement Platform Usage", [
        _field("Vendor__c", "string", "Vendor", length=80),
        _field("Period_Start__c", "date", "Period Start", required=True),
        _number("Licensed_Users__c", "Licensed Users", 6),
        _number("Active_Users__c", "Active Users", 6),
        _number("Logins__c", "Logins", 9),
        _number("Content_Views__c", "Content Views", 9),
    ]),
    object_spec("Quota_Plan__c", "Quota Plan", "Quota Plans", [
        _number("Fiscal_Year__c", "Fiscal Year", 4, required=True),
        _pick("Region__c", "Region", (*REGIONS, "Global")),
        _pick("Method__c", "Planning Method", QUOTA_PLAN_METHOD),
        _pick("Status__c", "Status", QUOTA_PLAN_STATUS),
        _money("Total_Amount__c", "Total Quota"),
        _pick("Currency__c", "Currency", CURRENCIES, restricted=True),
        _field("Approved_On__c", "date", "Approved On"),
        lookup("Approved_By__c", "User", "Approved_Quota_Plans__r", label="Approved By"),
    ]),
    object_spec("Strategic_Initiative__c", "Strategic Initiative", "Strategic Initiatives", [
        _field("Objective__c", "textarea", "Objective"),
        _field("Start_Date__c", "date", "Start Date"),
        _field("End_Date__c", "date", "End Date"),
        _pick("Status__c", "Status", INITIATIVE_STATUS),
        _money("Budget__c", "Budget"),
        _money("Target_Revenue__c", "Target Revenue"),
        _pick("Currency__c", "Currency", CURRENCIES, restricted=True),
        _pick("Market__c", "Target Market", (*REGIONS, "Global")),
    ]),
)
