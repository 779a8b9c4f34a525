"""The demo's Salesforce: client-credentials OAuth, the standard objects (issue 17's too, and the currencies of this
multicurrency org), the org's four custom objects mapped in config and five more kept as typed raw tables (each
tagged with its registry model), and a person's edits, deletes, a merge, a lead conversion, a stage change and a
purge (a delete emptied from the Recycle Bin: only ``deleted/`` still shows it)."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from hub.demos import DemoCrm
from sandbox.common.launcher import SandboxAdmin, SandboxInfo

DEMO_SALESFORCE_SECRET = "crmhub-sandbox-secret"  # the sandbox's default connected app
STANDARD = ("Account", "Contact", "Lead", "Opportunity", "OpportunityHistory", "Task", "Event", "User", "Campaign",
            "CampaignMember", "Product2", "OpportunityLineItem", "Case", "Contract", "Quote", "OpportunityContactRole",
            "OpportunityCompetitor", "OpportunityStage", "Territory2", "UserTerritory2Association",
            "ObjectTerritory2Association", "ForecastingQuota", "CurrencyType", "DatedConversionRate")


def _lower(*values: str) -> dict[str, str]:
    return {v: v.lower() for v in values}


# The org's custom objects, mapped in the connection's config (no spec file can know an org's custom objects).
CUSTOM_MAPPINGS: dict[str, dict[str, Any]] = {
    "Training_Program__c": {"entity": "training_program", "fields": {
        "name": "Name", "owner_id": {"from": "OwnerId", "ref": "User"},
        "program_type": {"from": "Program_Type__c", "transform": "map",
                         "values": _lower("Onboarding", "Product", "Skills", "Partner", "Customer")},
        "status": "Status__c", "start_date": "Start_Date__c", "end_date": "End_Date__c",
        "duration_hours": "Duration_Hours__c", "created_at": "CreatedDate", "updated_at": "LastModifiedDate"}},
    "Training_Enrollment__c": {"entity": "training_enrolment", "fields": {
        "program_id": {"from": "Training_Program__c", "ref": "Training_Program__c"},
        "user_id": {"from": "User__c", "ref": "User"},
        "status": {"from": "Status__c", "transform": "map", "values": _lower("Enrolled", "Completed", "Dropped")},
        "enrolled_on": "Enrolled_On__c", "completed_on": "Completed_On__c", "score": "Score__c",
        "created_at": "CreatedDate", "updated_at": "LastModifiedDate"}},
    "Coaching_Session__c": {"entity": "coaching_session", "fields": {
        "coach_id": {"from": "Coach__c", "ref": "User"}, "rep_id": {"from": "Rep__c", "ref": "User"},
        "opportunity_id": {"from": "Opportunity__c", "ref": "Opportunity"}, "held_at": "Held_At__c",
        "duration_minutes": "Duration_Minutes__c", "topic": "Topic__c", "rating": "Rating__c",
        "created_at": "CreatedDate", "updated_at": "LastModifiedDate"}},
    "Assessment__c": {"entity": "assessment", "fields": {
        "user_id": {"from": "User__c", "ref": "User"},
        "program_id": {"from": "Training_Program__c", "ref": "Training_Program__c"}, "name": "Name",
        "skill": "Skill__c", "score": "Score__c", "max_score": "Max_Score__c", "passed": "Passed__c",
        "taken_on": "Taken_On__c", "created_at": "CreatedDate", "updated_at": "LastModifiedDate"}},
}
# Custom objects no canonical entity holds: kept as typed raw tables, each tagged with the registry model it holds.
# Salesforce types every custom Number field `double`; the counts and years among them are typed as whole numbers.
RAW_OBJECTS: dict[str, dict[str, Any]] = {
    "Account_Plan__c": {"model": "ACCOUNT_PLAN", "types": {"Fiscal_Year__c": "integer"}},
    "Sales_Playbook__c": {"model": "SALES_PLAYBOOK"},
    "Enablement_Platform_Usage__c": {"model": "ENABLEMENT_PLATFORM", "types": {
        "Licensed_Users__c": "integer", "Active_Users__c": "integer", "Logins__c": "integer",
        "Content_Views__c": "integer"}},
    "Quota_Plan__c": {"model": "QUOTA_PLAN", "types": {"Fiscal_Year__c": "integer"}},
    "Strategic_Initiative__c": {"model": "STRATEGIC_INITIATIVE"},
}
OBJECTS = (*STANDARD, *CUSTOM_MAPPINGS, *RAW_OBJECTS)
# The org is multicurrency: a deal's currency is its CurrencyIsoCode (a field single-currency orgs lack, so the
# shipped mapping cannot read it). Its currencies and dated rates (CurrencyType, DatedConversionRate) land raw.
# Its admin tiers accounts by annual revenue (the Tier__c formula: Enterprise from $50M); the org manages its
# Enterprise accounts as its strategic accounts, so it says so: the key-account KPIs count them.
OVERRIDES: dict[str, dict[str, Any]] = {"Opportunity": {"fields": {"CurrencyIsoCode": "currency"}},
                                        "Account": {"values": {"Tier__c": {"Enterprise": "strategic"}}}}


def _salesforce_block(info: SandboxInfo) -> dict[str, Any]:
    return {
        "kind": "salesforce",
        "base_url": info.https_url,
        "ca_bundle": info.ca_path,
        "auth": {"flow": "client_credentials", "client_id": "crmhub-sandbox-client",
                 "client_secret": "${DEMO_SALESFORCE_SECRET}"},
        "objects": {obj: RAW_OBJECTS.get(obj, {}) for obj in OBJECTS},
        "mapping": {**CUSTOM_MAPPINGS, **OVERRIDES},
        "settle_lag_seconds": 2,
    }


def _sandbox_now(admin: SandboxAdmin) -> datetime:
    return datetime.fromisoformat(admin.get("/_admin/clock")["now"])


def _salesforce_edits(admin: SandboxAdmin) -> dict[str, Any]:
    done: dict[str, Any] = {}
    # The purge first: deleted/ reports whole minutes up to the last one that ended, so a purge shows once the
    # minute it happened in is over (as in Salesforce); the other edits use some of that wait.
    purged = sorted(admin.get("/_admin/truth/Contact", ids="true")["ids"])[2]
    admin.delete(f"/_admin/records/Contact/{purged}?mode=purge")
    purged_at = _sandbox_now(admin)
    done["purged"] = {"Contact": purged}
    for obj, (edits, deletes, creates) in {
        "Contact": (25, 5, 10),
        "Account": (5, 2, 3),
        "Lead": (10, 3, 5),
        "Opportunity": (10, 3, 4),
        "Task": (5, 2, 3),
        "Case": (5, 2, 3),
        "Coaching_Session__c": (5, 2, 3),
        "Training_Enrollment__c": (3, 1, 2),
        "Sales_Playbook__c": (3, 1, 1),
        "Strategic_Initiative__c": (2, 1, 1),
        "Account_Plan__c": (0, 2, 0),
        "UserTerritory2Association": (2, 1, 0),  # no delete trail: only the next read's Id listing sees it
    }.items():
        done[obj] = admin.post(
            f"/_admin/random_edits/{obj}", {"seed": 11, "edits": edits, "deletes": deletes, "creates": creates}
        )
    live = sorted(set(admin.get("/_admin/truth/Contact", ids="true")["ids"]) - set(done["Contact"]["created"]))
    survivor, absorbed = live[0], live[1]
    admin.post("/_admin/merge/Contact", {"primary": survivor, "merged": absorbed})
    done["merged"] = {"Contact": {"primary": survivor, "merged": absorbed}}
    leads = admin.get("/_admin/truth/Lead", ids="true")["ids"]
    for lead in leads:
        record = admin.get(f"/_admin/truth/Lead/{lead}")
        if not record.get("IsConverted"):
            done["converted"] = admin.post(f"/_admin/convert_lead/{lead}", {})
            break
    opportunity = admin.get("/_admin/truth/Opportunity", ids="true")["ids"][0]
    done["advanced"] = admin.post(f"/_admin/advance_stage/{opportunity}", {})
    while _sandbox_now(admin).replace(second=0, microsecond=0) <= purged_at:
        time.sleep(0.5)
    return done


DEMO = DemoCrm(
    "salesforce_demo",
    "salesforce",
    {"DEMO_SALESFORCE_SECRET": DEMO_SALESFORCE_SECRET},
    _salesforce_block,
    _salesforce_edits,
    OBJECTS,
    {"lead_score": "Crmhub_Score__c", "lead_grade": "Crmhub_Grade__c", "lead_reasons": "Crmhub_Reasons__c",
     "win_probability": "Crmhub_Win_Probability__c", "deal_warnings": "Crmhub_Deal_Warnings__c"},
)
