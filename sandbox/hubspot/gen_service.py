"""Seeded service data: tickets on ~30 % of companies, and survey responses (feedback submissions).

- Tickets: 1-5 per company that has any (customers more often and more), raised by one of its contacts, owned by
  Customer Success; older ones closed (``closed_date`` hours to weeks later), recent ones in an open stage.
- Survey responses: an NPS survey answered by ~35 % of customers' contacts (promoters more among engaged
  customers), and a CSAT survey after ~25 % of closed tickets. Read-only through the API, like HubSpot's.
"""

from __future__ import annotations

import random

from sandbox.hubspot import enums
from sandbox.hubspot.gen_view import SeedView
from sandbox.hubspot.ids import IdSequence
from sandbox.hubspot.records import Rec
from sandbox.hubspot.timefmt import DAY_MS, iso

FIRST_TICKET_ID, FIRST_SUBMISSION_ID = 4_800_000_001, 5_100_000_001
SUBJECTS = {
    "PRODUCT_ISSUE": ("Report export fails", "Sync stopped overnight", "Dashboard shows no data", "Login loop on SSO",
                      "API returns 500 on bulk update"),
    "BILLING_ISSUE": ("Invoice shows the wrong seat count", "Charged twice this month",
                      "Need a VAT number on invoices"),
    "FEATURE_REQUEST": ("Request: custom fields on reports", "Request: Slack alerts", "Request: more API quota"),
    "GENERAL_INQUIRY": ("How do I add a user?", "Question about data retention", "Onboarding call request"),
}
COMMENTS = ("Great support team, quick answers.", "The product does what we need.", "Reporting could be better.",
            "Too many clicks for simple tasks.", "Onboarding was smooth.", "Price is high for what we use.",
            "The API is solid.", "Please fix the slow dashboards.")


def _service_owners(view: SeedView) -> list[str]:
    team = [o.id for o in view.active_owners if o.team[1] == "Customer Success"]
    return team or [o.id for o in view.active_owners]


def seed_tickets(view: SeedView, rnd: random.Random) -> list[Rec]:
    by_company = view.contacts_by_company()
    owners = _service_owners(view)
    made: list[tuple[int, int, dict[str, str | None], int, int]] = []  # (created, modified, props, contact, company)
    for company in view.live("companies"):
        customer = view.get("companies", company, "lifecyclestage") == "customer"
        if rnd.random() >= (0.55 if customer else 0.22):
            continue
        contacts = by_company.get(company.id, [])
        for _ in range(min(5, 1 + int(rnd.expovariate(1.0 if customer else 2.0)))):
            start = max(company.created, view.end - 730 * DAY_MS)
            created = start + int(rnd.random() ** 0.7 * max(1, view.end - start))
            contact = rnd.choice(contacts) if contacts else None
            category = rnd.choices(enums.TICKET_CATEGORIES, (45, 20, 15, 20))[0]
            age_days = (view.end - created) / DAY_MS
            closed = rnd.random() < min(0.97, 0.35 + age_days / 30)
            closed_at = min(view.end, created + rnd.randint(1, 480) * 3_600_000) if closed else None
            stage = "4" if closed else rnd.choice(("1", "1", "2", "3"))
            props: dict[str, str | None] = {
                "subject": rnd.choice(SUBJECTS[category]), "hs_pipeline": "0", "hs_pipeline_stage": stage,
                "content": f"{rnd.choice(SUBJECTS[category])}. Reported by {view.get('companies', company, 'name')}.",
                "hs_ticket_priority": rnd.choices(enums.TICKET_PRIORITIES, (30, 45, 20, 5))[0],
                "hs_ticket_category": category, "source_type": rnd.choices(enums.TICKET_SOURCES, (25, 40, 20, 15))[0],
                "hubspot_owner_id": rnd.choice(owners), "closed_date": iso(closed_at) if closed_at else None,
            }
            modified = closed_at or min(view.end, created + int(rnd.random() * 3 * DAY_MS))
            made.append((created, max(created, modified), props, contact.id if contact else 0, company.id))
    made.sort(key=lambda m: m[0])
    ids = IdSequence(FIRST_TICKET_ID, rnd)
    recs = [Rec(ids.take(), view.aligned("tickets", props), created, modified, links=(contact, company))
            for created, modified, props, contact, company in made]
    view.store.tables["tickets"].load(recs)
    return recs


def seed_feedback(view: SeedView, rnd: random.Random, tickets: list[Rec]) -> None:
    made: list[tuple[int, dict[str, str | None], int, int]] = []  # (submitted, props, contact, company)
    for company, contacts in view.contacts_by_company().items():
        customer_rec = view.store.tables["companies"].recs.get(company)
        if customer_rec is None or view.get("companies", customer_rec, "lifecyclestage") != "customer":
            continue
        for contact in contacts:
            if rnd.random() >= 0.35:
                continue
            score = min(10, max(0, round(rnd.gauss(7.8, 2.0))))
            group = "PROMOTER" if score >= 9 else "PASSIVE" if score >= 7 else "DETRACTOR"
            when = max(contact.created, view.end - 365 * DAY_MS) + int(rnd.random() * 300 * DAY_MS)
            made.append((min(when, view.end), _response(view, rnd, contact, "1", "Customer NPS survey", "NPS", score,
                                                        group), contact.id, company))
    for ticket in tickets:
        contact_id, company = view.ticket_parts(ticket)
        closed = view.get("tickets", ticket, "closed_date")
        responder = view.store.tables["contacts"].recs.get(contact_id) if contact_id else None
        if responder is None or not closed or rnd.random() >= 0.25:
            continue
        score = rnd.choices((1, 2, 3, 4, 5), (5, 7, 15, 35, 38))[0]
        made.append((min(view.end, ticket.modified + rnd.randint(1, 72) * 3_600_000),
                     _response(view, rnd, responder, "2", "Support CSAT survey", "CSAT", score, None),
                     responder.id, company))
    made.sort(key=lambda m: m[0])
    ids = IdSequence(FIRST_SUBMISSION_ID, rnd)
    view.store.tables["feedback_submissions"].load([
        Rec(ids.take(), view.aligned("feedback_submissions", {**props, "hs_submission_timestamp": iso(when)}), when,
            when, links=(contact, company))
        for when, props, contact, company in made])


def _response(view: SeedView, rnd: random.Random, contact: Rec, survey_id: str, survey: str, kind: str, score: int,
              group: str | None) -> dict[str, str | None]:
    email = view.get("contacts", contact, "email") or ""
    return {"hs_survey_id": survey_id, "hs_survey_name": survey, "hs_survey_type": kind,
            "hs_survey_channel": rnd.choices(enums.SURVEY_CHANNELS, (70, 20, 10))[0],
            "hs_submission_name": f"{survey} - {email}", "hs_value": str(score), "hs_response_group": group,
            "hs_content": rnd.choice(COMMENTS) if rnd.random() < 0.5 else None}
