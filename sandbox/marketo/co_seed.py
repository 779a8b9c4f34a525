"""The seeded custom objects: ``productUsage_c`` (monthly product usage snapshots) and ``npsResponse_c`` (quarterly
NPS survey answers), both linked to a lead by ``leadID`` (a link field to Lead.id), as a Marketo admin would set
them up to bring product and survey data next to marketing data.

Customers are the companies where someone won (``GET /_admin/truth/conversions``). Each customer licenses one to
three products and reports usage every month for its last 3 to 12 months, through its earliest live lead (the
account's champion); adoption follows the company's health, which also drives how its people answer the NPS survey
(promoters 9-10, passives 7-8, detractors 0-6). About 35% of a customer's people answer each of the last 8
quarterly waves. Deterministic for a seed; records are dated inside the population's span.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta

from sandbox.common.people import Population
from sandbox.marketo.co_data import CustomObjects
from sandbox.marketo.co_records import CoRecords
from sandbox.marketo.co_schema import CoField, CoType, CoVersion
from sandbox.marketo.leadgen import Seeded

PRODUCTS = (("NSA-CORE", 1.0), ("NSA-FORECAST", 0.55), ("NSA-DQ", 0.35))  # (code, share of customers)
CHANNELS = ("email", "in-app")
COMMENTS = {
    "promoter": ("The forecast roll-up saves our managers a day every week.", "Support is fast and knows the product.",
                 "Pipeline reviews finally use one set of numbers.", ""),
    "passive": ("Good product; the reporting could be more flexible.", "Works well once set up; onboarding was slow.",
                "", "Pricing is on the high side for what we use."),
    "detractor": ("Sync errors with our CRM took weeks to resolve.", "Too hard to get adoption beyond the ops team.",
                  "We are evaluating alternatives at renewal.", ""),
}
WAVES = 8  # quarterly NPS waves seeded
RESPONSE_RATE = 0.35


def lead_link() -> CoField:
    return CoField("leadID", "Lead ID", "link", "Link field to Lead object", related_to=("lead", "id"),
                   value_type="integer")


PRODUCT_USAGE = CoVersion("Product Usage", "Product Usages", "Monthly product usage snapshot per customer product",
                          True, (
                              CoField("usageId", "Usage ID", "string", "Company, product and month", dedupe=True,
                                      value_type="string"),
                              lead_link(),
                              CoField("productCode", "Product Code", "string", value_type="string"),
                              CoField("periodStart", "Period Start", "date", value_type="date"),
                              CoField("activeUsers", "Active Users", "integer", value_type="integer"),
                              CoField("licensedUsers", "Licensed Users", "integer", value_type="integer"),
                              CoField("usageEvents", "Usage Events", "integer", value_type="integer"),
                          ))
NPS_RESPONSE = CoVersion("NPS Response", "NPS Responses", "Answers to the quarterly NPS survey", True, (
    CoField("responseId", "Response ID", "string", "Lead and survey wave", dedupe=True, value_type="string"),
    lead_link(),
    CoField("surveyName", "Survey Name", "string", value_type="string"),
    CoField("score", "Score", "integer", "0 (not at all likely) to 10 (extremely likely)", value_type="integer"),
    CoField("respondedOn", "Responded On", "date", value_type="date"),
    CoField("channel", "Channel", "string", value_type="string"),
    CoField("comment", "Comment", "text", value_type="text"),
))


def _month(d: date, back: int) -> date:
    year, month = divmod(d.year * 12 + d.month - 1 - back, 12)
    return date(year, month + 1, 1)


def customer_leads(population: Population, seeded: Seeded) -> tuple[dict[int, list[int]], list[int]]:
    """(company key -> its live leads' ids in id order, the customers' company keys in order): a customer is a
    company where someone won; its champion, the earliest live lead, carries the account-level records."""
    by_company: dict[int, list[int]] = {}
    won: set[int] = set()
    for lead in seeded.leads:
        if lead.id in seeded.deleted or lead.duplicate or lead.person_key is None:
            continue
        company = population.person(lead.person_key).company_key
        by_company.setdefault(company, []).append(lead.id)
        if seeded.outcomes[lead.person_key].won:
            won.add(company)
    return by_company, sorted(won)


def seed_custom_objects(co: CustomObjects, population: Population, seeded: Seeded, *, seed: int) -> None:
    rnd = random.Random(f"{seed}:marketo-custom-objects")
    end = population.end
    by_company, customers = customer_leads(population, seeded)
    health = {c: rnd.betavariate(4, 2) for c in customers}  # 0..1: adoption and sentiment
    first = end - timedelta(days=31 * 12 + 7)
    usage = approved_type(co, "productUsage_c", PRODUCT_USAGE, first)
    nps = approved_type(co, "npsResponse_c", NPS_RESPONSE, end - timedelta(days=92 * WAVES + 7))
    companies = {c.key: c for c in population.companies}
    for company in customers:
        champion = min(by_company[company])
        seats = max(5, min(400, companies[company].employees // 3))
        months = rnd.randint(3, 12)
        for code, share in PRODUCTS:
            if code != "NSA-CORE" and rnd.random() > share:
                continue
            licensed = max(3, int(seats * (1.0 if code == "NSA-CORE" else rnd.uniform(0.2, 0.6))))
            for back in range(months, 0, -1):
                start = _month(end.date(), back)
                adoption = min(1.0, max(0.05, health[company] * rnd.uniform(0.75, 1.1) + 0.05 * (months - back)
                                        / months))
                active = max(1, int(licensed * adoption))
                loaded = datetime(start.year, start.month, 1, tzinfo=UTC) + timedelta(days=32 + rnd.uniform(0, 3))
                loaded = min(loaded, end - timedelta(hours=1))
                usage.add(PRODUCT_USAGE, {
                    "usageId": f"PU-{company}-{code}-{start:%Y%m}", "leadID": champion, "productCode": code,
                    "periodStart": start.isoformat(), "activeUsers": active, "licensedUsers": licensed,
                    "usageEvents": int(active * rnd.uniform(40, 400))}, now=int(loaded.timestamp()),
                    guid=new_guid(rnd))
        for wave in range(WAVES, 0, -1):
            sent = end - timedelta(days=92 * wave)
            quarter = f"{sent.year}-Q{(sent.month - 1) // 3 + 1}"
            for lead_id in by_company[company]:
                if rnd.random() >= RESPONSE_RATE:
                    continue
                score = _score(rnd, health[company])
                kind = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
                answered = sent + timedelta(days=rnd.uniform(0, 14))
                values = {"responseId": f"NPS-{lead_id}-{quarter}", "leadID": lead_id, "surveyName": f"NPS {quarter}",
                          "score": score, "respondedOn": answered.date().isoformat(),
                          "channel": CHANNELS[rnd.random() < 0.3], "comment": rnd.choice(COMMENTS[kind]) or None}
                nps.add(NPS_RESPONSE, {k: v for k, v in values.items() if v is not None},
                        now=int(answered.timestamp()), guid=new_guid(rnd))


def approved_type(co: CustomObjects, api_name: str, version: CoVersion, created: datetime) -> CoRecords:
    """An approved type, created (first approved) before its first record."""
    at = int(created.timestamp())
    co.registry.types[api_name] = CoType(api_name, at, at, approved=version)
    return co.records.setdefault(api_name, CoRecords())


def _score(rnd: random.Random, health: float) -> int:
    return max(0, min(10, round(rnd.gauss(4 + 6 * health, 1.6))))


def new_guid(rnd: random.Random) -> str:
    return str(uuid.UUID(int=rnd.getrandbits(128), version=4))
