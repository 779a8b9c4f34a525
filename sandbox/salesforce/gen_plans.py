"""Seed the planning objects: account plans, quota plans and strategic initiatives (fiscal year = calendar year,
Salesforce's default).

Proportions (document them when they change): an Account_Plan__c for about 80 % of direct customers, one per
fiscal year since the account became a customer (at most last year, this year, and next year's draft in Q4),
owned by the account's owner, its target a 10-50 % uplift on the account's won amount of the year before and its
whitespace the active products its won deals never included; from last fiscal year on, a Quota_Plan__c per region
and fiscal year the reps' revenue quotas (ForecastingQuota) cover, its total those quotas annualised, and a Global
one splitting the company's target into them, about 40 % with a superseded first draft; five to eight
Strategic_Initiative__c per fiscal year from last year to next year's proposals.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sandbox.salesforce.objects_plans import ACCOUNT_PLAN_STATUS, QUOTA_PLAN_METHOD
from sandbox.salesforce.plan_values import (
    INITIATIVES,
    OBJECTIVES,
    REGION_CURRENCY,
    account_currency,
    in_currency,
)
from sandbox.salesforce.seed_context import SeedContext, SeededRows

ACCOUNT_PLAN_SHARE, SUPERSEDED_SHARE = 0.8, 0.4


def seed_plans(ctx: SeedContext) -> None:
    _account_plans(ctx)
    _quota_plans(ctx)
    _initiatives(ctx)


def _at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC)


def _between(ctx: SeedContext, rnd: random.Random, start: date, end: date) -> datetime:
    """A moment between two days, never after the end of seeded history."""
    return min(ctx.later(rnd, _at(start), _at(end)), ctx.end)


def _account_plans(ctx: SeedContext) -> None:
    accounts = SeededRows(ctx, "Account")
    by_id = {accounts.get(row, "Id"): row for row in accounts.rows}
    won, bought = _won_business(ctx)
    products = sorted(p.name for _, _, p in ctx.price_entries)
    year = ctx.end.year
    for company in ctx.population.companies:
        account = ctx.account_ids[company.key]
        row = by_id[account]
        rnd = ctx.rnd("account-plan", company.key)
        if accounts.get(row, "Type") != "Customer - Direct" or rnd.random() >= ACCOUNT_PLAN_SHARE:
            continue
        since = accounts.get(row, "Customer_Since__c")
        years = list(range(max(year - 1, int(since[:4]) if since else year), year + 1))
        if ctx.end.month >= 10 and rnd.random() < 0.5:
            years.append(year + 1)
        currency = account_currency(company.country_code)
        owner = ctx.account_owner[company.key]
        for fy in years:
            status = ("Closed" if fy < year else "Draft" if fy > year
                      else rnd.choices(ACCOUNT_PLAN_STATUS[:3], weights=(15, 15, 70))[0])
            created = max(_between(ctx, rnd, date(fy - 1, 11, 1), date(fy - 1, 12, 31)), company.created_at)
            base = won.get((account, fy - 1)) or won.get((account, fy - 2)) or company.annual_revenue * 0.002
            target = max(10_000.0, round(in_currency(base * rnd.uniform(1.1, 1.5), currency), -3))
            gaps = [p for p in products if p not in bought.get(account, set())]
            review = (date(fy, 12, 15) if fy < year else date(fy, 1, 31) if fy > year
                      else date(year, (ctx.end.month - 1) // 3 * 3 + 1, 1) + timedelta(days=rnd.randint(75, 100)))
            ctx.add("Account_Plan__c", {
                "Id": ctx.next_id("Account_Plan__c"), **ctx.audit(created, ctx.later(rnd, created), by=owner,
                                                                  owner=owner),
                "Name": f"{accounts.get(row, 'Name')} FY{fy}"[:80], "Account__c": account, "Fiscal_Year__c": float(fy),
                "Status__c": status, "Objectives__c": "\n".join(f"- {o}" for o in rnd.sample(OBJECTIVES, 3)),
                "Whitespace__c": ("Not yet bought: " + ", ".join(rnd.sample(gaps, min(len(gaps), 3)))) if gaps
                else None,
                "Target_Revenue__c": target, "Currency__c": currency, "Review_Date__c": review.isoformat(),
            })


def _won_business(ctx: SeedContext) -> tuple[dict[tuple[str, int], float], dict[str, set[str]]]:
    """(won amount by account and close year, product names the account's won deals included)."""
    opps, lines, products = SeededRows(ctx, "Opportunity"), SeededRows(ctx, "OpportunityLineItem"), SeededRows(
        ctx, "Product2")
    name_of = {products.get(r, "Id"): products.get(r, "Name") for r in products.rows}
    won: dict[tuple[str, int], float] = {}
    account_of: dict[str, str] = {}
    for row in opps.rows:
        if opps.get(row, "IsWon") and opps.get(row, "AccountId"):
            account = opps.get(row, "AccountId")
            account_of[opps.get(row, "Id")] = account
            key = (account, int(opps.get(row, "CloseDate")[:4]))
            won[key] = won.get(key, 0.0) + float(opps.get(row, "Amount") or 0.0)
    bought: dict[str, set[str]] = {}
    for row in lines.rows:
        account = account_of.get(lines.get(row, "OpportunityId"))
        if account is not None:
            bought.setdefault(account, set()).add(name_of[lines.get(row, "Product2Id")])
    return won, bought


def _quota_plans(ctx: SeedContext) -> None:
    totals = {key: total for key, total in _quota_totals(ctx).items() if key[1] >= ctx.end.year - 1}
    for fy in sorted({fy for _, fy in totals}):  # the company's target, split into the regions' plans
        totals["Global", fy] = sum(total for (_, year), total in totals.items() if year == fy)
    manager = ctx.users[0]
    for (region, fy), total in sorted(totals.items(), key=lambda item: (item[0][1], item[0][0])):
        rnd = ctx.rnd("quota-plan", region, fy)
        currency = REGION_CURRENCY[region]
        method = rnd.choice(QUOTA_PLAN_METHOD)
        drafted = _between(ctx, rnd, date(fy - 1, 9, 15), date(fy - 1, 10, 31))
        versions = 2 if rnd.random() < SUPERSEDED_SHARE else 1
        for version in range(1, versions + 1):
            last = version == versions
            amount = total if last else total * rnd.uniform(0.9, 1.15)
            approved = _between(ctx, rnd, date(fy - 1, 12, 1), date(fy - 1, 12, 20)) if fy <= ctx.end.year else None
            status = ("Superseded" if not last else "Approved" if approved is not None
                      else rnd.choice(("Draft", "Submitted")))
            created = drafted + timedelta(days=21 * (version - 1))
            ctx.add("Quota_Plan__c", {
                "Id": ctx.next_id("Quota_Plan__c"),
                **ctx.audit(min(created, ctx.end), approved or ctx.later(rnd, min(created, ctx.end)), by=manager,
                            owner=manager),
                "Name": f"FY{fy} {region} Quota Plan" + (f" v{version}" if versions > 1 else ""),
                "Fiscal_Year__c": float(fy), "Region__c": region, "Method__c": method, "Status__c": status,
                "Total_Amount__c": round(in_currency(amount, currency), -3), "Currency__c": currency,
                "Approved_On__c": approved.date().isoformat() if approved is not None and last else None,
                "Approved_By__c": manager if approved is not None and last else None,
            })


def _quota_totals(ctx: SeedContext) -> dict[tuple[str, int], float]:
    """Region and fiscal year -> the year's revenue quota of the region's reps, annualised from the quarters set."""
    links, territories, quotas = (SeededRows(ctx, "UserTerritory2Association"), SeededRows(ctx, "Territory2"),
                                  SeededRows(ctx, "ForecastingQuota"))
    name = {territories.get(r, "Id"): territories.get(r, "Name") for r in territories.rows}
    parent = {territories.get(r, "Id"): territories.get(r, "ParentTerritory2Id") for r in territories.rows}
    region_of = {links.get(r, "UserId"): name[parent[links.get(r, "Territory2Id")]] for r in links.rows}
    sums: dict[tuple[str, int], float] = {}
    quarters: dict[tuple[str, int], set[str]] = {}
    for row in quotas.rows:
        region = region_of.get(quotas.get(row, "QuotaOwnerId"))
        if region is None or not quotas.get(row, "IsAmount"):
            continue
        key = (region, int(quotas.get(row, "StartDate")[:4]))
        sums[key] = sums.get(key, 0.0) + float(quotas.get(row, "QuotaAmount"))
        quarters.setdefault(key, set()).add(quotas.get(row, "StartDate"))
    return {key: total * 4 / len(quarters[key]) for key, total in sums.items()}


def _initiatives(ctx: SeedContext) -> None:
    year = ctx.end.year
    for fy in range(year - 1, year + 2):
        rnd = ctx.rnd("initiatives", fy)
        for title, objective, market in rnd.sample(INITIATIVES, rnd.randint(5, 8)):
            start = date(fy, rnd.choice((1, 4, 7, 10)), 1)
            end = start + timedelta(days=rnd.choice((90, 180, 270, 365)) - 1)
            status = ("Proposed" if start > ctx.end.date()
                      else ("Completed" if rnd.random() < 0.85 else "Cancelled") if end < ctx.end.date()
                      else ("Active" if rnd.random() < 0.85 else "On Hold"))
            owner = ctx.users[0] if rnd.random() < 0.4 else rnd.choice(ctx.users)
            created = min(_at(start) - timedelta(days=rnd.randint(20, 60)), ctx.end)
            budget = float(rnd.randrange(5, 100) * 5000)
            currency = REGION_CURRENCY.get(market, "USD")
            ctx.add("Strategic_Initiative__c", {
                "Id": ctx.next_id("Strategic_Initiative__c"),
                **ctx.audit(created, ctx.later(rnd, created), by=owner, owner=owner),
                "Name": f"FY{fy} {title.format(market=market)}"[:80], "Objective__c": objective.format(market=market),
                "Start_Date__c": start.isoformat(), "End_Date__c": end.isoformat(), "Status__c": status,
                "Budget__c": budget, "Target_Revenue__c": round(budget * rnd.uniform(3, 12), -4),
                "Currency__c": currency, "Market__c": market,
            })
