"""Seeded deals: about one per four contacts, on their companies; engaged people win more often."""

from __future__ import annotations

import random
from dataclasses import dataclass

from sandbox.hubspot import enums
from sandbox.hubspot.timefmt import DAY_MS, iso

PRODUCTS = ("Platform License", "Renewal", "Expansion", "Pilot", "Professional Services", "Add-on Seats")


@dataclass(slots=True)
class Deal:
    created: int
    modified: int
    props: dict[str, str | None]
    company: int          # company record id
    contacts: tuple[int, ...]  # contact record ids
    stage: str


def make_deal(rnd: random.Random, *, company_name: str, company_id: int, employees: int, country_code: str,
              owner: str, contacts: list[tuple[int, int, float]], end: int) -> Deal:
    """``contacts``: (record id, created ms, engagement) of the people on the deal; the first is the main one."""
    earliest = max(c[1] for c in contacts)
    created = earliest + int(rnd.random() * max(1, end - earliest))
    close = created + rnd.randint(14, 180) * DAY_MS
    close -= close % DAY_MS
    engagement = sum(c[2] for c in contacts) / len(contacts)
    if close <= end:
        stage = "closedwon" if rnd.random() < 0.12 + 0.75 * engagement else "closedlost"
        modified = close + rnd.randrange(DAY_MS)
        modified = modified if modified <= end else close
    else:
        progress = min(4, int(rnd.random() * 3 + engagement * 3))
        stage = enums.OPEN_STAGES[progress]
        modified = created + int(rnd.random() * (end - created))
    amount = round(rnd.lognormvariate(9.5, 0.9) * (1 + min(employees, 5000) / 500), 2)
    if rnd.random() < 0.01:  # dirt: a negative amount typed by hand
        amount = -amount
    props: dict[str, str | None] = {
        "dealname": f"{company_name} - {rnd.choice(PRODUCTS)}", "amount": f"{amount:.2f}".rstrip("0").rstrip("."),
        "dealstage": stage, "pipeline": enums.PIPELINE_ID, "closedate": iso(close), "hubspot_owner_id": owner,
        "deal_currency_code": enums.CURRENCY_OF_COUNTRY.get(country_code, "USD"),
    }
    return Deal(created, max(created, modified), props, company_id, tuple(c[0] for c in contacts), stage)
