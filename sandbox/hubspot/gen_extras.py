"""What reps record on the seeded deals, calls and companies beyond the core seed:

- deals: a loss reason on ~90 % of lost deals, a win reason on some won ones, a forecast category set by hand on
  ~60 % of open deals (later stages lean to commit); their contacts' roles as association labels (deal → contact):
  the main contact of ~85 % of deals is the champion or the decision maker, others get a role more often than not;
- calls: an outcome (``hs_call_disposition``) on ~90 % of them, consistent with their status;
- companies: an ideal-customer-profile tier on ~20 % (bigger customers more often tier 1), tier 1 target accounts.
"""

from __future__ import annotations

import random

from sandbox.hubspot import enums
from sandbox.hubspot.gen_view import SeedView

CONTACT_ROLES = ("Decision maker", "Champion", "Economic buyer", "Technical evaluator", "Influencer")
_DISPOSITION = {label: value for value, label in enums.CALL_DISPOSITIONS}
_CONNECTED_OUTCOMES = ("Connected", "Left voicemail", "Left live message", "Wrong number")
_CONNECTED_WEIGHTS = (55, 20, 12, 3)


def seed_deal_extras(view: SeedView, rnd: random.Random) -> None:
    for deal in view.live("deals"):
        stage = view.get("deals", deal, "dealstage")
        props: dict[str, str | None] = {}
        if stage == "closedlost" and rnd.random() < 0.9:
            props["closed_lost_reason"] = rnd.choice(enums.LOSS_REASONS)
        elif stage == "closedwon" and rnd.random() < 0.4:
            props["closed_won_reason"] = rnd.choice(("Best fit for their workflow", "Price and terms",
                                                     "Champion pushed it through", "Faster time to value"))
        elif stage in enums.OPEN_STAGES and rnd.random() < 0.6:
            late = enums.OPEN_STAGES.index(stage) >= 3
            props["hs_manual_forecast_category"] = rnd.choices(
                ("PIPELINE", "BEST_CASE", "COMMIT", "OMIT"), (20, 35, 40, 5) if late else (65, 20, 5, 10))[0]
        if props:
            view.patch("deals", deal, props)


def seed_contact_roles(view: SeedView, rnd: random.Random) -> None:
    assoc = view.store.assoc
    labels = {name: assoc.types.add_label("deals", "contacts", name).type_id for name in CONTACT_ROLES}
    for deal in view.live("deals"):
        _, contacts = view.deal_parts(deal)
        for i, contact in enumerate(contacts):
            if i == 0 and rnd.random() < 0.85:
                chosen = [rnd.choice(("Champion", "Decision maker"))]
                if rnd.random() < 0.15:
                    chosen.append("Economic buyer")
            elif i > 0 and rnd.random() < 0.6:
                chosen = [rnd.choice(CONTACT_ROLES)]
            else:
                continue
            assoc.pair_labels[("deals", deal.id, "contacts", contact)] = tuple(labels[c] for c in chosen)


def seed_call_outcomes(view: SeedView, rnd: random.Random) -> None:
    for call in view.live("calls"):
        if rnd.random() >= 0.9:
            continue
        status = view.get("calls", call, "hs_call_status")
        label = ("No answer" if status == "NO_ANSWER" else "Busy" if status == "BUSY"
                 else rnd.choices(_CONNECTED_OUTCOMES, _CONNECTED_WEIGHTS)[0])
        view.patch("calls", call, {"hs_call_disposition": _DISPOSITION[label]})


def seed_company_tiers(view: SeedView, rnd: random.Random) -> None:
    for company in view.live("companies"):
        if rnd.random() >= 0.2:
            continue
        employees = float(view.get("companies", company, "numberofemployees") or 0)
        customer = view.get("companies", company, "lifecyclestage") == "customer"
        tier = rnd.choices(("tier_1", "tier_2", "tier_3"),
                           (50, 35, 15) if customer and employees >= 500 else (15, 35, 50))[0]
        view.patch("companies", company, {"hs_ideal_customer_profile": tier,
                                          "hs_is_target_account": "true" if tier == "tier_1" else "false"})
