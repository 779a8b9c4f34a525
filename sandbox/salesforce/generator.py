"""Seed the org from the shared population: users, campaigns, accounts, deals, people and their activities.

Shares (document them when they change): every company is an Account; a person is in Salesforce when
``population.member(key, "salesforce", 0.6)``, a Contact when ``member(key, "salesforce_contact", 0.5)`` and a Lead
otherwise (Marketo's sandbox relies on this exact rule); 20 % of Contacts came from a converted Lead (a second,
converted Lead record with the same person key). Record ids use the person key / company key as the number.
"""

from __future__ import annotations

import gc
import math
import operator
from datetime import timedelta

from sandbox.common.people import Population
from sandbox.common.sfids import sfdc_id
from sandbox.salesforce import picklists as pl
from sandbox.salesforce.gen_currency import seed_currencies
from sandbox.salesforce.gen_custom import seed_training
from sandbox.salesforce.gen_deals import seed_opportunities
from sandbox.salesforce.gen_enablement import seed_enablement
from sandbox.salesforce.gen_people import seed_people
from sandbox.salesforce.gen_plans import seed_plans
from sandbox.salesforce.gen_products import seed_catalogue
from sandbox.salesforce.gen_service import seed_dispositions, seed_service
from sandbox.salesforce.gen_territory import seed_territories
from sandbox.salesforce.seed_context import SeedContext, us_phone
from sandbox.salesforce.store import Store
from sandbox.salesforce.timefmt import fmt_datetime

SF_SHARE = 0.6
CONTACT_SHARE = 0.5
_REP_FIRST = ("Avery", "Jordan", "Morgan", "Riley", "Casey", "Quinn", "Harper", "Rowan", "Skyler", "Dakota", "Emerson",
              "Finley", "Hayden", "Kendall", "Logan", "Parker", "Reese", "Sawyer", "Taylor", "Blake")
_REP_LAST = ("Nakamura", "Okafor", "Lindqvist", "Moreau", "Castillo", "Brennan", "Schmidt", "Patel", "Haddad",
             "Kowalski",
             "Duarte", "Fischer", "Murphy", "Tanaka", "Varga", "Oyelaran", "Sørensen", "Rossi", "Chen", "Adeyemi")
_CAMPAIGN_WORDS = ("Spring Launch", "Summer Summit", "Q3 Pipeline Push", "Winter Webinar Series", "Partner Roadshow",
                   "Customer Advisory", "Product Tour", "Analyst Day", "Renewal Drive", "Growth Forum")


def seed(*, store: Store, population: Population, seed_value: int, integration_username: str,
         extra_accounts: int = 0) -> None:
    # Millions of long-lived rows: the cyclic GC would rescan them over and over while they are built (2x the
    # time at a million people), then on every later collection; build without it and freeze the result.
    gc.disable()
    try:
        _seed(store=store, population=population, seed_value=seed_value, integration_username=integration_username,
              extra_accounts=extra_accounts)
    finally:
        gc.enable()
        gc.freeze()


def _seed(*, store: Store, population: Population, seed_value: int, integration_username: str,
          extra_accounts: int) -> None:
    ctx = SeedContext(seed_value, population, store)
    ctx.account_ids = [sfdc_id("001", c.key) for c in population.companies]
    _users(ctx, population.size, integration_username)
    _campaigns(ctx, population.size)
    seed_catalogue(ctx)
    _accounts(ctx)
    _extra_accounts(ctx, extra_accounts)
    seed_opportunities(ctx)
    seed_people(ctx, sf_share=SF_SHARE, contact_share=CONTACT_SHARE)
    seed_service(ctx)
    seed_dispositions(ctx)
    seed_territories(ctx)
    seed_training(ctx)
    seed_enablement(ctx)
    seed_plans(ctx)
    seed_currencies(ctx)
    for obj, table in store.tables.items():
        rows = sorted(ctx.rows.get(obj, []), key=operator.itemgetter(table.ix_id))
        table.load(rows)
        floor = {"Account": len(population.companies) + extra_accounts, "Contact": population.size,
                 "Lead": population.size}
        table.next_n = max(floor.get(obj, 0), ctx.counters.get(obj, 0))
    store.population_size = population.size


def _users(ctx: SeedContext, size: int, integration_username: str) -> None:
    rnd = ctx.rnd("users")
    reps = max(8, min(300, size // 400))
    integration = sfdc_id("005", 1)
    ctx.store.integration_user_id = integration
    ctx.counters["User"] = reps + 2
    start = ctx.end - timedelta(days=900)
    people = [("Integration", "User", integration_username, "Integration")]
    for i in range(reps):
        first, last = _REP_FIRST[i % len(_REP_FIRST)], _REP_LAST[(i * 7 + i // len(_REP_FIRST)) % len(_REP_LAST)]
        suffix = "" if i < len(_REP_FIRST) else str(i // len(_REP_FIRST))
        email = f"{first}.{last}{suffix}@crmhub-sandbox.example".lower()
        people.append((first, last, email, rnd.choice(("Account Executive", "SDR", "Sales Manager", "CSM"))))
    for n, (first, last, username, title) in enumerate(people, start=1):
        uid = sfdc_id("005", n)
        if n > 1:
            ctx.users.append(uid)
        created = ctx.later(rnd, start, start + timedelta(days=30))
        ctx.add("User", {
            "Id": uid, **ctx.audit(created, ctx.later(rnd, created), by=integration),
            "Username": username, "FirstName": first, "LastName": last, "Name": f"{first} {last}",
            "Email": username if n > 1 else "integration@crmhub-sandbox.example",
            "Alias": (first[0] + last)[:8].lower(),
            "Title": title, "Department": "Sales", "IsActive": True, "TimeZoneSidKey": rnd.choice(pl.TIME_ZONES),
            "LocaleSidKey": "en_US", "UserType": "Standard", "ManagerId": sfdc_id("005", 2) if n > 2 else None,
            "LastLoginDate": fmt_datetime(ctx.later(rnd, ctx.end - timedelta(days=20))),
        })


def _campaigns(ctx: SeedContext, size: int) -> None:
    count = max(5, min(200, size // 1000))
    for i in range(count):
        rnd = ctx.rnd("campaign", i)
        cid = ctx.next_id("Campaign")
        ctx.campaigns.append(cid)
        start = ctx.later(rnd, ctx.end - timedelta(days=700), ctx.end - timedelta(days=30))
        owner = rnd.choice(ctx.users)
        status = "Completed" if start < ctx.end - timedelta(days=120) else rnd.choice(("Planned", "In Progress"))
        budget = float(rnd.randrange(5, 200) * 1000)
        ctx.add("Campaign", {
            "Id": cid, **ctx.audit(start - timedelta(days=20), ctx.later(rnd, start), by=owner, owner=owner, rnd=rnd),
            "Name": f"{start.year} {_CAMPAIGN_WORDS[i % len(_CAMPAIGN_WORDS)]} #{i + 1}",
            "Type": rnd.choice(pl.CAMPAIGN_TYPE), "Status": status, "StartDate": start.date().isoformat(),
            "EndDate": (start + timedelta(days=rnd.randint(1, 60))).date().isoformat(),
            "IsActive": status != "Completed", "BudgetedCost": budget,
            "ActualCost": round(budget * rnd.uniform(0.6, 1.2)) if status == "Completed" else None,
            "ExpectedRevenue": budget * rnd.randint(3, 10),
        })


def _accounts(ctx: SeedContext) -> None:
    for company in ctx.population.companies:
        rnd = ctx.rnd("account", company.key)
        owner = rnd.choice(ctx.users)
        ctx.account_owner[company.key] = owner
        created = company.created_at
        customer = rnd.random() < 0.35
        ctx.add("Account", {
            "Id": ctx.account_ids[company.key], **ctx.audit(created, ctx.later(rnd, created, skew=0.7), by=owner,
                                                           owner=owner, rnd=rnd),
            "Name": company.name,
            "Type": "Customer - Direct" if customer else rnd.choice(("Prospect", "Prospect", "Other",
                                                                     "Channel Partner / Reseller")),
            "BillingCity": company.city, "BillingCountry": company.country, "Phone": us_phone(company.phone),
            "Website": f"www.{company.domain}", "Industry": pl.INDUSTRY_FROM_POPULATION.get(company.industry, "Other"),
            "AnnualRevenue": float(company.annual_revenue), "NumberOfEmployees": company.employees,
            "AccountSource": rnd.choice(pl.LEAD_SOURCE[:-1]), "Rating": rnd.choice(pl.RATING),
            "Description": f"{company.industry} company in {company.city}." if rnd.random() < 0.3 else None,
            "LastActivityDate": None,
            "External_Id__c": f"ACC-{company.key:07d}" if rnd.random() < 0.7 else None,
            "Health_Score__c": float(round(100 * math.sqrt(rnd.random()))) if customer else None,
            "Customer_Since__c": ctx.later(rnd, created).date().isoformat() if customer else None,
        })


def _extra_accounts(ctx: SeedContext, count: int) -> None:
    """Plain Accounts numbered after the companies, for volume tests: no people, deals or activities of their own."""
    rnd = ctx.rnd("extra-accounts")
    first = len(ctx.population.companies)
    start = ctx.end - timedelta(days=700)
    for n in range(first, first + count):
        created = ctx.later(rnd, start)
        owner = ctx.users[n % len(ctx.users)]
        ctx.add("Account", {
            "Id": sfdc_id("001", n), **ctx.audit(created, ctx.later(rnd, created), by=owner, owner=owner),
            "Name": f"Volume Account {n}", "Type": "Prospect", "Industry": "Other",
            "NumberOfEmployees": 10 + n % 990, "AnnualRevenue": float(100_000 + n % 1000 * 1000),
            "Rating": pl.RATING[n % len(pl.RATING)],
        })
