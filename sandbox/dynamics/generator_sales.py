"""Seeded pipeline and engagement: opportunities per account and activities per contact or lead.

Opportunities carry estimated values from the company's size (about 1% negative and a few absurd ones, the dirt a
quality check should catch), close dates, and a won/lost outcome once the close date has passed. Activities (emails,
phone calls, tasks, appointments) follow the person's engagement and mostly regard the contact or lead itself.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sandbox.common.people import Person
from sandbox.dynamics import seedtools as st
from sandbox.dynamics.generator_products import ProductSeeder
from sandbox.dynamics.guids import GuidFactory
from sandbox.dynamics.store import Ref
from sandbox.dynamics.tables import TABLES

if TYPE_CHECKING:
    from sandbox.dynamics.generator import Org

DAY = 86400
STAGES = ("1-Qualify", "2-Develop", "3-Propose", "4-Close")
SUBJECTS = {
    "email": ("Follow-up on our call", "Proposal attached", "Meeting recap", "Pricing question", "Intro"),
    "phonecall": ("Discovery call", "Check-in call", "Left voicemail", "Demo follow-up"),
    "task": ("Send proposal", "Prepare demo", "Update account plan", "Send contract"),
    "appointment": ("Product demo", "Quarterly business review", "Onsite workshop", "Kick-off meeting"),
}


def _ordinal(seconds: int) -> int:
    return datetime.fromtimestamp(seconds, UTC).date().toordinal()


class SalesSeeder:
    def __init__(self, *, seed: int, org: Org, rows: dict[str, list[list[Any]]], guids: GuidFactory,
                 products: ProductSeeder, span: st.SeedSpan) -> None:
        self.seed = seed
        self.span = span
        self.org = org
        self.rows = rows
        self.guids = guids
        self.products = products
        self.contacts_by_account: dict[str, list[str]] = {}
        self.qualified_leads: list[list[Any]] = []

    def opportunities_for(self, account: list[Any], rnd: random.Random) -> None:
        accounts, opps = TABLES["account"], TABLES["opportunity"]
        count = rnd.choices((0, 1, 2, 3), weights=(40, 35, 15, 10))[0]
        contacts = self.contacts_by_account.get(account[0], [])
        employees = account[accounts.col["numberofemployees"]] or 10
        for _ in range(count):
            created = self.span.clamp(account[accounts.col["createdon"]] + rnd.randint(DAY, 400 * DAY))
            value = round(rnd.lognormvariate(math.log(15000) + 0.35 * math.log(employees), 0.7), -2)
            dirt = rnd.random()
            if dirt < 0.01:
                value = -value
            elif dirt < 0.015:
                value = value * 10_000
            close = created + rnd.randint(30, 200) * DAY
            stage = rnd.randrange(4)
            opportunity_id = self.guids.new()
            owner = account[accounts.col["ownerid"]]
            # with product lines, Dataverse calculates the estimated value from them
            lines_total = self.products.lines_for(opportunity_id, value, created, owner)
            value = value if lines_total is None else lines_total
            values: dict[str, Any] = {
                "opportunityid": opportunity_id, "isrevenuesystemcalculated": lines_total is not None,
                "name": f"{rnd.choice(('New business', 'Upsell', 'Renewal', 'Expansion'))} - "
                        f"{account[accounts.col['name']] or 'Unnamed account'}",
                "estimatedvalue": value, "estimatedclosedate": _ordinal(close), "salesstagecode": stage,
                "stepname": STAGES[stage], "closeprobability": (10, 40, 60, 80)[stage],
                "opportunityratingcode": rnd.choice((1, 2, 3)),
                "parentaccountid": Ref("account", account[0]), "customerid": Ref("account", account[0]),
                "parentcontactid": Ref("contact", rnd.choice(contacts)) if contacts else None,
                "campaignid": Ref("campaign", rnd.choice(self.org.campaigns)) if rnd.random() < 0.2 else None,
            }
            modified = self.span.modified_after(created, rnd)
            if close < self.span.end and rnd.random() < 0.7:
                won = rnd.random() < 0.6
                closed_on = self.span.clamp(close + rnd.randint(-20, 20) * DAY)
                values.update({
                    "statecode": 1 if won else 2, "statuscode": 3 if won else rnd.choice((4, 5)),
                    "closeprobability": 100 if won else 0, "actualclosedate": _ordinal(closed_on),
                    "actualvalue": round(value * rnd.uniform(0.8, 1.1), 2) if won else None,
                })
                modified = max(modified, closed_on) if closed_on >= created else modified
            else:
                if close < self.span.end:  # a deal still open past its date was rescheduled by its rep
                    values["estimatedclosedate"] = _ordinal(self.span.end + (close - created))
                values.update({"statecode": 0, "statuscode": rnd.choice((1, 1, 1, 2))})
            if self.qualified_leads and rnd.random() < 0.3:
                lead = self.qualified_leads.pop()
                leads = TABLES["lead"]
                values["originatingleadid"] = Ref("lead", lead[leads.col["leadid"]])
                lead[leads.col["qualifyingopportunityid"]] = values["opportunityid"]
                lead[leads.col["~qualifyingopportunityid_type"]] = "opportunity"
            self.rows["opportunity"].append(st.row_for(opps, {**values, **st.stamps(created, modified, owner)}))

    def activities_for(self, record: list[Any], logical: str, person: Person, rnd: random.Random) -> None:
        table = TABLES[logical]
        count = min(6, int(rnd.expovariate(1.0 / (0.4 + 2.5 * person.engagement))))
        created_base = record[table.col["createdon"]]
        owner = record[table.col["ownerid"]]
        for _ in range(count):
            kind = rnd.choices(("email", "phonecall", "task", "appointment"), weights=(40, 30, 20, 10))[0]
            # Within 300 days of the record; the engaged people reps keep working, over its whole life up to the
            # data's end and more and more lately (so there is recent activity). Never piled up on the last second.
            life = max(0, self.span.end - 1 - created_base)
            if person.engagement > 0.5:
                created = created_base + int(life * (1.0 - rnd.random() ** 2))
            else:
                created = created_base + rnd.randint(0, min(300 * DAY, life))
            self.rows[kind].append(self._activity(kind, record[0], logical, person, owner, created, rnd))

    def _activity(self, kind: str, regarding: str, logical: str, person: Person, owner: str, created: int,
                  rnd: random.Random) -> list[Any]:
        due = created + rnd.randint(0, 14) * DAY
        outcome = rnd.random()
        state = 1 if outcome < 0.75 else 2 if outcome < 0.8 else 0
        outgoing = rnd.random() < 0.7
        values: dict[str, Any] = {
            "activityid": self.guids.new(), "subject": rnd.choice(SUBJECTS[kind]),
            "scheduledstart": created if kind == "appointment" else None, "scheduledend": due,
            "actualend": self.span.clamp(due) if state == 1 else None, "prioritycode": rnd.choice((0, 1, 1, 1, 2)),
            "regardingobjectid": Ref(logical, regarding), "statecode": state,
        }
        if kind == "phonecall":
            values.update({"phonenumber": st.phone(person.phone), "directioncode": outgoing,
                           "statuscode": {0: 1, 1: 2 if outgoing else 4, 2: 3}[state],
                           "actualdurationminutes": rnd.randint(1, 45) if state == 1 else None})
        elif kind == "email":
            values.update({"sender": None if outgoing else person.email, "torecipients": person.email if outgoing
                           else None, "directioncode": outgoing,
                           "statuscode": {0: 1, 1: 3 if outgoing else 4, 2: 5}[state]})
        elif kind == "task":
            values.update({"statuscode": {0: rnd.choice((2, 3)), 1: 5, 2: 6}[state],
                           "percentcomplete": 100 if state == 1 else rnd.choice((0, 25, 50))})
        else:
            state = 3 if state == 0 else state
            values.update({"statecode": state, "statuscode": {3: 5, 1: 3, 2: 4}[state],
                           "location": rnd.choice(("Teams meeting", "Customer office", "Our office")),
                           "isalldayevent": False})
        modified = self.span.modified_after(created, rnd)
        return st.row_for(TABLES[kind], {**values, **st.stamps(created, modified, owner)})
