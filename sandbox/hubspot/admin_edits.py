"""Changes made "as a person would" in HubSpot's UI, for the admin routes: plausible edits of a few fields, new
records (contacts drawn from population people not yet in HubSpot), soft deletes. Deterministic for a seed."""

from __future__ import annotations

import random
from typing import Any

from sandbox.common.people import TITLES, Population
from sandbox.hubspot import enums
from sandbox.hubspot.admin_edits_more import create_more, edit_more
from sandbox.hubspot.catalog import ENGAGEMENTS
from sandbox.hubspot.gen_engagements import CALL_BODIES, EMAIL_SUBJECTS, NOTE_BODIES, TASK_SUBJECTS
from sandbox.hubspot.generator import hubspot_phone
from sandbox.hubspot.records import Rec
from sandbox.hubspot.store import Store
from sandbox.hubspot.timefmt import iso

_ENGAGEMENT_EDITS = {
    "calls": ("hs_call_body", CALL_BODIES), "emails": ("hs_email_subject", EMAIL_SUBJECTS),
    "meetings": ("hs_meeting_outcome", enums.MEETING_OUTCOMES), "notes": ("hs_note_body", NOTE_BODIES),
    "tasks": ("hs_task_status", enums.TASK_STATUSES),
}
# The association type ids a person's new record gets (deal→company primary, engagement→contact).
_DEAL_TO_COMPANY, _ENGAGEMENT_TO_CONTACT = 5, {"calls": 194, "emails": 198, "meetings": 200, "notes": 202,
                                                "tasks": 204}


def _phone(rnd: random.Random) -> str:
    return hubspot_phone(f"+1 {rnd.randint(200, 989)} {rnd.randint(100, 999)} {rnd.randint(1000, 9999)}")


class PersonEdits:
    def __init__(self, store: Store, population: Population) -> None:
        self.store = store
        self.population = population

    def edit_fields(self, otype: str, rec: Rec, rnd: random.Random) -> dict[str, str]:
        schema = self.store.schemas[otype]
        if otype not in ("contacts", "companies", "deals", *ENGAGEMENTS):
            return edit_more(self.store, otype, rec, rnd)
        if otype == "contacts":
            stage = rec.get(schema.columns["lifecyclestage"]) or "lead"
            order = enums.LIFECYCLE_STAGES[:6]
            later = order[min(len(order) - 1, order.index(stage) + 1)] if stage in order else "lead"
            choices = [{"jobtitle": rnd.choice(TITLES)[0]}, {"phone": _phone(rnd)}, {"lifecyclestage": later},
                       {"hs_lead_status": rnd.choice(enums.LEAD_STATUSES)}, {"city": rnd.choice(("Austin", "Leeds",
                                                                                                 "Lyon", "Porto"))}]
            fields: dict[str, str] = {}
            for choice in rnd.sample(choices, rnd.randint(1, 2)):
                fields.update(choice)
            return fields
        if otype == "companies":
            employees = int(float(rec.get(schema.columns["numberofemployees"]) or 10))
            return rnd.choice([{"numberofemployees": str(max(1, employees + rnd.randint(-5, 50)))},
                               {"phone": _phone(rnd)}, {"industry": rnd.choice(enums.INDUSTRIES)}])
        if otype == "deals":
            stage = rec.get(schema.columns["dealstage"]) or enums.OPEN_STAGES[0]
            if stage in enums.OPEN_STAGES and rnd.random() < 0.5:
                at = enums.OPEN_STAGES.index(stage)
                nxt = enums.OPEN_STAGES[at + 1] if at + 1 < len(enums.OPEN_STAGES) else rnd.choice(
                    enums.CLOSED_STAGES)
                if nxt == "closedlost":
                    return {"dealstage": nxt, "closed_lost_reason": rnd.choice(enums.LOSS_REASONS)}
                return {"dealstage": nxt}
            return {"amount": str(rnd.randrange(1_000, 250_000))}
        prop, pool = _ENGAGEMENT_EDITS[otype]
        return {prop: rnd.choice(pool)}

    def create_many(self, otype: str, rnd: random.Random, n: int) -> list[Rec]:
        """``n`` new records; who is already in HubSpot is collected once for all of them (per record it made 5,000
        creates at 1,000,000 contacts take longer than the benchmark's admin call waits)."""
        present = ({r.person for r in self.store.tables[otype].recs.values()}
                   if otype in ("contacts", "companies") else set())
        return [self.create(otype, rnd, present) for _ in range(n)]

    def create(self, otype: str, rnd: random.Random, present: set[Any] | None = None) -> Rec:
        """A new record; ``present`` (the person/company keys already in the table, kept up to date here) saves
        collecting them again when many are made."""
        if otype in ("contacts", "companies"):
            if present is None:
                present = {r.person for r in self.store.tables[otype].recs.values()}
            rec = self._new_contact(rnd, present) if otype == "contacts" else self._new_company(rnd, present)
            present.add(rec.person)
            return rec
        if otype == "deals":
            company = self._random_live("companies", rnd)
            deal = {"dealname": f"New opportunity {rnd.randrange(10_000)}", "dealstage": enums.OPEN_STAGES[0],
                    "pipeline": enums.PIPELINE_ID, "amount": str(rnd.randrange(1_000, 90_000))}
            assoc = [_association(company.id, _DEAL_TO_COMPANY)] if company else []
            return self.store.create("deals", deal, associations=assoc)
        if otype not in ENGAGEMENTS:
            return create_more(self.store, otype, rnd)
        contact = self._random_live("contacts", rnd)
        prop, pool = _ENGAGEMENT_EDITS[otype]
        props: dict[str, Any] = {"hs_timestamp": iso(self.store.now_ms()), prop: rnd.choice(pool)}
        if otype == "tasks":
            props["hs_task_subject"] = rnd.choice(TASK_SUBJECTS)
        assoc = [_association(contact.id, _ENGAGEMENT_TO_CONTACT[otype])] if contact else []
        return self.store.create(otype, props, associations=assoc)

    def _new_contact(self, rnd: random.Random, present: set[Any]) -> Rec:
        pop = self.population
        for _ in range(200):  # people of the population HubSpot has not met yet, else a stranger
            key = rnd.randrange(pop.size)
            if key not in present:
                person = pop.person(key)
                company = self.store.tables["companies"].find_by_person(person.company_key)
                props = {"email": person.email, "firstname": person.first_name, "lastname": person.last_name,
                         "phone": hubspot_phone(person.phone), "jobtitle": person.title, "city": person.city,
                         "country": person.country, "lifecyclestage": "lead"}
                if company is not None:
                    props["associatedcompanyid"] = str(company.id)
                return self.store.create("contacts", props, person=key)
        n = rnd.randrange(1_000_000)
        return self.store.create("contacts", {"email": f"visitor{n}@example.org", "lifecyclestage": "subscriber"})

    def _new_company(self, rnd: random.Random, present: set[Any]) -> Rec:
        absent = [c for c in self.population.companies if c.key not in present]
        if not absent:
            n = rnd.randrange(1_000_000)
            return self.store.create("companies", {"name": f"Prospect {n} Ltd", "domain": f"prospect{n}.example"})
        co = rnd.choice(absent)
        props = {"name": co.name, "domain": co.domain, "industry": enums.INDUSTRY_OF[co.industry],
                 "numberofemployees": str(co.employees), "country": co.country, "city": co.city}
        return self.store.create("companies", props, person=co.key)

    def _random_live(self, otype: str, rnd: random.Random) -> Rec | None:
        live = self.store.tables[otype].live
        return self.store.tables[otype].recs[live[rnd.randrange(len(live))]] if live else None


def _association(to_id: int, type_id: int) -> dict[str, Any]:
    return {"to": {"id": str(to_id)}, "types": [{"associationCategory": "HUBSPOT_DEFINED",
                                                 "associationTypeId": type_id}]}
