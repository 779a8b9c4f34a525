"""The seeded customer-programme custom objects, as a Marketo admin would set them up to see a customer's programme
life next to its marketing data, each linked to a lead by ``leadID`` (the bulk extract exports only lead-linked
types):

- ``loyaltyProgram_c`` (Loyalty Membership): a customer's membership of the Northstar Rewards programme, held by its
  champion (the earliest live lead, who also reports its product usage): points, tier, status.
- ``customerCommunity_c`` (Community Membership): a customer contact's membership of the Northstar Community or one
  of its groups: posts, accepted answers, rank, when last active.
- ``advocacyProgram_c`` (Advocacy Activity): what advocates do: references, case studies, reviews, referrals.

Everything follows what the customer already shows in the seeded data: a customer's tenure starts with its first
product usage snapshot (``productUsage_c``) and its adoption (active / licensed seats of the core product) drives
enrolment, points and how much its people post; advocates are the people who answered an NPS wave with 9 or 10
(``npsResponse_c``), asked within months of that answer. So ``seed_customer_programs`` runs after
``co_seed.seed_custom_objects``. Deterministic for a seed; records are dated inside the population's span.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sandbox.common.people import Population
from sandbox.marketo.co_data import CustomObjects
from sandbox.marketo.co_records import CoRecords
from sandbox.marketo.co_schema import CoField, CoVersion
from sandbox.marketo.co_seed import approved_type, customer_leads, lead_link, new_guid
from sandbox.marketo.leadgen import Seeded

REWARDS = "Northstar Rewards"
COMMUNITY = "Northstar Community"
GROUPS = (("Forecasting Circle", "FCST"), ("RevOps Admins", "OPS"), ("Data Quality Guild", "DQ"))
ADVOCATES = "Northstar Advocates"
LAUNCHED_DAYS = 365  # the advocacy programme started this long before the data ends: older promoters are asked then
TIERS = ((3600, "Platinum"), (2400, "Gold"), (1200, "Silver"), (0, "Bronze"))  # lifetime points -> tier
RANKS = ((40, "Champion"), (15, "Expert"), (3, "Contributor"), (0, "Newcomer"))  # posts + 3 x answers -> rank
# How much a contact posts, by seniority: the people using the product daily post most.
POSTING = {"individual": 1.3, "manager": 1.0, "director": 0.6, "vp": 0.3, "c_level": 0.15}
ADVOCACY_TYPES = (("review", 0.4), ("reference", 0.3), ("referral", 0.2), ("case_study", 0.1))
REVIEW_SITES = ("G2", "TrustRadius", "Capterra", "Gartner Peer Insights")
OPEN_DAYS = 21  # an ask this recent is still requested or scheduled


def _string(name: str, label: str, description: str = "", *, dedupe: bool = False) -> CoField:
    return CoField(name, label, "string", description, dedupe=dedupe, value_type="string")


def _typed(name: str, label: str, kind: str) -> CoField:
    return CoField(name, label, kind, value_type=kind)


LOYALTY = CoVersion("Loyalty Membership", "Loyalty Memberships", "A customer's membership of a loyalty programme",
                    True, (
                        _string("membershipId", "Membership ID", "Programme and company", dedupe=True),
                        lead_link(),
                        _string("programName", "Program Name"),
                        _string("tier", "Tier", "Bronze, Silver, Gold or Platinum"),
                        _typed("points", "Points Balance", "integer"),
                        _typed("pointsRedeemed", "Points Redeemed", "integer"),
                        _typed("enrolledOn", "Enrolled On", "date"),
                        _string("status", "Status", "Active, Lapsed or Cancelled"),
                    ))
COMMUNITY_MEMBER = CoVersion("Community Membership", "Community Memberships",
                             "A customer contact's membership of the community or one of its groups", True, (
                                 _string("memberId", "Member ID", "Lead and community", dedupe=True),
                                 lead_link(),
                                 _string("communityName", "Community Name"),
                                 _string("memberRank", "Member Rank", "Newcomer, Contributor, Expert or Champion"),
                                 _typed("posts", "Posts", "integer"),
                                 _typed("answers", "Accepted Answers", "integer"),
                                 _typed("joinedOn", "Joined On", "date"),
                                 _typed("lastActiveOn", "Last Active On", "date"),
                             ))
ADVOCACY = CoVersion("Advocacy Activity", "Advocacy Activities",
                     "What customer advocates do for us: references, case studies, reviews, referrals", True, (
                         _string("activityId", "Activity ID", "Lead and the advocate's nth activity", dedupe=True),
                         lead_link(),
                         _string("programName", "Program Name"),
                         _string("activityType", "Activity Type", "reference, case_study, review or referral"),
                         _string("status", "Status", "requested, scheduled, completed or declined"),
                         _typed("performedOn", "Performed On", "date"),
                         _string("reviewSite", "Review Site"),
                         _string("referredCompany", "Referred Company"),
                     ))


@dataclass(frozen=True, slots=True)
class Customer:
    company: int
    champion: int  # the lead that carries the account-level records
    leads: tuple[int, ...]
    since: date  # its first product usage month
    adoption: float  # 0..1: active / licensed seats of the core product, averaged over its snapshots


def seed_customer_programs(co: CustomObjects, population: Population, seeded: Seeded, *, seed: int) -> None:
    rnd = random.Random(f"{seed}:marketo-customer-programs")
    end = population.end
    customers = _customers(co, population, seeded)
    first = min((c.since for c in customers), default=end.date())
    born = datetime(first.year, first.month, first.day, tzinfo=UTC) - timedelta(days=7)
    loyalty = approved_type(co, "loyaltyProgram_c", LOYALTY, born)
    community = approved_type(co, "customerCommunity_c", COMMUNITY_MEMBER, born)
    person_of = {lead.id: lead.person_key for lead in seeded.leads if lead.person_key is not None}
    for customer in customers:
        _loyalty(rnd, loyalty, customer, end)
        for lead_id in customer.leads:
            seniority = population.person(person_of[lead_id]).seniority
            _community(rnd, community, customer, lead_id, POSTING.get(seniority, 1.0), end)
    launched = end - timedelta(days=LAUNCHED_DAYS)
    advocacy = approved_type(co, "advocacyProgram_c", ADVOCACY, launched - timedelta(days=15))  # asks come first
    by_lead = {lead_id: c for c in customers for lead_id in c.leads}
    won = {c.company for c in customers}
    prospects = sorted({company.name for company in population.companies if company.key not in won})
    studied: set[int] = set()
    for lead_id, promoted in sorted(_promoters(co).items()):
        account = by_lead.get(lead_id)
        if account is None or rnd.random() >= 0.4:
            continue
        promoted = max(promoted, launched.date() + timedelta(days=rnd.randint(0, 60)))
        for n in range(1 + (rnd.random() < 0.35) + (rnd.random() < 0.1)):
            kind = _advocacy_type(rnd, case_study_done=account.company in studied)
            if kind == "case_study":
                studied.add(account.company)
            _advocacy(rnd, advocacy, f"ADV-{lead_id}-{n + 1:02d}", lead_id, kind,
                      promoted + timedelta(days=rnd.randint(7, 150) + 30 * n), end, prospects)


def _customers(co: CustomObjects, population: Population, seeded: Seeded) -> list[Customer]:
    by_company, companies = customer_leads(population, seeded)
    _, _, usage = co.of("productUsage_c")
    since: dict[int, date] = {}
    seats: dict[int, list[float]] = {}
    for record in usage.live.values():
        lead_id = int(record.values["leadID"])
        start = date.fromisoformat(str(record.values["periodStart"]))
        since[lead_id] = min(since.get(lead_id, start), start)
        if record.values.get("productCode") == "NSA-CORE":
            seats.setdefault(lead_id, []).append(record.values["activeUsers"] / record.values["licensedUsers"])
    out = []
    for company in companies:
        leads = by_company[company]
        champion = leads[0]
        if champion in since:
            adoption = sum(seats[champion]) / len(seats[champion])
            out.append(Customer(company, champion, tuple(leads), since[champion], adoption))
    return out


def _promoters(co: CustomObjects) -> dict[int, date]:
    """Lead id -> the day it first answered an NPS wave with 9 or 10."""
    _, _, nps = co.of("npsResponse_c")
    out: dict[int, date] = {}
    for record in nps.live.values():
        if int(record.values.get("score", 0)) >= 9:
            lead_id, day = int(record.values["leadID"]), date.fromisoformat(str(record.values["respondedOn"]))
            out[lead_id] = min(out.get(lead_id, day), day)
    return out


def _at(day: date, rnd: random.Random, end: datetime) -> int:
    """A time on ``day`` (business hours), never past the end of the seeded data."""
    when = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(hours=rnd.uniform(8, 18))
    return int(min(when, end - timedelta(minutes=5)).timestamp())


def _loyalty(rnd: random.Random, records: CoRecords, c: Customer, end: datetime) -> None:
    if rnd.random() >= 0.55 + 0.4 * c.adoption:
        return
    enrolled = min(c.since + timedelta(days=rnd.randint(0, 45)), end.date() - timedelta(days=1))
    months = max(0, (end.date() - enrolled).days // 30)
    earned = 250 + int(months * (80 + 320 * c.adoption) * rnd.uniform(0.8, 1.2))
    redeemed = 50 * int(earned * rnd.uniform(0, 0.6) / 50)
    status = "Cancelled" if rnd.random() < 0.04 else "Lapsed" if c.adoption < 0.3 and rnd.random() < 0.6 else "Active"
    record = records.add(LOYALTY, {
        "membershipId": f"LOY-{c.company}-REWARDS", "leadID": c.champion, "programName": REWARDS, "tier": "Bronze",
        "points": 250, "pointsRedeemed": 0, "enrolledOn": enrolled.isoformat(), "status": "Active"},
        now=_at(enrolled, rnd, end), guid=new_guid(rnd))
    statement = end.date().replace(day=1)  # the monthly points statement last updated it
    records.change(LOYALTY, record, {"points": earned - redeemed, "pointsRedeemed": redeemed, "status": status,
                                     "tier": next(name for floor, name in TIERS if earned >= floor)},
                   now=max(record.created, _at(statement, rnd, end)))


def _community(rnd: random.Random, records: CoRecords, c: Customer, lead_id: int, posting: float,
               end: datetime) -> None:
    if rnd.random() >= 0.15 + 0.4 * c.adoption:
        return
    tenure = max(1, (end.date() - c.since).days)
    joined = c.since + timedelta(days=rnd.randint(0, tenure - 1))
    _member(rnd, records, lead_id, (COMMUNITY, "MAIN"), joined, posting * (0.3 + 2.5 * c.adoption), end)
    if rnd.random() < 0.3 * c.adoption:
        group_joined = min(joined + timedelta(days=rnd.randint(0, 60)), end.date() - timedelta(days=1))
        group, code = rnd.choice(GROUPS)
        _member(rnd, records, lead_id, (group, code), group_joined, posting * (0.1 + 1.0 * c.adoption), end)


def _member(rnd: random.Random, records: CoRecords, lead_id: int, community: tuple[str, str], joined: date,
            monthly: float, end: datetime) -> None:
    days = max(1, (end.date() - joined).days)
    posts = int(monthly * days / 30 * rnd.lognormvariate(0, 0.6))
    answers = sum(rnd.random() < 0.35 for _ in range(posts))
    last = joined + timedelta(days=rnd.randint(0, min(days - 1, 20))) if posts == 0 else \
        end.date() - timedelta(days=min(days - 1, int(rnd.expovariate(max(monthly, 0.05) / 30))))
    record = records.add(COMMUNITY_MEMBER, {
        "memberId": f"COM-{lead_id}-{community[1]}", "leadID": lead_id, "communityName": community[0],
        "memberRank": "Newcomer", "posts": 0, "answers": 0, "joinedOn": joined.isoformat(),
        "lastActiveOn": joined.isoformat()}, now=_at(joined, rnd, end), guid=new_guid(rnd))
    if posts or last > joined:  # the community platform's nightly sync brought its activity since
        records.change(COMMUNITY_MEMBER, record, {
            "posts": posts, "answers": answers, "lastActiveOn": last.isoformat(),
            "memberRank": next(name for floor, name in RANKS if posts + 3 * answers >= floor)},
            now=max(record.created, _at(last, rnd, end)))


def _advocacy_type(rnd: random.Random, *, case_study_done: bool) -> str:
    """Reviews are the easiest ask and case studies the rarest; an account does one case study at most."""
    kinds = [(k, w) for k, w in ADVOCACY_TYPES if not (k == "case_study" and case_study_done)]
    pick = rnd.uniform(0, sum(w for _, w in kinds))
    for kind, weight in kinds:
        pick -= weight
        if pick <= 0:
            return kind
    return kinds[-1][0]


def _advocacy(rnd: random.Random, records: CoRecords, key: str, lead_id: int, kind: str, on: date, end: datetime,
              prospects: list[str]) -> None:
    if on > end.date() + timedelta(days=OPEN_DAYS):
        return  # not asked yet
    asked = min(on - timedelta(days=rnd.randint(3, 14)), end.date() - timedelta(days=1))
    performed = on
    recent = (end.date() - performed).days < OPEN_DAYS
    status = rnd.choice(("requested", "scheduled")) if recent else "declined" if rnd.random() < 0.15 else "completed"
    values: dict[str, Any] = {"activityId": key, "leadID": lead_id, "programName": ADVOCATES,
              "activityType": kind, "status": "requested", "performedOn": performed.isoformat()}
    if kind == "review":
        values["reviewSite"] = rnd.choice(REVIEW_SITES)
    if kind == "referral" and prospects:
        values["referredCompany"] = rnd.choice(prospects)
    record = records.add(ADVOCACY, values, now=_at(asked, rnd, end), guid=new_guid(rnd))
    if status != "requested":
        closed = min(performed, end.date() - timedelta(days=1)) if status != "scheduled" else asked
        records.change(ADVOCACY, record, {"status": status}, now=max(record.created, _at(closed, rnd, end)))


def case_studies(co: CustomObjects, population: Population, seeded: Seeded) -> list[tuple[str, date]]:
    """(customer company name, day) of every completed case study: each has its PDF in Design Studio
    (sandbox/marketo/files.py)."""
    _, _, records = co.of("advocacyProgram_c")
    person_of = {lead.id: lead.person_key for lead in seeded.leads if lead.person_key is not None}
    names = {c.key: c.name for c in population.companies}
    return sorted((names[population.person(person_of[int(r.values["leadID"])]).company_key],
                   date.fromisoformat(str(r.values["performedOn"])))
                  for r in records.live.values()
                  if r.values.get("activityType") == "case_study" and r.values.get("status") == "completed")
