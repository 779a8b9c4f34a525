"""Seeded HubSpot data drawn from the shared population: contacts (a share of the people), their companies, deals,
engagements, and a few contacts already merged with a duplicate. Deterministic for a seed and the population's end
(the sandbox clock's day): engagements and modified dates run up to that day, open deals close in the months after
it, and ~1% of each kind of dirt is mixed in.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from sandbox.common.people import Company, Person, Population
from sandbox.hubspot import enums
from sandbox.hubspot.gen_analytics import web_analytics
from sandbox.hubspot.gen_deals import Deal, make_deal
from sandbox.hubspot.gen_engagements import Engagement, engagement_count, make_engagement
from sandbox.hubspot.gen_extras import seed_call_outcomes, seed_company_tiers, seed_contact_roles, seed_deal_extras
from sandbox.hubspot.gen_partners import seed_partners
from sandbox.hubspot.gen_products import seed_products
from sandbox.hubspot.gen_programs import seed_programs
from sandbox.hubspot.gen_sales import seed_goals, seed_quotes
from sandbox.hubspot.gen_service import seed_feedback, seed_tickets
from sandbox.hubspot.gen_view import SeedView
from sandbox.hubspot.ids import FIRST_ID, IdSequence
from sandbox.hubspot.records import Rec
from sandbox.hubspot.settings import Settings
from sandbox.hubspot.store import Store
from sandbox.hubspot.timefmt import DAY_MS, to_ms

ENGAGEMENT_SPAN = 730 * DAY_MS
DUPLICATE_SHARE = 0.005


@dataclass(slots=True)
class _Contact:
    person: Person
    rid: int
    created: int
    company_rid: int
    owner: str
    deals: list[int] = field(default_factory=list)
    won: bool = False
    open_deal: bool = False
    last_activity: int = 0
    contacted: int = 0
    duplicate: tuple[int, int, int] | None = None  # (id, created, merged at) of a duplicate merged into this one


def _aligned(props: Mapping[str, str | None], columns: dict[str, int]) -> tuple[str | None, ...]:
    values: list[str | None] = [None] * len(columns)
    for name, value in props.items():
        values[columns[name]] = value
    return tuple(values)


def hubspot_phone(raw: str) -> str:
    """``+1 415 555 1234`` as HubSpot users tend to type it: ``+1 415-555-1234``."""
    prefix, *rest = raw.split(" ")
    return f"{prefix} {'-'.join(rest)}"


def _dirty_email(rnd: random.Random, email: str) -> str:
    local, _, domain = email.partition("@")
    return rnd.choice((f"{local} at {domain}", f"{local}@{domain.rsplit('.', 1)[0]}", f"{local}@@{domain}"))


class Generator:
    def __init__(self, store: Store, *, population: Population, seed: int, settings: Settings) -> None:
        self.store = store
        self.population = population
        self.end = to_ms(population.end)  # where the seeded data ends: engagements and edits up to it
        self.settings = settings
        self.rnd = random.Random(f"{seed}:hubspot:data")
        self.products_rnd = random.Random(f"{seed}:hubspot:products")
        self.seed = seed
        self.active = [o.id for o in store.owners if not o.archived]
        self.former = [o.id for o in store.owners if o.archived]

    def run(self) -> None:
        pop = self.population
        persons = [pop.person(k) for k in range(pop.size) if pop.member(k, "hubspot", self.settings.contact_share)]
        companies = pop.companies
        used = sorted({p.company_key for p in persons}, key=lambda k: (companies[k].created_at, k))
        company_ids = IdSequence(FIRST_ID["companies"], self.rnd)
        company_rid = {key: company_ids.take() for key in used}
        company_owner = {key: self._owner(0.03) for key in used}
        contacts = self._contacts(persons, company_rid, company_owner)
        deals = self._deals(contacts, companies, company_rid, company_owner)
        self._load_engagements(contacts)
        self._load_contacts(contacts, companies)
        self._load_companies(used, companies, company_rid, company_owner, contacts)
        seed_products(self.store, self.products_rnd, deals, self.end)  # sets the amounts of deals with line items
        self._load_deals(deals)
        self._later_additions()

    def _later_additions(self) -> None:
        """What the seed gained after its first version, each from its own random stream: the data above stays as
        it was for a seed."""
        view = SeedView(self.store, self.end)
        seed_deal_extras(view, random.Random(f"{self.seed}:hubspot:deal-extras"))
        seed_contact_roles(view, random.Random(f"{self.seed}:hubspot:contact-roles"))
        seed_call_outcomes(view, random.Random(f"{self.seed}:hubspot:call-outcomes"))
        seed_company_tiers(view, random.Random(f"{self.seed}:hubspot:tiers"))
        tickets = seed_tickets(view, random.Random(f"{self.seed}:hubspot:tickets"))
        seed_feedback(view, random.Random(f"{self.seed}:hubspot:feedback"), tickets)
        seed_quotes(view, random.Random(f"{self.seed}:hubspot:quotes"))
        seed_goals(view, random.Random(f"{self.seed}:hubspot:goals"))
        seed_partners(view, random.Random(f"{self.seed}:hubspot:partners"))
        seed_programs(view, random.Random(f"{self.seed}:hubspot:programs"))

    def _owner(self, former_share: float) -> str:
        return self.rnd.choice(self.former) if self.rnd.random() < former_share else self.rnd.choice(self.active)

    def _contacts(self, persons: list[Person], company_rid: dict[int, int],
                  company_owner: dict[int, str]) -> list[_Contact]:
        rnd = self.rnd
        events: list[tuple[int, int, bool]] = []
        for p in persons:
            created = to_ms(p.created_at)
            events.append((created, p.key, False))
            if rnd.random() < DUPLICATE_SHARE and created < self.end - 90 * DAY_MS:
                events.append((created + rnd.randint(1, 60) * DAY_MS, p.key, True))
        events.sort()
        by_key = {p.key: p for p in persons}
        ids = IdSequence(FIRST_ID["contacts"], rnd)
        out: dict[int, _Contact] = {}
        duplicates: list[tuple[int, int, int]] = []
        for created, key, duplicate in events:
            rid = ids.take()
            if duplicate:
                duplicates.append((key, rid, created))
                continue
            person = by_key[key]
            owner = company_owner[person.company_key] if rnd.random() < 0.85 else self._owner(0.02)
            out[key] = _Contact(person, rid, created, company_rid[person.company_key], owner)
        for key, rid, created in duplicates:
            out[key].duplicate = (rid, created, created + rnd.randint(1, 20) * DAY_MS)
        return sorted(out.values(), key=lambda c: c.rid)

    def _deals(self, contacts: list[_Contact], companies: list[Company], company_rid: dict[int, int],
               company_owner: dict[int, str]) -> list[tuple[int, Deal]]:
        rnd = self.rnd
        by_company: dict[int, list[_Contact]] = defaultdict(list)
        for c in contacts:
            by_company[c.person.company_key].append(c)
        made: list[tuple[Deal, list[_Contact]]] = []
        for key, members in by_company.items():
            company = companies[key]
            for main in members:
                if rnd.random() >= 0.25:
                    continue
                extra = rnd.randint(0, 2)
                picked = rnd.sample(members, min(len(members), extra + 1))
                team = [main, *[m for m in picked if m is not main][:extra]]
                deal = make_deal(rnd, company_name=company.name, company_id=company_rid[key],
                                 employees=company.employees, country_code=company.country_code,
                                 owner=company_owner[key],
                                 contacts=[(m.rid, m.created, m.person.engagement) for m in team], end=self.end)
                made.append((deal, team))
        made.sort(key=lambda d: d[0].created)
        ids = IdSequence(FIRST_ID["deals"], rnd)
        out: list[tuple[int, Deal]] = []
        for deal, team in made:
            rid = ids.take()
            out.append((rid, deal))
            for member in team:
                member.deals.append(rid)
                member.won |= deal.stage == "closedwon"
                member.open_deal |= deal.stage in enums.OPEN_STAGES
        return out

    def _load_engagements(self, contacts: list[_Contact]) -> None:
        rnd = self.rnd
        made: dict[str, list[Engagement]] = defaultdict(list)
        for c in contacts:
            start = max(c.created, self.end - ENGAGEMENT_SPAN)
            for _ in range(engagement_count(rnd, c.person.engagement, self.settings.engagements_per_contact)):
                deal = rnd.choice(c.deals) if c.deals and rnd.random() < 0.5 else 0
                e = make_engagement(rnd, start=start, end=self.end, owner=c.owner, contact=c.rid,
                                    company=c.company_rid, deal=deal)
                made[e.kind].append(e)
                c.last_activity = max(c.last_activity, e.modified)
                c.contacted += e.kind in ("calls", "emails", "meetings")
        for kind, items in made.items():
            items.sort(key=lambda e: e.created)
            ids = IdSequence(FIRST_ID[kind], rnd)
            columns = self.store.schemas[kind].columns
            self.store.tables[kind].load([
                Rec(ids.take(), _aligned(e.props, columns), e.created, e.modified,
                    links=(e.contact, e.company, e.deal))
                for e in items
            ])

    def _load_contacts(self, contacts: list[_Contact], companies: list[Company]) -> None:
        rnd = self.rnd
        columns = self.store.schemas["contacts"].columns
        recs: list[Rec] = []
        for c in contacts:
            p = c.person
            email = p.email if rnd.random() >= 0.01 else _dirty_email(rnd, p.email)
            props: dict[str, str | None] = {
                "email": email, "firstname": p.first_name, "lastname": p.last_name if rnd.random() >= 0.01 else None,
                "phone": hubspot_phone(p.phone), "jobtitle": p.title, "company": companies[p.company_key].name,
                "country": p.country, "city": p.city, "hubspot_owner_id": c.owner,
                "associatedcompanyid": str(c.company_rid), "hs_analytics_source": enums.SOURCE_OF_LEAD[p.lead_source],
                "hs_merged_object_ids": "", "num_contacted_notes": str(c.contacted),
                **self._stage(c),
            }
            # A stream per person, so adding the roll-ups left every other seeded value as it was.
            analytics, last_seen = web_analytics(random.Random(f"{self.seed}:hubspot:analytics:{p.key}"),
                                                 p.engagement, c.created, self.end)
            props.update(analytics)
            # tracking updates the contact: its last session is a modification too
            modified = max(c.created + int(rnd.random() * (self.end - c.created) * 0.5), c.last_activity, last_seen)
            if c.duplicate is not None:
                dup_id, dup_created, merged_at = c.duplicate
                props["hs_merged_object_ids"] = str(dup_id)
                modified = max(modified, merged_at)
                dup_props = dict(props, email=f"{p.first_name}.{p.last_name}{p.key}@gmail.com".lower().replace(" ", ""),
                                 hs_merged_object_ids="", num_contacted_notes="0")
                dup = Rec(dup_id, _aligned(dup_props, columns), dup_created, merged_at,
                          links=(c.company_rid,), person=p.key)
                dup.merged_into = c.rid
                recs.append(dup)
            recs.append(Rec(c.rid, _aligned(props, columns), c.created, min(modified, self.end),
                            links=(c.company_rid,), person=p.key))
        recs.sort(key=lambda r: r.id)
        self.store.tables["contacts"].load(recs)

    def _stage(self, c: _Contact) -> dict[str, str | None]:
        e = c.person.engagement
        if c.won:
            return {"lifecyclestage": "customer", "hs_lead_status": "CONNECTED"}
        if c.open_deal:
            return {"lifecyclestage": "opportunity", "hs_lead_status": "OPEN_DEAL"}
        stage = ("subscriber" if e < 0.12 else "lead" if e < 0.35 else "marketingqualifiedlead" if e < 0.55
                 else "salesqualifiedlead")
        statuses = ("NEW", "ATTEMPTED_TO_CONTACT", "IN_PROGRESS", "CONNECTED", "UNQUALIFIED", "BAD_TIMING")
        status = None if self.rnd.random() < 0.1 else statuses[min(5, int(e * 6))]
        return {"lifecyclestage": stage, "hs_lead_status": status}

    def _load_companies(self, used: list[int], companies: list[Company], company_rid: dict[int, int],
                        company_owner: dict[int, str], contacts: list[_Contact]) -> None:
        rnd = self.rnd
        won = {c.company_rid for c in contacts if c.won}
        open_deal = {c.company_rid for c in contacts if c.open_deal}
        columns = self.store.schemas["companies"].columns
        recs: list[Rec] = []
        for key in used:
            co, rid = companies[key], company_rid[key]
            revenue = str(co.annual_revenue) if rnd.random() >= 0.01 else rnd.choice(("", "n/a"))
            props = {
                "name": co.name, "domain": co.domain, "industry": enums.INDUSTRY_OF[co.industry],
                "numberofemployees": str(co.employees), "annualrevenue": revenue, "country": co.country,
                "city": co.city, "phone": hubspot_phone(co.phone), "hubspot_owner_id": company_owner[key],
                "lifecyclestage": "customer" if rid in won else "opportunity" if rid in open_deal else "lead",
                "hs_merged_object_ids": "",
            }
            created = to_ms(co.created_at)
            recs.append(Rec(rid, _aligned(props, columns), created,
                            created + int(rnd.random() * (self.end - created)), person=key))
        self.store.tables["companies"].load(recs)

    def _load_deals(self, deals: list[tuple[int, Deal]]) -> None:
        columns = self.store.schemas["deals"].columns
        self.store.tables["deals"].load([
            Rec(rid, _aligned(d.props, columns), d.created, d.modified, links=(d.company, d.contacts))
            for rid, d in deals
        ])


def generate(store: Store, *, population: Population, seed: int, settings: Settings) -> None:
    Generator(store, population=population, seed=seed, settings=settings).run()
