"""Admin mass changes: a month-end mass update at one timestamp, and seeded random person-like edits.

Some random edits touch only custom fields: Marketo logs them and the bulk export's ``updatedAt`` filter sees
them, but the visible ``updatedAt`` does not move, a trap for a sync keyed on that field.
"""

from __future__ import annotations

import random
from typing import Any

from sandbox.common.people import TITLES
from sandbox.marketo import catalog, mutations
from sandbox.marketo.admin_records import AdminError, lead_changes
from sandbox.marketo.leadgen import marketo_phone
from sandbox.marketo.state import State
from sandbox.marketo.timefmt import iso

DEFAULT_TOUCH = {"rating": "Reviewed"}
SEGMENTS = ("Enterprise", "Mid-Market", "SMB", "Strategic")


def _count(body: dict[str, Any], key: str, default: int = 0) -> int:
    try:
        value = int(body.get(key, default))
    except (TypeError, ValueError) as exc:
        raise AdminError(400, f"{key!r} must be an integer") from exc
    if value < 0:
        raise AdminError(400, f"{key!r} must not be negative")
    return value


def bulk_touch(state: State, body: dict[str, Any]) -> dict[str, Any]:
    count = _count(body, "count")
    fields = body.get("fields") or DEFAULT_TOUCH
    if not isinstance(fields, dict):
        raise AdminError(400, "'fields' must be an object")
    changes = lead_changes(fields, creating=False)
    live = sorted(state.store.live)
    if count > len(live):
        raise AdminError(400, f"only {len(live)} live leads")
    chosen = sorted(random.Random(_count(body, "seed")).sample(live, count))
    now = state.now_ts()
    for lead_id in chosen:
        lead = state.store.get(lead_id)
        assert lead is not None
        state.mutations.update(lead, changes, now=now, source=mutations.MASS_UPDATE, force=True)
    return {"timestamp": iso(now), "ids": [str(i) for i in chosen]}


def random_edits(state: State, body: dict[str, Any]) -> dict[str, Any]:
    rnd = random.Random(_count(body, "seed"))
    edits, deletes, creates = _count(body, "edits"), _count(body, "deletes"), _count(body, "creates")
    live = sorted(state.store.live)
    if edits + deletes > len(live):
        raise AdminError(400, f"only {len(live)} live leads")
    picked = rnd.sample(live, edits + deletes)
    now = state.now_ts()
    edited = []
    for lead_id in picked[:edits]:
        lead = state.store.get(lead_id)
        assert lead is not None
        state.mutations.update(lead, _random_change(rnd, lead.get("phone")), now=now, source=mutations.PERSON)
        edited.append(str(lead_id))
    for lead_id in picked[edits:]:
        state.mutations.delete(lead_id, now=now)
    known = {lead.person_key for lead in state.store.live.values()} | {
        d.lead.person_key for d in state.store.deleted.values()}
    created = [str(_arrival(state, rnd, now, known)) for _ in range(creates)]
    return {"edited": edited, "deleted": [str(i) for i in picked[edits:]], "created": created}


def _random_change(rnd: random.Random, phone: str | None) -> dict[str, Any]:
    kind = rnd.randrange(6)
    if kind == 0:
        return {"title": rnd.choice(TITLES)[0]}
    if kind == 1:
        return {"leadStatus": rnd.choice(catalog.LEAD_STATUSES)}
    if kind == 2:
        return {"rating": rnd.choice(("Hot", "Warm", "Cold"))}
    if kind == 3 and phone:
        return {"phone": phone[:-4] + f"{rnd.randrange(1000, 10_000)}"}
    if kind == 4:
        return {"crmhubSegment": rnd.choice(SEGMENTS)}  # custom only: updatedAt stays put
    return {"estimatedBudget": str(rnd.randrange(5, 250) * 1000), "city": rnd.choice(("Austin", "Leeds", "Lyon"))}


def _arrival(state: State, rnd: random.Random, now: int, known: set[int | None]) -> int:
    """A person from the shared population who was not in Marketo yet fills out a form."""
    population = state.population
    for _ in range(200):
        key = rnd.randrange(population.size)
        if key in known:
            continue
        person = population.person(key)
        company = population.companies[person.company_key]
        values = {"firstName": person.first_name, "lastName": person.last_name, "email": person.email,
                  "title": person.title, "company": company.name, "phone": marketo_phone(person.phone),
                  "country": person.country, "city": person.city, "leadSource": "Web",
                  "leadStatus": catalog.LEAD_STATUSES[0], "leadScore": 0}
        known.add(key)
        return state.mutations.create(values, now=now, source=mutations.PERSON, person_key=key).id
    first, last = rnd.choice(("Ada", "Lin", "Omar")), rnd.choice(("Ngata", "Sousa", "Keller"))
    values = {"firstName": first, "lastName": last, "email": f"{first}.{last}.{now}@example.org".lower()}
    return state.mutations.create(values, now=now, source=mutations.PERSON).id
