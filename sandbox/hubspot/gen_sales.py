"""Seeded quotes and sales goals.

- Quotes on deals that got far: most deals in "contract sent" and won deals (the last one approved and signed, an
  earlier revision sometimes rejected), half of those at "decision maker bought-in", some lost ones; amount as the
  deal's, expiring 30 days after they were made.
- Goal targets: a revenue goal per sales rep (not Customer Success) per quarter, for the eight quarters up to the
  data's end and the current one, assigned by the rep's HubSpot *user* id, sized on what the rep closed.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime

from sandbox.hubspot.gen_view import SeedView
from sandbox.hubspot.ids import IdSequence
from sandbox.hubspot.records import Rec
from sandbox.hubspot.timefmt import DAY_MS, iso, iso_date, parse_instant, to_ms

FIRST_QUOTE_ID, FIRST_GOAL_ID = 6_200_000_001, 7_400_000_001
QUOTE_CHANCE = {"decisionmakerboughtin": 0.5, "contractsent": 0.9, "closedwon": 0.85, "closedlost": 0.3}
QUARTERS = 9


def seed_quotes(view: SeedView, rnd: random.Random) -> None:
    made: list[tuple[int, int, dict[str, str | None], tuple[int, int, int]]] = []
    for deal in view.live("deals"):
        stage = view.get("deals", deal, "dealstage") or ""
        amount = float(view.get("deals", deal, "amount") or 0)
        if rnd.random() >= QUOTE_CHANCE.get(stage, 0.0) or amount <= 0:
            continue
        company, contacts = view.deal_parts(deal)
        close = parse_instant(view.get("deals", deal, "closedate") or "") or view.end
        revisions = 2 if rnd.random() < 0.2 else 1
        for revision in range(revisions):
            last = revision == revisions - 1
            created = min(view.end, deal.created + int((close - deal.created) * rnd.uniform(0.4, 0.9)))
            status, signed = _status(rnd, stage, last)
            props: dict[str, str | None] = {
                "hs_title": f"{view.get('deals', deal, 'dealname')} - quote{'' if last else ' (draft)'}",
                "hs_status": status, "hs_sign_status": signed,
                "hs_expiration_date": iso_date(created - created % DAY_MS + 30 * DAY_MS),
                "hs_quote_amount": f"{amount:.2f}".rstrip("0").rstrip("."),
                "hs_currency": view.get("deals", deal, "deal_currency_code"),
                "hubspot_owner_id": view.get("deals", deal, "hubspot_owner_id"),
                "hs_terms": "Payment due within 30 days of invoice." if rnd.random() < 0.7 else None,
            }
            modified = min(view.end, created + rnd.randint(0, 20) * DAY_MS)
            made.append((created, max(created, modified), props, (deal.id, company, contacts[0] if contacts else 0)))
    made.sort(key=lambda m: m[0])
    ids = IdSequence(FIRST_QUOTE_ID, rnd)
    recs = []
    for created, modified, props, links in made:
        rid = ids.take()
        props["hs_quote_number"] = f"{iso_date(created).replace('-', '')}-{rid % 1_000_000_000}"
        props["hs_public_url_key"] = f"{rnd.getrandbits(64):016x}"
        recs.append(Rec(rid, view.aligned("quotes", props), created, modified, links=links))
    view.store.tables["quotes"].load(recs)


def _status(rnd: random.Random, stage: str, last: bool) -> tuple[str, str]:
    if not last:
        return rnd.choice(("REJECTED", "APPROVAL_NOT_NEEDED")), "NOT_YET_SIGNED"
    if stage == "closedwon":
        return rnd.choice(("APPROVED", "APPROVAL_NOT_NEEDED")), "ALL_SIGNED"
    if stage == "closedlost":
        return rnd.choice(("APPROVED", "REJECTED")), "NOT_YET_SIGNED"
    return rnd.choices(("DRAFT", "PENDING_APPROVAL", "APPROVED"), (20, 30, 50))[0], rnd.choices(
        ("NOT_YET_SIGNED", "PARTIALLY_SIGNED"), (80, 20))[0]


def _quarters(end: int) -> list[tuple[int, int]]:
    """[start, end] ms of the quarters up to (and including) the one ``end`` falls in."""
    moment = datetime.fromtimestamp(end / 1000, UTC)
    year, quarter = moment.year, (moment.month - 1) // 3
    out = []
    for back in range(QUARTERS - 1, -1, -1):
        y, q = divmod(year * 4 + quarter - back, 4)
        start = datetime(y, q * 3 + 1, 1, tzinfo=UTC)
        nxt = datetime(y + (q == 3), (q * 3 + 3) % 12 + 1, 1, tzinfo=UTC)
        out.append((to_ms(start), to_ms(nxt) - 1))
    return out


def seed_goals(view: SeedView, rnd: random.Random) -> None:
    reps = [o for o in view.active_owners if o.team[1] != "Customer Success"]
    won: dict[tuple[str, int], float] = defaultdict(float)
    quarters = _quarters(view.end)
    for deal in view.live("deals"):
        if view.get("deals", deal, "dealstage") != "closedwon":
            continue
        close = parse_instant(view.get("deals", deal, "closedate") or "") or 0
        for i, (start, stop) in enumerate(quarters):
            if start <= close <= stop:
                won[(view.get("deals", deal, "hubspot_owner_id") or "", i)] += float(
                    view.get("deals", deal, "amount") or 0)
    manager = reps[0].user_id if reps else 0
    made: list[tuple[int, dict[str, str | None]]] = []
    for i, (start, stop) in enumerate(quarters):
        label = datetime.fromtimestamp(start / 1000, UTC)
        for rep in reps:
            achieved = won.get((rep.id, i), 0.0)
            target = max(25_000.0, round(achieved * rnd.uniform(0.8, 1.3) / 5_000) * 5_000)
            made.append((start - rnd.randint(5, 20) * DAY_MS, {
                "hs_goal_name": f"Q{(label.month - 1) // 3 + 1} {label.year} revenue - {rep.first_name} "
                                f"{rep.last_name}",
                "hs_target_amount": f"{target:.0f}", "hs_start_datetime": iso(start), "hs_end_datetime": iso(stop),
                "hs_assignee_user_id": str(rep.user_id), "hs_assignee_team_id": rep.team[0],
                "hs_created_by_user_id": str(manager),
            }))
    made.sort(key=lambda m: m[0])
    ids = IdSequence(FIRST_GOAL_ID, rnd)
    view.store.tables["goal_targets"].load([
        Rec(ids.take(), view.aligned("goal_targets", props), min(created, view.end),
            min(view.end, created + rnd.randint(0, 3) * DAY_MS))
        for created, props in made])
