"""The seeded custom objects, made through the schemas code as an admin would have made them:

- Channel Partner (``p<portal>_channel_partner``), associated with a company: ~8 % of companies resell for us;
  tier, status, country, when they joined, an owner.
- Partner Deal (``p<portal>_partner_deal``), associated with its partner, its deal and the deal's company: ~15 % of
  deals were registered by a partner (active partners more than the rest); its status follows the deal (won, lost,
  or approved/registered/rejected while open).
"""

from __future__ import annotations

import random
from typing import Any

from sandbox.hubspot import enums
from sandbox.hubspot.custom_objects import create_custom_object
from sandbox.hubspot.gen_view import SeedView
from sandbox.hubspot.ids import IdSequence
from sandbox.hubspot.records import Rec
from sandbox.hubspot.timefmt import DAY_MS, iso_date, parse_instant

FIRST_PARTNER_ID, FIRST_PARTNER_DEAL_ID = 18_200_000_001, 18_600_000_001
PARTNER_TIERS = ("registered", "silver", "gold", "platinum")
PARTNER_STATUSES = ("prospect", "active", "suspended", "terminated")
REGISTRATION_STATUSES = ("registered", "approved", "rejected", "won", "lost")


def _enum(name: str, label: str, values: tuple[str, ...]) -> dict[str, Any]:
    return {"name": name, "label": label, "type": "enumeration", "fieldType": "select",
            "options": [{"label": v.title(), "value": v, "displayOrder": i} for i, v in enumerate(values)]}


CHANNEL_PARTNER = {
    "name": "channel_partner", "labels": {"singular": "Channel Partner", "plural": "Channel Partners"},
    "description": "A company that resells or refers our products.",
    "primaryDisplayProperty": "partner_name", "requiredProperties": ["partner_name"],
    "searchableProperties": ["partner_name"], "secondaryDisplayProperties": ["partner_tier"],
    "properties": [
        {"name": "partner_name", "label": "Partner name", "isPrimaryDisplayLabel": True},
        _enum("partner_tier", "Partner tier", PARTNER_TIERS), _enum("partner_status", "Partner status",
                                                                     PARTNER_STATUSES),
        {"name": "country", "label": "Country"},
        {"name": "joined_on", "label": "Joined on", "type": "date", "fieldType": "date"},
    ],
    "associatedObjects": ["COMPANY"],
}


def partner_deal_definition(partner_type_id: str) -> dict[str, Any]:
    return {
        "name": "partner_deal", "labels": {"singular": "Partner Deal", "plural": "Partner Deals"},
        "description": "A deal a channel partner registered with us.",
        "primaryDisplayProperty": "registration_name", "requiredProperties": ["registration_name"],
        "searchableProperties": ["registration_name"], "secondaryDisplayProperties": ["registration_status"],
        "properties": [
            {"name": "registration_name", "label": "Registration"},
            _enum("registration_status", "Registration status", REGISTRATION_STATUSES),
            {"name": "amount", "label": "Amount", "type": "number", "fieldType": "number"},
            {"name": "currency", "label": "Currency", "type": "enumeration", "fieldType": "select",
             "options": [{"label": c, "value": c, "displayOrder": i} for i, c in enumerate(enums.CURRENCIES)]},
            {"name": "registered_on", "label": "Registered on", "type": "date", "fieldType": "date"},
            {"name": "closed_on", "label": "Closed on", "type": "date", "fieldType": "date"},
        ],
        "associatedObjects": [partner_type_id, "DEAL", "COMPANY"],
    }


def seed_partners(view: SeedView, rnd: random.Random) -> None:
    created_at = view.end - 900 * DAY_MS
    partner_schema = create_custom_object(view.store, CHANNEL_PARTNER, created_at)
    deal_schema = create_custom_object(view.store, partner_deal_definition(partner_schema.type_id), created_at)
    partners = _partners(view, rnd, partner_schema.name)
    _partner_deals(view, rnd, deal_schema.name, partner_schema.name, partners)


def _partners(view: SeedView, rnd: random.Random, otype: str) -> list[Rec]:
    owners = [o.id for o in view.active_owners]
    made: list[tuple[int, int, dict[str, str | None], int]] = []
    for company in view.live("companies"):
        if rnd.random() >= 0.08:
            continue
        joined = company.created + int(rnd.random() * max(1, view.end - company.created))
        joined -= joined % DAY_MS
        status = rnd.choices(PARTNER_STATUSES, (10, 75, 8, 7))[0]
        props = {"partner_name": view.get("companies", company, "name"), "country":
                 view.get("companies", company, "country"), "joined_on": iso_date(joined),
                 "partner_tier": rnd.choices(PARTNER_TIERS, (40, 30, 20, 10))[0], "partner_status": status,
                 "hubspot_owner_id": view.get("companies", company, "hubspot_owner_id") or rnd.choice(owners)}
        created = max(company.created, joined - rnd.randint(0, 30) * DAY_MS)
        made.append((created, min(view.end, joined + rnd.randint(0, 200) * DAY_MS), props, company.id))
    made.sort(key=lambda m: m[0])
    ids = IdSequence(FIRST_PARTNER_ID, rnd)
    recs = [Rec(ids.take(), view.aligned(otype, props), created, max(created, modified), links=(company,))
            for created, modified, props, company in made]
    view.store.tables[otype].load(recs)
    return recs


def _partner_deals(view: SeedView, rnd: random.Random, otype: str, partner_type: str, partners: list[Rec]) -> None:
    if not partners:
        return
    weights = [5 if view.get(partner_type, p, "partner_status") == "active" else 1 for p in partners]
    made: list[tuple[int, int, dict[str, str | None], tuple[int, int, int]]] = []
    for deal in view.live("deals"):
        if rnd.random() >= 0.15:
            continue
        partner = rnd.choices(partners, weights)[0]
        stage = view.get("deals", deal, "dealstage") or ""
        status = ("won" if stage == "closedwon" else "lost" if stage == "closedlost"
                  else rnd.choices(("approved", "registered", "rejected"), (70, 25, 5))[0])
        close = parse_instant(view.get("deals", deal, "closedate") or "") or view.end
        registered = min(view.end, deal.created + rnd.randint(0, 5) * DAY_MS)
        company, _ = view.deal_parts(deal)
        props = {"registration_name": f"{view.get(partner_type, partner, 'partner_name')} / "
                                      f"{view.get('deals', deal, 'dealname')}",
                 "registration_status": status, "amount": view.get("deals", deal, "amount"),
                 "currency": view.get("deals", deal, "deal_currency_code"),
                 "registered_on": iso_date(registered - registered % DAY_MS),
                 "closed_on": iso_date(close - close % DAY_MS) if status in ("won", "lost") else None,
                 "hubspot_owner_id": view.get("deals", deal, "hubspot_owner_id")}
        modified = min(view.end, max(registered, close if status in ("won", "lost") else deal.modified))
        made.append((registered, max(registered, modified), props, (partner.id, deal.id, company)))
    made.sort(key=lambda m: m[0])
    ids = IdSequence(FIRST_PARTNER_DEAL_ID, rnd)
    view.store.tables[otype].load([Rec(ids.take(), view.aligned(otype, props), created, modified, links=links)
                                   for created, modified, props, links in made])
