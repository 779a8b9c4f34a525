"""Seed opportunities and their stage history (one OpportunityHistory row per stage a deal went through)."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from typing import Any

from sandbox.salesforce import picklists as pl
from sandbox.salesforce.gen_currency import deal_currency
from sandbox.salesforce.gen_products import seed_line_items
from sandbox.salesforce.seed_context import SeedContext
from sandbox.salesforce.timefmt import fmt_datetime

DEAL_SHARE = 0.45  # accounts with at least one opportunity
_PRODUCTS = ("Platform", "Analytics Add-on", "Enterprise Seats", "Renewal", "Expansion", "Pilot", "Support Plan",
             "Data Connector")


def _final_stage(rnd: random.Random) -> pl.Stage:
    roll = rnd.random()
    if roll < 0.3:
        return pl.STAGES[-2]  # Closed Won
    if roll < 0.55:
        return pl.STAGES[-1]  # Closed Lost
    return rnd.choice(pl.OPEN_STAGES)


def seed_opportunities(ctx: SeedContext) -> None:
    for company in ctx.population.companies:
        rnd = ctx.rnd("deals", company.key)
        if rnd.random() >= DEAL_SHARE:
            continue
        for _ in range(rnd.choice((1, 1, 1, 2, 2, 3))):
            _opportunity(ctx, rnd, company.key, company.name, company.employees, company.created_at)


def _opportunity(ctx: SeedContext, rnd: random.Random, company_key: int, company_name: str, employees: int,
                 account_created: datetime) -> None:
    oid = ctx.next_id("Opportunity")
    ctx.account_opps.setdefault(company_key, []).append(oid)
    owner = ctx.account_owner[company_key]
    created = ctx.later(rnd, account_created)
    final = _final_stage(rnd)
    amount: float | None = round(rnd.uniform(5_000, 40_000) * math.log(employees + 2), 2)
    dirt = rnd.random()
    if dirt < 0.01:
        amount = -abs(amount or 0.0)  # dirty data: a negative amount imported before the validation rule existed
    elif dirt < 0.03:
        amount = None
    path = _stage_path(rnd, final)
    moments = sorted(ctx.later(rnd, created, min(ctx.end, created + timedelta(days=240))) for _ in path[1:])
    times = [created, *moments]
    modified = ctx.later(rnd, times[-1], min(ctx.end, times[-1] + timedelta(days=30)))
    close = times[-1] if final.closed else ctx.end + timedelta(days=rnd.randint(10, 200))
    campaign = rnd.choice(ctx.campaigns) if ctx.campaigns and rnd.random() < 0.2 else None
    audit = ctx.audit(created, modified, by=owner, owner=owner, rnd=rnd)
    name = f"{company_name} - {rnd.choice(_PRODUCTS)}"
    lines_before = ctx.counters.get("OpportunityLineItem", 0)
    if amount is not None and amount > 0:  # Salesforce rolls the line items' TotalPrice up into Amount
        amount = seed_line_items(ctx, oid, name, amount, created, owner)
    currency = deal_currency(ctx, oid, company_key, has_lines=ctx.counters.get("OpportunityLineItem", 0) > lines_before)
    ctx.add("Opportunity", {
        "Id": oid, **audit,
        "AccountId": ctx.account_ids[company_key], "Name": name,
        "StageName": final.name, "Amount": amount, "CurrencyIsoCode": currency, "Probability": final.probability,
        "CloseDate": close.date().isoformat(), "Type": rnd.choice(pl.OPPORTUNITY_TYPE),
        "LeadSource": rnd.choice(pl.LEAD_SOURCE[:-1]), "NextStep": None if final.closed else "Follow up call",
        "ForecastCategoryName": final.forecast, "IsClosed": final.closed, "IsWon": final.won, "CampaignId": campaign,
        "LastStageChangeDate": fmt_datetime(times[-1]), "Description": None,
        "External_Id__c": f"OPP-{oid}" if rnd.random() < 0.5 else None,  # unique ignoring case, as SF checks
        "Win_Probability__c": None,
    })
    for stage, at in zip(path, times, strict=True):
        _history(ctx, oid, owner, stage, at, amount, close.date().isoformat())


def _stage_path(rnd: random.Random, final: pl.Stage) -> list[pl.Stage]:
    if not final.closed:
        return list(pl.OPEN_STAGES[:pl.OPEN_STAGES.index(final) + 1])
    reached = rnd.randint(1, len(pl.OPEN_STAGES))
    return [*pl.OPEN_STAGES[:reached], final]


def _history(ctx: SeedContext, oid: str, owner: str, stage: pl.Stage, at: datetime, amount: float | None,
             close: str) -> None:
    stamp = fmt_datetime(at)
    values: dict[str, Any] = {
        "Id": ctx.next_id("OpportunityHistory"), "IsDeleted": False, "CreatedDate": stamp, "CreatedById": owner,
        "SystemModstamp": stamp, "OpportunityId": oid, "StageName": stage.name, "Amount": amount,
        "ExpectedRevenue": None if amount is None else round(amount * stage.probability / 100, 2) + 0.0,
        "CloseDate": close, "Probability": stage.probability,
        "ForecastCategory": pl.FORECAST_API_NAME[stage.forecast], "PrevAmount": None, "PrevCloseDate": None,
    }
    ctx.add("OpportunityHistory", values)
