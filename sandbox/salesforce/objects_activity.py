"""Task, Event, Campaign, CampaignMember and User as this sandbox org defines them."""

from __future__ import annotations

from sandbox.salesforce import picklists as pl
from sandbox.salesforce.fields import (
    FieldDef,
    ObjectDef,
    flag,
    long_text,
    num,
    pick,
    readonly,
    ref,
    system_fields,
    text,
)

# WhoId and WhatId are polymorphic: a Task hangs off a person (Contact or Lead) and a thing (Account, Opportunity,
# Campaign), and SOQL resolves Who.* / What.* against the "Name" entity.
_WHO = ("Contact", "Lead")
_WHAT = ("Account", "Opportunity", "Campaign")

TASK = ObjectDef(
    "Task", "00T", "Task", "Tasks",
    (*system_fields(),
     FieldDef("Subject", "combobox", length=255),
     pick("Status", pl.TASK_STATUS, nillable=False, default="Not Started"),
     pick("Priority", pl.TASK_PRIORITY, nillable=False, default="Normal"),
     FieldDef("ActivityDate", "date", label="Due Date Only"),
     ref("WhoId", *_WHO, rel="Who", child="Tasks", cascade_delete=True),
     ref("WhatId", *_WHAT, rel="What", child="Tasks", cascade_delete=True),
     readonly(ref("AccountId", "Account", rel="Account")),
     pick("Type", pl.TASK_TYPE), pick("TaskSubtype", pl.TASK_SUBTYPE),
     readonly(flag("IsClosed", label="Closed")),
     readonly(FieldDef("CompletedDateTime", "datetime")),
     num("CallDurationInSeconds", "int", 8, 0, label="Call Duration"),
     text("CallDisposition", 255, label="Call Result"),
     pick("CallType", pl.CALL_TYPE, label="Call Type"),
     long_text("Description", label="Comments")),
)

EVENT = ObjectDef(
    "Event", "00U", "Event", "Events",
    (*system_fields(),
     FieldDef("Subject", "combobox", length=255),
     FieldDef("StartDateTime", "datetime"), FieldDef("EndDateTime", "datetime"),
     FieldDef("ActivityDateTime", "datetime", label="Due Date Time"),
     FieldDef("ActivityDate", "date", label="Due Date Only"),
     num("DurationInMinutes", "int", 8, 0, label="Duration"),
     ref("WhoId", *_WHO, rel="Who", child="Events", cascade_delete=True),
     ref("WhatId", *_WHAT, rel="What", child="Events", cascade_delete=True),
     readonly(ref("AccountId", "Account", rel="Account")),
     pick("Type", pl.EVENT_TYPE), pick("ShowAs", pl.SHOW_AS, label="Show Time As"),
     text("Location", 255), flag("IsAllDayEvent", label="All-Day Event"),
     long_text("Description")),
)

CAMPAIGN = ObjectDef(
    "Campaign", "701", "Campaign", "Campaigns",
    (*system_fields(),
     text("Name", 80, label="Campaign Name", nillable=False, name_field=True),
     pick("Type", pl.CAMPAIGN_TYPE), pick("Status", pl.CAMPAIGN_STATUS),
     FieldDef("StartDate", "date"), FieldDef("EndDate", "date"),
     flag("IsActive", label="Active"),
     num("BudgetedCost", "currency", 18, 0), num("ActualCost", "currency", 18, 0),
     num("ExpectedRevenue", "currency", 18, 0, label="Expected Revenue in Campaign"),
     ref("ParentId", "Campaign", rel="Parent", child="ChildCampaigns"),
     long_text("Description")),
)

CAMPAIGN_MEMBER = ObjectDef(
    "CampaignMember", "00v", "Campaign Member", "Campaign Members",
    (*system_fields(owner=False),
     ref("CampaignId", "Campaign", rel="Campaign", child="CampaignMembers", nillable=False, updateable=False,
         cascade_delete=True),
     ref("LeadId", "Lead", rel="Lead", child="CampaignMembers", updateable=False, cascade_delete=True),
     ref("ContactId", "Contact", rel="Contact", child="CampaignMembers", updateable=False, cascade_delete=True),
     pick("Status", pl.MEMBER_STATUS, default="Sent"),
     readonly(flag("HasResponded", label="Responded")),
     readonly(FieldDef("FirstRespondedDate", "date")),
     readonly(text("Type", 40)),
     readonly(ref("LeadOrContactId", "Contact", "Lead", rel="LeadOrContact"))),
)

USER = ObjectDef(
    "User", "005", "User", "Users",
    (*system_fields(owner=False),
     text("Username", 80, nillable=False, unique=True, id_lookup=True),
     text("FirstName", 40), text("LastName", 80, nillable=False),
     readonly(text("Name", 121, label="Full Name", nillable=False, name_field=True)),
     FieldDef("Email", "email", length=128, nillable=False),
     text("Alias", 8, nillable=False), text("Title", 80), text("Department", 80),
     flag("IsActive", label="Active"),
     pick("TimeZoneSidKey", pl.TIME_ZONES, label="Time Zone", nillable=False, restricted=True),
     pick("LocaleSidKey", pl.LOCALES, label="Locale", nillable=False, restricted=True, default="en_US"),
     ref("ManagerId", "User", rel="Manager"),
     readonly(text("UserType", 40)),
     readonly(FieldDef("LastLoginDate", "datetime"))),
    deletable=False,
)
