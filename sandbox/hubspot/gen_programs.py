"""The seeded partner-programme and sales-enablement custom objects (schemas in ``gen_programs_defs``), made after
the channel partners they refer to:

- Partner Portal Activity (``p<portal>_partner_portal_activity``), associated with its partner: one a month for the
  last six months of each active or suspended partner since it joined; active partners log in more, and register
  and download more the more they log in.
- Incentive Program (``p<portal>_incentive_program``), associated with the partners enrolled: ~one per four
  partners (at least six) over the last two years; a closed programme paid out most of its budget.
- Market (``p<portal>_market``): a country market for each country our companies are in, and an industry market for
  the commonest industries.
- Sales Content (``p<portal>_sales_content``), associated with a product for ~60 %: a few dozen pieces; the ones for
  late stages are used more, and in won deals in proportion to the win rate.
"""

from __future__ import annotations

import random
from collections import Counter

from sandbox.hubspot import enums
from sandbox.hubspot.custom_objects import create_custom_object
from sandbox.hubspot.gen_programs_defs import (
    CONTENT_TYPES,
    MARKET,
    PROGRAM_TYPES,
    REGIONS,
    SALES_CONTENT,
    incentive_program_definition,
    portal_activity_definition,
)
from sandbox.hubspot.gen_view import SeedView
from sandbox.hubspot.ids import IdSequence
from sandbox.hubspot.records import Link, Rec
from sandbox.hubspot.timefmt import DAY_MS, iso_date

FIRST_ID = {"partner_portal_activity": 18_900_000_001, "incentive_program": 19_100_000_001,
            "market": 19_300_000_001, "sales_content": 19_500_000_001}
REGION_OF = {"United States": "North America", "Canada": "North America", "Mexico": "LATAM", "Brazil": "LATAM",
             "Australia": "APAC", "Japan": "APAC", "India": "APAC", "Singapore": "APAC"}
Made = tuple[int, int, dict[str, str | None], tuple[Link, ...]]  # created, modified, properties, associations


def seed_programs(view: SeedView, rnd: random.Random) -> None:
    created_at = view.end - 700 * DAY_MS
    partner_type = f"p{view.store.portal_id}_channel_partner"
    partner_id = view.store.schemas[partner_type].type_id
    partners = view.live(partner_type)
    for definition, made in (
        (portal_activity_definition(partner_id), _portal_activity(view, rnd, partner_type, partners)),
        (incentive_program_definition(partner_id), _incentives(view, rnd, partners)),
        (MARKET, _markets(view, rnd)),
        (SALES_CONTENT, _content(view, rnd)),
    ):
        schema = create_custom_object(view.store, definition, created_at)
        made.sort(key=lambda m: m[0])
        ids = IdSequence(FIRST_ID[str(definition["name"])], rnd)
        view.store.tables[schema.name].load([
            Rec(ids.take(), view.aligned(schema.name, props), max(created_at, created),
                max(created_at, created, modified), links=links)
            for created, modified, props, links in made])


def _month_starts(end: int, months: int) -> list[int]:
    """The first day (ms, UTC) of each of the last ``months`` whole months before ``end``, oldest first."""
    day = end // DAY_MS * DAY_MS
    starts: list[int] = []
    for _ in range(months):
        day -= DAY_MS  # into the previous month
        while iso_date(day)[8:] != "01":
            day -= DAY_MS
        starts.append(day)
    return starts[::-1]


def _portal_activity(view: SeedView, rnd: random.Random, partner_type: str, partners: list[Rec]) -> list[Made]:
    made: list[Made] = []
    for partner in partners:
        status = view.get(partner_type, partner, "partner_status")
        if status not in ("active", "suspended"):
            continue
        name = view.get(partner_type, partner, "partner_name") or str(partner.id)
        joined = partner.created
        seats = rnd.randint(2, 25)
        for start in _month_starts(view.end, 6):
            if start < joined:
                continue
            engaged = rnd.betavariate(4, 2) if status == "active" else rnd.betavariate(1, 5)
            active = max(0, round(seats * engaged))
            logins = active * rnd.randint(2, 12)
            filed = start + 31 * DAY_MS + rnd.randint(0, 2) * DAY_MS  # the portal's monthly roll-up, early next month
            props: dict[str, str | None] = {
                     "activity_name": f"{name} / {iso_date(start)[:7]}", "period_start": iso_date(start),
                     "logins": str(logins), "active_users": str(active),
                     "deals_registered": str(sum(rnd.random() < 0.04 for _ in range(logins))),
                     "content_downloads": str(sum(rnd.random() < 0.25 for _ in range(logins))),
                     "hubspot_owner_id": view.get(partner_type, partner, "hubspot_owner_id")}
            made.append((min(view.end, filed), min(view.end, filed), props, (partner.id,)))
    return made


def _incentives(view: SeedView, rnd: random.Random, partners: list[Rec]) -> list[Made]:
    made: list[Made] = []
    owners = [o.id for o in view.active_owners]
    for _ in range(max(6, len(partners) // 4)):
        start = view.end - rnd.randint(0, 720) * DAY_MS
        start -= start % DAY_MS
        end = start + rnd.choice((30, 90, 180, 365)) * DAY_MS
        status = "planned" if start > view.end - 14 * DAY_MS else "closed" if end < view.end else "active"
        kind = rnd.choices(PROGRAM_TYPES, (35, 25, 25, 15))[0]
        budget = rnd.choice((5_000, 10_000, 25_000, 50_000, 100_000, 250_000))
        spent = {"planned": 0.0, "active": rnd.uniform(0.1, 0.7), "closed": rnd.uniform(0.6, 1.0)}[status]
        enrolled = tuple(p.id for p in rnd.sample(partners, min(len(partners), rnd.randint(1, 8))))
        label = kind.upper() if kind in ("mdf", "spiff") else kind.title()
        theme = rnd.choice(("Accelerator", "Boost", "Growth", "Launch", "Summit"))
        props: dict[str, str | None] = {"program_name": f"{iso_date(start)[:4]} {label} {theme}",
                 "program_type": kind, "program_status": status, "start_date": iso_date(start),
                 "end_date": iso_date(end), "budget": str(budget), "paid_out": str(round(budget * spent, 2)),
                 "currency": rnd.choices(enums.CURRENCIES, (70, 15, 8, 4, 3))[0],
                 "hubspot_owner_id": str(rnd.choice(owners))}
        created = start - rnd.randint(7, 45) * DAY_MS
        modified = min(view.end, end if status == "closed" else created + rnd.randint(0, 60) * DAY_MS)
        made.append((created, max(created, modified), props, (enrolled,)))
    return made


def _markets(view: SeedView, rnd: random.Random) -> list[Made]:
    companies = view.live("companies")
    countries = Counter(view.get("companies", c, "country") or "" for c in companies)
    industries = Counter(view.get("companies", c, "industry") or "" for c in companies)
    made: list[Made] = []
    for country, n in sorted(countries.items()):
        if country:
            region = REGION_OF.get(country, "EMEA")
            props: dict[str, str | None] = {"market_name": country, "region": region, "country": country,
                     "size_estimate": str(n * rnd.randint(200, 900) * 10_000), "currency": "USD",
                     "description": f"Companies in {country} ({n} in our CRM today)."}
            made.append((view.end - rnd.randint(300, 690) * DAY_MS, view.end - rnd.randint(0, 200) * DAY_MS, props,
                         ()))
    for industry, n in industries.most_common(6):
        if industry:
            label = industry.replace("_", " ").title()
            props = {"market_name": label, "region": rnd.choice(REGIONS), "industry": industry,
                     "size_estimate": str(n * rnd.randint(500, 2_000) * 10_000), "currency": "USD",
                     "description": f"{label}, all regions."}
            made.append((view.end - rnd.randint(300, 690) * DAY_MS, view.end - rnd.randint(0, 200) * DAY_MS, props,
                         ()))
    return made


def _content(view: SeedView, rnd: random.Random) -> list[Made]:
    products = view.live("products")
    deals = view.live("deals")
    won = sum(view.get("deals", d, "dealstage") == "closedwon" for d in deals) / max(1, len(deals))
    made: list[Made] = []
    for n in range(rnd.randint(24, 40)):
        stage_at = rnd.randrange(len(enums.OPEN_STAGES))
        kind = CONTENT_TYPES[stage_at % len(CONTENT_TYPES)] if rnd.random() < 0.5 else rnd.choice(CONTENT_TYPES)
        product = rnd.choice(products) if products and rnd.random() < 0.6 else None
        subject = (view.get("products", product, "name") if product else None) or rnd.choice(
            ("Platform", "Security", "Pricing", "Onboarding", "Competitor X", "ROI"))
        uses = int(rnd.expovariate(1 / (4 + 6 * stage_at)) * max(1, len(deals)) / 200)
        props: dict[str, str | None] = {"title": f"{subject} {kind.replace('_', ' ')} #{n + 1}", "content_type": kind,
                 "deal_stage": enums.OPEN_STAGES[stage_at],
                 "url": f"https://content.example.com/{kind}/{n + 1}", "uses": str(uses),
                 "uses_in_won_deals": str(sum(rnd.random() < won for _ in range(uses)))}
        created = view.end - rnd.randint(30, 690) * DAY_MS
        link: Link = (product.id,) if product else 0
        made.append((created, min(view.end, created + rnd.randint(0, 300) * DAY_MS), props, (link,)))
    return made
