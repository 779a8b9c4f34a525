"""Seeded random stores for the KPI differential tests: every awkward case in small numbers (deleted rows, NULL
amounts and anchors, instants next to midnight and DST changes, overlapping and duplicated territory rows, a deleted
account and user, several currencies' NULL/USD)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine

from tests.support.kpi_golden import add_many

USERS = [("u1", "east", "Account Executive"), ("u2", "east", "Regional Sales Manager"),
         ("u3", "west", "SDR"), ("u4", "west", "VP Sales"), ("u5", None, "Director")]
ACCOUNTS = [("a1", "FR"), ("a2", "DE"), ("a3", "US"), ("a4", None), ("a5", "FR")]
START = datetime(2024, 10, 1, tzinfo=UTC)
SPAN_DAYS = 540


def _instant(rng: random.Random) -> datetime:
    """Often near a local midnight or a DST change, so a zone moves a row across a boundary."""
    day = START + timedelta(days=rng.randrange(SPAN_DAYS))
    edge = rng.choice([timedelta(hours=22, minutes=30), timedelta(hours=23, minutes=59), timedelta(hours=4),
                       timedelta(hours=rng.randrange(24), minutes=rng.randrange(60))])
    return day + edge


def _day(rng: random.Random) -> date:
    return (START + timedelta(days=rng.randrange(SPAN_DAYS))).date()


def build_random(engine: Engine, seed: int, deals: int = 80) -> None:
    rng = random.Random(seed)
    add_many(engine, "crm_user", [{"id": u, "team": team, "title": title, "deleted_at": None}
                                  for u, team, title in USERS])
    add_many(engine, "account", [{"id": a, "country": country, "owner_id": rng.choice(USERS)[0],
                                  "deleted_at": datetime(2025, 1, 1, tzinfo=UTC) if a == "a5" else None}
                                 for a, country in ACCOUNTS])
    owners = [u for u, _, _ in USERS] + [None, "u9"]  # no owner; an owner crmhub does not know
    accounts = [a for a, _ in ACCOUNTS] + [None]
    opportunities = []
    for i in range(deals):
        state = rng.choice(["won", "won", "lost", "open"])
        opportunities.append({
            "id": f"o{i}", "owner_id": rng.choice(owners), "account_id": rng.choice(accounts),
            "amount": rng.choice([None, *(float(rng.randrange(1, 50) * 100) for _ in range(6))]),
            "currency": rng.choice([None, "USD"]), "probability": float(rng.randrange(0, 101, 10)),
            "is_closed": state != "open", "is_won": state == "won",
            "close_date": None if rng.random() < 0.05 else _day(rng), "created_at": _instant(rng),
            "deleted_at": datetime(2025, 5, 1, tzinfo=UTC) if rng.random() < 0.05 else None})
    add_many(engine, "opportunity", opportunities)
    add_many(engine, "line_item", [{
        "id": f"li{i}", "opportunity_id": f"o{rng.randrange(deals)}", "quantity": float(rng.randrange(1, 5)),
        "list_price": float(rng.randrange(10, 90)), "total_price": float(rng.randrange(10, 300)),
        "discount_amount": rng.choice([None, 5.0, 12.5]), "discount_percent": rng.choice([None, 10.0]),
        "currency": "USD"} for i in range(deals)])
    add_many(engine, "lead", [{
        "id": f"l{i}", "owner_id": rng.choice(owners), "created_at": _instant(rng),
        "converted": rng.random() < 0.4, "converted_at": _instant(rng)} for i in range(deals // 2)])
    add_many(engine, "activity", [{
        "id": f"c{i}", "owner_id": rng.choice(owners), "account_id": rng.choice(accounts),
        "type": rng.choice(["call", "call", "email_sent", "meeting"]), "occurred_at": _instant(rng),
        "duration_minutes": float(rng.randrange(1, 60)),
        "deleted_at": datetime(2025, 5, 1, tzinfo=UTC) if rng.random() < 0.05 else None} for i in range(deals)])
    cases = []
    for i in range(deals // 2):
        opened = _instant(rng)
        closed = opened + timedelta(hours=rng.randrange(1, 400), minutes=rng.randrange(60))
        cases.append({"id": f"k{i}", "owner_id": rng.choice(owners), "account_id": rng.choice(accounts),
                      "opened_at": opened, "is_closed": rng.random() < 0.7, "closed_at": closed})
    add_many(engine, "support_case", cases)
    assignments = []
    for i in range(24):  # about five per account or user: they overlap, so the pick among them matters
        begins = rng.choice([None, _day(rng), _day(rng)])
        ends = rng.choice([None, None, (begins or _day(rng)) + timedelta(days=rng.randrange(90, 400))])
        holder = rng.choice([("account_id", rng.choice(accounts[:-1])), ("user_id", rng.choice(owners[:5]))])
        row = {"id": f"ta{i}", "territory_id": f"t{rng.randrange(4)}", "effective_from": begins,
               "effective_to": ends, holder[0]: holder[1]}
        assignments += [row, {**row, "id": f"ta{i}b"}] if rng.random() < 0.3 else [row]  # duplicates, too
    add_many(engine, "territory_assignment", assignments)
