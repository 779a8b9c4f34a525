"""Seed the people (Contacts, Leads, converted Leads) and what they did (campaign responses, tasks, events).

Dirt, deterministic, about 1 % each: a malformed email (an import from before email validation), a Web-to-Lead
placeholder name (``[not provided]``, Salesforce's own stand-in for a missing required name), and a non-numeric
``Budget__c`` on Leads. About 3 % of emails differ in case from the other CRMs' copies.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sandbox.common.people import Person
from sandbox.common.sfids import sfdc_id
from sandbox.salesforce import picklists as pl
from sandbox.salesforce.seed_context import SeedContext, us_phone
from sandbox.salesforce.timefmt import fmt_datetime

CONVERTED_SHARE = 0.2  # Contacts that came from a converted Lead
MEMBER_SHARE, TASK_SHARE, EVENT_SHARE = 0.3, 0.5, 0.15
NOT_PROVIDED = "[not provided]"
_TASK_SUBJECTS = ("Call", "Send Letter", "Send Quote", "Follow up", "Email: Intro", "Email: Pricing", "Demo prep")


def _email(rnd: random.Random, email: str) -> str:
    roll = rnd.random()
    if roll < 0.01:
        local, _, domain = email.partition("@")
        return rnd.choice((f"{local}@{domain.rsplit('.', 1)[0]}", f"{local}..x@{domain}", f"{local}@@{domain}"))
    if roll < 0.04:
        local, _, domain = email.partition("@")
        return f"{local[:1].upper()}{local[1:]}@{domain.upper() if roll < 0.02 else domain}"
    return email


def _names(rnd: random.Random, person: Person) -> tuple[str | None, str]:
    if rnd.random() < 0.01:
        return None, NOT_PROVIDED
    return person.first_name, person.last_name


def seed_people(ctx: SeedContext, *, sf_share: float, contact_share: float) -> None:
    pop = ctx.population
    companies = pop.companies
    for key in range(pop.size):
        if not pop.member(key, "salesforce", sf_share):
            continue
        person = pop.person(key)
        rnd = ctx.rnd("person", key)
        company = companies[person.company_key]
        owner = ctx.account_owner[company.key] if rnd.random() < 0.8 else rnd.choice(ctx.users)
        if pop.member(key, "salesforce_contact", contact_share):
            who = _contact(ctx, rnd, person, owner)
            if rnd.random() < CONVERTED_SHARE:
                _converted_lead(ctx, rnd, person, company.name, owner)
            what_choices = [ctx.account_ids[company.key], *ctx.account_opps.get(company.key, [])]
        else:
            who = _lead(ctx, rnd, person, company.name, company.employees, owner)
            what_choices = []
        _activities(ctx, rnd, person, who, what_choices, owner)


def _contact(ctx: SeedContext, rnd: random.Random, p: Person, owner: str) -> str:
    cid = sfdc_id("003", p.key)
    first, last = _names(rnd, p)
    created = p.created_at
    score = float(round(100 * p.engagement)) if rnd.random() < 0.7 else None
    ctx.add("Contact", {
        "Id": cid, **ctx.audit(created, ctx.later(rnd, created, skew=0.6), by=owner, owner=owner, rnd=rnd),
        "AccountId": ctx.account_ids[p.company_key], "FirstName": first, "LastName": last,
        "Name": " ".join(x for x in (first, last) if x), "Title": p.title, "Email": _email(rnd, p.email),
        "Phone": us_phone(p.phone), "MobilePhone": None, "MailingCity": p.city, "MailingCountry": p.country,
        "LeadSource": p.lead_source, "Department": None, "HasOptedOutOfEmail": rnd.random() < 0.05,
        "DoNotCall": rnd.random() < 0.02, "Description": None, "LastActivityDate": None,
        "External_Id__c": f"CON-{p.key:08d}" if rnd.random() < 0.6 else None, "Score__c": score,
        "Lifecycle_Stage__c": rnd.choice(("Lead", "MQL", "SQL", "Opportunity", "Customer")),
    })
    return cid


def _lead_values(rnd: random.Random, p: Person, company: str, employees: int) -> dict[str, Any]:
    first, last = _names(rnd, p)
    budget_roll = rnd.random()
    budget = rnd.choice(("TBD", "50k", "n/a", "ask CFO")) if budget_roll < 0.01 else (
        str(rnd.randrange(5, 500) * 1000) if budget_roll < 0.5 else None)
    return {
        "FirstName": first, "LastName": last, "Name": " ".join(x for x in (first, last) if x),
        "Company": company if last != NOT_PROVIDED else NOT_PROVIDED, "Title": p.title,
        "Email": _email(rnd, p.email), "Phone": us_phone(p.phone), "MobilePhone": None, "City": p.city,
        "Country": p.country, "LeadSource": p.lead_source, "Industry": None, "Rating": rnd.choice(pl.RATING),
        "AnnualRevenue": None, "NumberOfEmployees": employees if rnd.random() < 0.5 else None,
        "Website": None, "HasOptedOutOfEmail": rnd.random() < 0.05, "IsUnreadByOwner": False, "Description": None,
        "Score__c": float(round(100 * p.engagement)) if rnd.random() < 0.7 else None, "Budget__c": budget,
        "External_Id__c": f"LEAD-{p.key:08d}" if rnd.random() < 0.6 else None,
    }


def _lead(ctx: SeedContext, rnd: random.Random, p: Person, company: str, employees: int, owner: str) -> str:
    lid = sfdc_id("00Q", p.key)
    created = p.created_at
    status = ("Open - Not Contacted" if p.engagement < 0.2 else "Working - Contacted" if p.engagement < 0.6
              else rnd.choice(("Working - Contacted", "Closed - Not Converted")))
    ctx.add("Lead", {
        "Id": lid, **ctx.audit(created, ctx.later(rnd, created, skew=0.6), by=owner, owner=owner, rnd=rnd),
        **_lead_values(rnd, p, company, employees), "Status": status, "IsConverted": False,
    })
    return lid


def _converted_lead(ctx: SeedContext, rnd: random.Random, p: Person, company: str, owner: str) -> None:
    """The Lead this Contact was converted from: same person key, so Marketo links both ids to the person."""
    converted = p.created_at
    created = converted - timedelta(days=rnd.randint(3, 120))
    values = _lead_values(rnd, p, company, 0)
    opps = ctx.account_opps.get(p.company_key, [])
    ctx.add("Lead", {
        "Id": sfdc_id("00Q", p.key), **ctx.audit(created, converted, by=owner, owner=owner), **values,
        "NumberOfEmployees": None, "Status": "Closed - Converted", "IsConverted": True,
        "ConvertedDate": converted.date().isoformat(), "ConvertedContactId": sfdc_id("003", p.key),
        "ConvertedAccountId": ctx.account_ids[p.company_key],
        "ConvertedOpportunityId": opps[0] if opps and rnd.random() < 0.5 else None,
    })


def _activities(ctx: SeedContext, rnd: random.Random, p: Person, who: str, whats: list[str], owner: str) -> None:
    account = ctx.account_ids[p.company_key] if whats else None
    if ctx.campaigns and rnd.random() < MEMBER_SHARE:
        for campaign in rnd.sample(ctx.campaigns, min(len(ctx.campaigns), rnd.choice((1, 1, 2)))):
            _member(ctx, rnd, p, who, campaign)
    if rnd.random() < TASK_SHARE:
        for _ in range(rnd.choice((1, 1, 2))):
            _task(ctx, rnd, p.created_at, who, rnd.choice(whats) if whats and rnd.random() < 0.7 else None, account,
                  owner)
    if rnd.random() < EVENT_SHARE:
        _event(ctx, rnd, p.created_at, who, rnd.choice(whats) if whats else None, account, owner)


def _member(ctx: SeedContext, rnd: random.Random, p: Person, who: str, campaign: str) -> None:
    created = ctx.later(rnd, p.created_at)
    responded = rnd.random() < p.engagement
    lead = who.startswith("00Q")
    ctx.add("CampaignMember", {
        "Id": ctx.next_id("CampaignMember"), **ctx.audit(created, ctx.later(rnd, created), by=ctx.users[0]),
        "CampaignId": campaign, "LeadId": who if lead else None, "ContactId": None if lead else who,
        "Status": "Responded" if responded else "Sent", "HasResponded": responded,
        "FirstRespondedDate": ctx.later(rnd, created).date().isoformat() if responded else None,
        "Type": "Lead" if lead else "Contact", "LeadOrContactId": who,
    })


def _task(ctx: SeedContext, rnd: random.Random, since: datetime, who: str, what: str | None, account: str | None,
          owner: str) -> None:
    created = ctx.later(rnd, since)
    done = rnd.random() < 0.7
    subject = rnd.choice(_TASK_SUBJECTS)
    kind = "Call" if subject == "Call" else "Email" if subject.startswith("Email") else "Other"
    ctx.add("Task", {
        "Id": ctx.next_id("Task"), **ctx.audit(created, ctx.later(rnd, created), by=owner, owner=owner),
        "Subject": subject, "Status": "Completed" if done else rnd.choice(("Not Started", "In Progress")),
        "Priority": rnd.choice(("Normal", "Normal", "High", "Low")),
        "ActivityDate": (created + timedelta(days=rnd.randint(0, 14))).date().isoformat(),
        "WhoId": who, "WhatId": what, "AccountId": account if what or not who.startswith("00Q") else None,
        "Type": kind, "TaskSubtype": "Call" if kind == "Call" else "Email" if kind == "Email" else "Task",
        "IsClosed": done, "CompletedDateTime": fmt_datetime(ctx.later(rnd, created)) if done else None,
        "CallDurationInSeconds": rnd.randint(30, 1800) if kind == "Call" and done else None, "Description": None,
    })


def _event(ctx: SeedContext, rnd: random.Random, since: datetime, who: str, what: str | None, account: str | None,
           owner: str) -> None:
    created = ctx.later(rnd, since)
    start = (created + timedelta(days=rnd.randint(1, 30))).replace(minute=0, second=0, microsecond=0)
    duration = rnd.choice((30, 60, 60, 90))
    ctx.add("Event", {
        "Id": ctx.next_id("Event"), **ctx.audit(created, ctx.later(rnd, created, min(ctx.end, start)), by=owner,
                                                  owner=owner),
        "Subject": rnd.choice(("Discovery meeting", "Demo", "Quarterly review", "Lunch")),
        "StartDateTime": fmt_datetime(start), "EndDateTime": fmt_datetime(start + timedelta(minutes=duration)),
        "ActivityDateTime": fmt_datetime(start), "ActivityDate": start.date().isoformat(),
        "DurationInMinutes": duration, "WhoId": who, "WhatId": what,
        "AccountId": account if what or not who.startswith("00Q") else None, "Type": "Meeting", "ShowAs": "Busy",
        "Location": rnd.choice((None, "Zoom", "Customer office")), "IsAllDayEvent": False, "Description": None,
    })
