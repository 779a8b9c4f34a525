"""Seed the stage definitions, the territory model with its user and account assignments, and the quotas.

Proportions: one OpportunityStage per stage of the org's sales process; one active Territory2Model with a global
root, four regions and two segments per region (Enterprise, Commercial); every sales rep assigned to one segment
(Sales Rep) and the first rep of each region as its Owner; about 80 % of Accounts assigned to their region's segment
by the assignment rule (a few by hand); a revenue quota (ForecastingQuota, ``OpportunityRevenue``) per rep per
quarter over the last eight quarters, this one and the next, and a units quota (``OpportunityQuantity``) for every
third rep.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sandbox.salesforce import picklists as pl
from sandbox.salesforce.derive_service import add_months
from sandbox.salesforce.seed_context import SeedContext

ACCOUNT_ASSIGNED_SHARE = 0.8
_REGIONS = {"North America": ("US", "CA"), "EMEA": ("GB", "DE", "FR", "NL", "ES", "IT", "SE", "IE", "PL", "CH"),
            "APAC": ("JP", "AU", "IN", "SG", "CN", "NZ"), "LATAM": ("BR", "MX", "AR", "CL", "CO")}
_SEGMENTS = ("Enterprise", "Commercial")


def seed_territories(ctx: SeedContext) -> None:
    setup = ctx.end - timedelta(days=950)
    admin = ctx.store.integration_user_id
    _stages(ctx, setup, admin)
    model = ctx.next_id("Territory2Model")
    ctx.add("Territory2Model", {"Id": model, **ctx.audit(setup, setup, by=admin, owner=admin),
                                "Name": "FY Sales Territories", "DeveloperName": "FY_Sales_Territories",
                                "State": "Active", "Description": "The org's active territory model."})
    types = {}
    for i, (label, dev) in enumerate((("Region", "Region"), ("Segment", "Segment"), ("Global", "Global"))):
        types[dev] = ctx.next_id("Territory2Type")
        ctx.add("Territory2Type", {"Id": types[dev], **ctx.audit(setup, setup, by=admin), "MasterLabel": label,
                                   "DeveloperName": dev, "Priority": i + 1, "Description": None})

    def territory(name: str, dev: str, kind: str, parent: str | None, description: str) -> str:
        tid = ctx.next_id("Territory2")
        rnd = ctx.rnd("territory", dev)
        ctx.add("Territory2", {
            "Id": tid, **ctx.audit(setup, ctx.later(rnd, setup, skew=2.0), by=admin), "Name": name,
            "DeveloperName": dev, "Description": description, "ParentTerritory2Id": parent,
            "Territory2ModelId": model, "Territory2TypeId": types[kind], "ForecastUserId": None,
            "AccountAccessLevel": "Edit", "OpportunityAccessLevel": "Edit", "CaseAccessLevel": "Read"})
        return tid

    root = territory("Global", "Global", "Global", None, "Every account of the company.")
    leaves: dict[str, list[str]] = {}
    for region in _REGIONS:
        dev = region.replace(" ", "_")
        rid = territory(region, dev, "Region", root, f"Accounts billed in {region}.")
        leaves[region] = [territory(f"{region} {segment}", f"{dev}_{segment}", "Segment", rid,
                                    f"{segment} accounts in {region}.") for segment in _SEGMENTS]
    _user_assignments(ctx, leaves, setup)
    _account_assignments(ctx, leaves, setup)
    _quotas(ctx, setup)


def _stages(ctx: SeedContext, setup: datetime, admin: str) -> None:
    for order, stage in enumerate(pl.STAGES, start=1):
        ctx.add("OpportunityStage", {
            "Id": ctx.next_id("OpportunityStage"), **ctx.audit(setup, setup, by=admin), "ApiName": stage.name,
            "MasterLabel": stage.name, "DefaultProbability": stage.probability, "Description": None,
            "ForecastCategory": pl.FORECAST_API_NAME[stage.forecast].replace("Commit", "Forecast"),
            "ForecastCategoryName": stage.forecast, "IsActive": True, "IsClosed": stage.closed, "IsWon": stage.won,
            "SortOrder": order})


def _user_assignments(ctx: SeedContext, leaves: dict[str, list[str]], setup: datetime) -> None:
    regions = list(leaves)
    for i, user in enumerate(ctx.users):
        rnd = ctx.rnd("user-territory", user)
        region = regions[i % len(regions)]
        leaf = leaves[region][(i // len(regions)) % len(_SEGMENTS)]
        at = ctx.later(rnd, setup + timedelta(days=30), skew=2.0)
        by = ctx.store.integration_user_id
        ctx.add("UserTerritory2Association", {
            "Id": ctx.next_id("UserTerritory2Association"), **ctx.audit(at, at, by=by), "Territory2Id": leaf,
            "UserId": user, "IsActive": True, "RoleInTerritory2": "Owner" if i < len(regions) else "Sales Rep"})


def _region_of(code: str) -> str | None:
    for region, codes in _REGIONS.items():
        if code in codes:
            return region
    return None


def _account_assignments(ctx: SeedContext, leaves: dict[str, list[str]], setup: datetime) -> None:
    for company in ctx.population.companies:
        rnd = ctx.rnd("account-territory", company.key)
        region = _region_of(company.country_code) or rnd.choice(list(leaves))
        if rnd.random() >= ACCOUNT_ASSIGNED_SHARE:
            continue
        leaf = leaves[region][0 if company.employees >= 1000 else 1]
        at = ctx.later(rnd, max(setup, company.created_at), skew=2.0)
        manual = rnd.random() < 0.1
        ctx.add("ObjectTerritory2Association", {
            "Id": ctx.next_id("ObjectTerritory2Association"),
            **ctx.audit(at, at, by=ctx.account_owner[company.key] if manual else ctx.store.integration_user_id),
            "ObjectId": ctx.account_ids[company.key], "Territory2Id": leaf, "SobjectType": "Account",
            "AssociationCause": "Territory2Manual" if manual else "Territory2AssignmentRule"})


def quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _quotas(ctx: SeedContext, setup: datetime) -> None:
    admin = ctx.store.integration_user_id
    revenue, units = ctx.next_id("ForecastingType"), ctx.next_id("ForecastingType")
    for tid, dev, label, is_amount in ((revenue, "OpportunityRevenue", "Opportunities - Revenue", True),
                                       (units, "OpportunityQuantity", "Opportunities - Quantity", False)):
        ctx.add("ForecastingType", {"Id": tid, **ctx.audit(setup, setup, by=admin), "DeveloperName": dev,
                                    "MasterLabel": label, "IsActive": True, "IsAmount": is_amount,
                                    "IsQuantity": not is_amount})
    current = quarter_start(ctx.end.date())
    quarters = [add_months(current, 3 * k) for k in range(-8, 2)]
    for i, user in enumerate(ctx.users):
        rnd = ctx.rnd("quota", user)
        base = rnd.randrange(150, 600) * 1000
        for q in quarters:
            set_at = datetime.combine(add_months(q, -1), datetime.min.time(), tzinfo=UTC)
            set_at = min(max(set_at, setup), ctx.end)
            growth = 1 + 0.03 * quarters.index(q)
            _quota(ctx, user, q, set_at, revenue, amount=round(base * growth, -3))
            if i % 3 == 0:
                _quota(ctx, user, q, set_at, units, quantity=float(rnd.randint(4, 12)))


def _quota(ctx: SeedContext, user: str, start: date, at: datetime, kind: str, *,
           amount: float | None = None, quantity: float | None = None) -> None:
    manager = ctx.users[0]
    ctx.add("ForecastingQuota", {
        "Id": ctx.next_id("ForecastingQuota"), **ctx.audit(at, at, by=manager), "QuotaOwnerId": user,
        "StartDate": start.isoformat(), "QuotaAmount": amount, "QuotaQuantity": quantity, "ForecastingTypeId": kind,
        "IsAmount": amount is not None, "IsQuantity": quantity is not None, "Territory2Id": None})
