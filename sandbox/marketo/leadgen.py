"""Build Marketo's leads from the shared population, then their activity log, deterministically for a seed.

Shares: a person is in Marketo when ``population.member(key, "marketo", share)`` (default 0.7: marketing
automation knows more people than the CRM). Of those, the ones Salesforce also has (``member(key, "salesforce",
0.6)``) carry ``sfdcContactId`` + ``sfdcAccountId`` when Salesforce holds them as Contacts (``member(key,
"salesforce_contact", 0.5)``) and ``sfdcLeadId`` otherwise, with the ids Salesforce derives for the same person.
About 1% of people signed up twice (a duplicate lead, same address in another case), 0.5% were deleted, and 1%
each carry a malformed email, no last name, a negative revenue or a non-numeric budget.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sandbox.common.people import Company, Person, Population
from sandbox.common.sfids import sfdc_id
from sandbox.marketo import catalog
from sandbox.marketo.activitygen import LeadArrays, generate
from sandbox.marketo.fields import INDEX
from sandbox.marketo.lead_model import Lead
from sandbox.marketo.seeded_columns import SeededColumns
from sandbox.marketo.truth import Outcome, outcome

FIRST_LEAD_ID = 1001
_SOURCE_OF = {"Web": 0, "Organic Search": 1, "Paid Search": 0, "Referral": 0, "Event": 2, "Partner": 2,
              "Email": 0, "Social Media": 1}


@dataclass
class Seeded:
    leads: list[Lead]                       # live and deleted, in id order
    deleted: dict[int, int]                 # lead id -> deletion time
    columns: SeededColumns
    outcomes: dict[int, Outcome]            # person key -> conversion truth
    engagement: dict[int, float]            # person key -> engagement


@dataclass
class _Row:
    person: Person
    created: int
    duplicate: bool


def marketo_phone(phone: str) -> str:
    """A phone as people type it into Marketo forms: North American numbers the national way, ``(506) 234-3637``;
    others as given (``+44 121 234 4769``). Marketo stores phones as free text and normalises nothing."""
    if phone.startswith("+1 ") and phone[3:].count("-") == 2:
        area, mid, last = phone[3:].split("-")
        return f"({area}) {mid}-{last}"
    return phone


def _dirty_email(email: str, pick: float) -> str:
    local, domain = email.split("@", 1)
    variants = (f"{local}@@{domain}", f"{local}.{domain}", f"{local}@{domain}.", f"{local} @{domain}")
    return variants[int(pick * 1000) % len(variants)]


def _case_variant(email: str, pick: float) -> str:
    local, domain = email.split("@", 1)
    return email.upper() if pick < 0.5 else f"{local[:1].upper()}{local[1:]}@{domain}"


def build(population: Population, *, seed: int, share: float) -> Seeded:
    # The log ends where the population does (the sandbox clock's day, or the pinned data_end): current activity.
    log_end = int(population.end.timestamp())
    keys = [k for k in range(population.size) if population.member(k, "marketo", share)]
    persons = [population.person(k) for k in keys]
    companies = population.companies
    n = len(persons)
    rng = np.random.default_rng([seed, 0x4C454144])
    u = rng.random((n, 13))
    created = np.array([int(p.created_at.timestamp()) for p in persons], np.int64) - (u[:, 9] * 20 * 86_400
                                                                                        ).astype(np.int64)
    created = np.minimum(created, log_end - 86_400)
    rows = [_Row(p, int(created[i]), False) for i, p in enumerate(persons)]
    dup_of = np.flatnonzero(u[:, 7] < 0.01)
    for i in dup_of:
        when = int(created[i] + u[i, 11] * (log_end - created[i]))
        rows.append(_Row(persons[i], min(when, log_end - 3600), True))
    order = sorted(range(len(rows)), key=lambda r: (rows[r].created, rows[r].person.key, rows[r].duplicate))
    lead_ids = np.empty(len(rows), np.int64)
    for rank, r in enumerate(order):
        lead_ids[r] = FIRST_LEAD_ID + rank

    outcomes = {p.key: outcome(seed, p.key, p.engagement) for p in persons}
    deleted_mask = np.r_[u[:, 8] < 0.005, np.zeros(len(dup_of), bool)]
    all_created = np.array([r.created for r in rows], np.int64)
    end = np.where(deleted_mask, all_created + (np.r_[u[:, 10], np.zeros(len(dup_of))] *
                                               (log_end - all_created)).astype(np.int64), log_end)
    conv_frac = np.array([outcomes[r.person.key].conversion_fraction for r in rows], np.float64)
    in_sf = [population.member(p.key, "salesforce", 0.6) for p in persons]
    source = np.array([3 if in_sf[i] and u[i, 12] < 0.4 else _SOURCE_OF.get(p.lead_source, 0)
                       for i, p in enumerate(persons)] + [0] * len(dup_of), np.int64)
    arrays = LeadArrays(
        lead_id=lead_ids, created=all_created, end=end,
        engagement=np.array([r.person.engagement if not r.duplicate else 0.0 for r in rows], np.float64),
        converted=np.array([outcomes[r.person.key].converted and not r.duplicate for r in rows], bool),
        conv_ts=all_created + (conv_frac * (log_end - all_created)).astype(np.int64),
        malformed=np.r_[u[:, 0] < 0.01, np.zeros(len(dup_of), bool)],
        active=np.r_[np.ones(n, bool), np.zeros(len(dup_of), bool)],
        deleted=deleted_mask, source=source,
    )
    columns, result = generate(arrays, seed=seed)

    leads: list[Lead] = []
    for r, row in enumerate(rows):
        if row.duplicate:
            lead = _duplicate_lead(row, int(lead_ids[r]), companies[row.person.company_key])
        else:
            lead = _lead(row, int(lead_ids[r]), companies[row.person.company_key], u[r], in_sf[r], population)
            lead.set("originalSourceType", catalog.NEW_LEAD_SOURCES[int(source[r])])
        lead.set("leadScore", int(result.score[r]))
        lead.set("leadStatus", catalog.LEAD_STATUSES[int(result.status[r])])
        lead.set("rating", (None, "Warm", "Hot")[int(result.rating[r])])
        lead.set("unsubscribed", bool(result.unsubscribed[r]))
        lead.set("updatedAt", int(result.updated[r]))
        lead.modified = int(result.updated[r])
        leads.append(lead)
    leads.sort(key=lambda lead: lead.id)
    deleted = {int(lead_ids[r]): int(end[r]) for r in np.flatnonzero(deleted_mask)}
    return Seeded(leads=leads, deleted=deleted, columns=columns, outcomes=outcomes,
                  engagement={p.key: p.engagement for p in persons})


def _lead(row: _Row, lead_id: int, company: Company, u: np.ndarray, in_sf: bool, population: Population) -> Lead:
    person = row.person
    values = Lead.blank_values()
    lead = Lead(lead_id, values, person_key=person.key, modified=row.created)
    dirt: list[str] = []
    email = person.email
    if u[0] < 0.01:
        email = _dirty_email(email, u[1])
        dirt.append("malformed_email")
    elif u[1] < 0.03:
        email = _case_variant(email, u[1] / 0.03)
    if u[2] < 0.01:
        email = f" {email} "
        dirt.append("padded_email")
    last_name: str | None = person.last_name
    if u[3] < 0.01:
        last_name = None
        dirt.append("missing_last_name")
    revenue = float(company.annual_revenue)
    if u[4] < 0.01:
        revenue = -revenue
        dirt.append("negative_revenue")
    budget: str | None = None
    if u[5] < 0.01:
        budget = ("TBD", "n/a", "ask procurement")[int(u[5] * 300) % 3]
        dirt.append("non_numeric_budget")
    elif u[5] < 0.6:
        budget = str(int(person.engagement * 200 + 5) * 1000)
    fields = {
        "company": company.name, "firstName": person.first_name, "lastName": last_name, "email": email,
        "title": person.title, "phone": marketo_phone(person.phone), "city": person.city,
        "country": person.country, "postalCode": f"{int(u[12] * 89_999) + 10_000}",
        "website": f"www.{company.domain}", "industry": company.industry, "billingCountry": company.country,
        "billingCity": company.city, "mainPhone": marketo_phone(company.phone),
        "numberOfEmployees": company.employees, "annualRevenue": revenue, "leadSource": person.lead_source,
        "emailInvalid": "malformed_email" in dirt, "doNotCall": False, "leadPartitionId": 1,
        "createdAt": row.created, "estimatedBudget": budget,
    }
    if u[6] < 0.35:
        fields["mobilePhone"] = marketo_phone(person.phone[:-4] + f"{int(u[6] * 28_000) % 9000 + 1000}")
    if in_sf:
        if population.member(person.key, "salesforce_contact", 0.5):
            fields.update(sfdcType="Contact", sfdcContactId=sfdc_id("003", person.key),
                          sfdcAccountId=sfdc_id("001", company.key))
        else:
            fields.update(sfdcType="Lead", sfdcLeadId=sfdc_id("00Q", person.key))
    for name, value in fields.items():
        values[INDEX[name]] = value
    lead.dirt = tuple(dirt)
    return lead


def _duplicate_lead(row: _Row, lead_id: int, company: Company) -> Lead:
    person = row.person
    lead = Lead(lead_id, Lead.blank_values(), person_key=person.key, modified=row.created, duplicate=True,
                dirt=("duplicate",))
    local, domain = person.email.split("@", 1)
    for name, value in {
        "firstName": person.first_name, "lastName": person.last_name, "email": f"{local.capitalize()}@{domain}",
        "company": company.name, "leadSource": "Web", "emailInvalid": False, "doNotCall": False, "leadPartitionId": 1,
        "originalSourceType": "Web form fillout", "createdAt": row.created,
    }.items():
        lead.set(name, value)
    return lead
